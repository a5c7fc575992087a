/** Group labels encoded once as integer codes, so every metric loop runs over typed arrays. */
export interface EncodedGroups {
  codes: Int32Array;
  /** Group names by code, sorted. */
  names: string[];
}

export function encodeGroups(values: readonly string[]): EncodedGroups {
  const names = [...new Set(values)].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = index.get(values[i])!;
  return { codes, names };
}

/** Separator between attribute values in an intersection: group "Black*Male" of attribute "colour*sex". */
export const INTERSECTION_SEP = '*';

/** Per-sample intersection labels of several attributes, e.g. colour × sex → "Black*Male". */
export function intersect(columns: readonly (readonly string[])[]): string[] {
  const n = columns[0]?.length ?? 0;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = columns.map((c) => c[i]).join(INTERSECTION_SEP);
  return out;
}
