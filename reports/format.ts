/** Number formatting shared by report builders (builders format; templates only print). */

export function pct(v: unknown, digits = 1): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : '—';
}

export function num(v: unknown, digits = 3): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v === null || v === undefined ? '—' : String(v);
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(digits);
}

export function ms(v: number): string {
  return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`;
}

/** A colour from red (0) through amber to green (1) for heat cells; text stays readable on it. */
export function heatColour(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '#e5e7eb';
  const t = Math.max(0, Math.min(1, v));
  const hue = Math.round(t * 120); // 0 red … 120 green
  return `hsl(${hue}, 70%, 82%)`;
}
