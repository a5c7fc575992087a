/** Turning label values (class names or 0-based indices) into class indices. */

const INDEX = /^\d+$/;

/**
 * Class names when neither the config nor the model gives them: '0'..'max' when every label is an
 * index, else the distinct values sorted by code point (as Python's sorted(), which torchvision uses).
 */
export function deriveClassNames(values: Iterable<string>): string[] {
  const distinct = new Set<string>();
  for (const v of values) distinct.add(v);
  const all = [...distinct];
  if (all.length > 0 && all.every((v) => INDEX.test(v))) {
    const max = Math.max(...all.map(Number));
    return Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  return all.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A resolver from a label value to a class index: a class name first, else an in-range index; null when neither. */
export function labelResolver(classNames: readonly string[]): (value: string) => number | null {
  const byName = new Map(classNames.map((n, i) => [n, i]));
  return (value) => {
    const v = value.trim();
    const named = byName.get(v);
    if (named !== undefined) return named;
    if (INDEX.test(v) && Number(v) < classNames.length) return Number(v);
    return null;
  };
}

export function unknownLabelReason(value: string, classNames: readonly string[]): string {
  const shown = classNames.length > 12 ? `${classNames.slice(0, 12).join(', ')}, …` : classNames.join(', ');
  return `label '${value}' is not in the class list (${classNames.length} classes: ${shown})`;
}
