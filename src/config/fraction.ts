/**
 * Parse a number written in a config: a plain number, or a string such as "8/255", "0.03" or "1e-3".
 * Returns null when the string is not one of those forms.
 */
export function parseNumberOrFraction(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  const frac = /^([+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*\/\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/i.exec(s);
  if (frac) {
    const den = Number(frac[2]);
    return den === 0 ? null : Number(frac[1]) / den;
  }
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  return null;
}

/** JSON Schema for a number that may also be written as a fraction string like "8/255". */
export const numberOrFractionSchema = {
  anyOf: [
    { type: 'number' },
    { type: 'string', pattern: '^\\s*[+-]?\\d+(\\.\\d+)?([eE][+-]?\\d+)?(\\s*/\\s*\\d+(\\.\\d+)?)?\\s*$' },
  ],
} as const;
