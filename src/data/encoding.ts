import type { FeatureSpec, LabelSpec } from './schema.js';
import { labelResolver, unknownLabelReason } from './labels.js';

/**
 * A declarative row → feature-vector encoding (pure; no I/O). Three kinds of feature:
 *   'age'                                  numeric column, parsed as a number
 *   {column: 'colour', equals: 'White'}    indicator, 1 when equal else 0 (pandas get_dummies naming: colour_White)
 *   {column: 'size', map: {S: 0, M: 1}}    categorical mapping; a value not in the map is an error
 */
export interface CompiledFeature {
  name: string;
  column: string;
  encode(value: string): number | string; // a number, or the reason it cannot be encoded
}

export type CompiledLabel = { column: string; classNames: string[]; encode(value: string): number | string };

/** Strict number parsing: '', 'NA', '1e', '12abc' are rejected (Number('') would silently give 0). */
export function parseNumber(value: string): number | null {
  const v = value.trim();
  if (v === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return null;
  return Number(v);
}

export function compileFeature(spec: FeatureSpec): CompiledFeature {
  const f = typeof spec === 'string' ? { column: spec } : spec;
  const { column } = f;
  if ('equals' in f && f.equals !== undefined) {
    const target = f.equals;
    return {
      name: f.name ?? `${column}_${target}`,
      column,
      encode: (v) => (v.trim() === '' ? `feature '${column}' is empty` : v.trim() === target ? 1 : 0),
    };
  }
  if ('map' in f && f.map !== undefined) {
    const map = f.map;
    const known = Object.keys(map);
    return {
      name: f.name ?? column,
      column,
      encode: (v) => {
        const key = v.trim();
        return Object.hasOwn(map, key) ? map[key] : `feature '${column}' value '${key}' is not in its map (${known.join(', ')})`;
      },
    };
  }
  return {
    name: f.name ?? column,
    column,
    encode: (v) => parseNumber(v) ?? `feature '${column}' is not a number: '${v}'`,
  };
}

/**
 * The label: `{column, positive, negative?}` is binary (positive → 1, negative → 0; without `negative`
 * every other non-empty value is 0); a bare column name holds class names or 0-based indices.
 */
export function compileLabel(spec: LabelSpec, classNames: string[] | undefined): CompiledLabel | { column: string; needsClassNames: true } {
  const l = typeof spec === 'string' ? { column: spec } : spec;
  if (l.positive !== undefined) {
    const { positive, negative, column } = l;
    const names = classNames ?? [negative ?? `not ${positive}`, positive];
    if (names.length !== 2) throw new Error(`dataset.class_names: a binary label (positive: ${positive}) needs exactly 2 class names, got ${names.length}`);
    return {
      column,
      classNames: names,
      encode: (v) => {
        const t = v.trim();
        if (t === positive) return 1;
        if (negative === undefined ? t !== '' : t === negative) return 0;
        return t === '' ? `label '${column}' is empty` : `label '${t}' is neither '${positive}' nor '${negative}'`;
      },
    };
  }
  if (!classNames) return { column: l.column, needsClassNames: true };
  const resolve = labelResolver(classNames);
  return {
    column: l.column,
    classNames,
    encode: (v) => resolve(v) ?? (v.trim() === '' ? `label '${l.column}' is empty` : unknownLabelReason(v.trim(), classNames)),
  };
}
