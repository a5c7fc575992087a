import type { MeasuredValue } from '../../src/runner/probe.js';
import { escapeHtml } from '../escape.js';
import { heatColour, num, pct } from '../format.js';
import type { SectionBuilder } from './types.js';

type Entry = Record<string, unknown> & { count: number; small: boolean };
type RateMV = MeasuredValue & { numerator?: number; denominator?: number };

const GRID_METRICS: [string, string][] = [
  ['accuracy', 'accuracy'],
  ['selection_rate', 'selection rate'],
  ['tpr', 'true-positive rate'],
  ['fpr', 'false-positive rate'],
];

const DISPARITIES: [string, string][] = [
  ['demographic_parity_difference', 'demographic parity difference'],
  ['demographic_parity_ratio', 'demographic parity ratio'],
  ['equalized_odds_difference', 'equalized odds difference'],
  ['equalized_odds_ratio', 'equalized odds ratio'],
  ['equal_opportunity_difference', 'equal opportunity difference'],
  ['error_rate_difference', 'error-rate gap'],
  ['accuracy_difference', 'accuracy gap'],
];

const GLOSSARY: [string, string][] = [
  ['selection rate', 'How often the model gives the positive outcome to a group: P(ŷ = positive).'],
  ['true-positive rate (TPR)', 'Of the people who really are positive, the share the model calls positive. A low TPR means deserving cases are missed.'],
  ['false-positive rate (FPR)', 'Of the people who really are negative, the share the model wrongly calls positive.'],
  ['demographic parity difference / ratio', 'The gap (max − min) or ratio (min / max) of selection rates between groups. 0 and 1 mean every group is selected equally often, whatever the true labels.'],
  ['equalized odds difference / ratio', 'The worse of the TPR gap and the FPR gap between groups (Hardt et al. 2016): the model should make each kind of error equally often for every group.'],
  ['equal opportunity', 'Only the TPR gap: deserving members of every group should be recognised equally often.'],
  ['four-fifths rule', 'A screening heuristic (US EEOC 1978): the lowest selection rate should be at least 80% of the highest. It is not a statistical test and not a legal verdict.'],
  ['interval', 'A 95% range: Wilson score intervals for rates, stratified bootstrap percentile intervals for differences and ratios. Wide intervals mean the data cannot tell.'],
  ['INSUFFICIENT', 'A group smaller than min_group_size is shown but greyed; any disparity or gate that depends on it is INSUFFICIENT, never PASS.'],
];

/** Horizontal bars of one rate per group, with Wilson-interval whiskers. */
function barsSvg(title: string, rows: { name: string; v: RateMV; small: boolean; count: number }[]): string {
  const W = 420;
  const rowH = 20;
  const left = 150;
  const H = 26 + rows.length * rowH;
  const x = (v: number) => left + v * (W - left - 56); // room on the right for the value label
  const parts = rows.map((r, i) => {
    const y = 20 + i * rowH;
    const v = r.v.value;
    const label = `<text x="${left - 6}" y="${y + 12}" text-anchor="end" font-size="11">${escapeHtml(r.name)} (n=${r.count})</text>`;
    if (v === null || v === undefined) return `${label}<text x="${left + 4}" y="${y + 12}" font-size="11" fill="#6b7280">undefined — ${escapeHtml(r.v.reason ?? '')}</text>`;
    const fill = r.small ? '#d1d5db' : '#60a5fa';
    const bar = `<rect x="${left}" y="${y + 3}" width="${(x(v) - left).toFixed(1)}" height="12" fill="${fill}"><title>${escapeHtml(`${r.name}: ${pct(v)} (${r.v.numerator}/${r.v.denominator})`)}</title></rect>`;
    const whisker =
      r.v.lower !== undefined && r.v.upper !== undefined
        ? `<line x1="${x(r.v.lower).toFixed(1)}" x2="${x(r.v.upper).toFixed(1)}" y1="${y + 9}" y2="${y + 9}" stroke="#111827"/><line x1="${x(r.v.lower).toFixed(1)}" x2="${x(r.v.lower).toFixed(1)}" y1="${y + 5}" y2="${y + 13}" stroke="#111827"/><line x1="${x(r.v.upper).toFixed(1)}" x2="${x(r.v.upper).toFixed(1)}" y1="${y + 5}" y2="${y + 13}" stroke="#111827"/>`
        : '';
    return `${label}${bar}${whisker}<text x="${W - 4}" y="${y + 12}" font-size="10" text-anchor="end">${pct(v)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}">
<text x="4" y="13" font-size="12" font-weight="600">${escapeHtml(title)}</text>
<line x1="${left}" x2="${left}" y1="18" y2="${H - 4}" stroke="#9ca3af"/>${parts.join('')}</svg>`;
}

export const fairnessSection: SectionBuilder = (probe, results) => {
  const m = probe.metrics as Record<string, unknown>;
  const byGroup = (m.by_group ?? {}) as Record<string, Record<string, Entry>>;
  const attributes = (m.attributes as string[] | undefined) ?? Object.keys(byGroup);
  const minGroup = m.min_group_size as number | undefined;

  // Intersection grids (two attributes): rows = first attribute's values, columns = second's.
  const grids = attributes
    .filter((a) => a.split('*').length === 2 && byGroup[a])
    .flatMap((attr) => {
      const [ra, ca] = attr.split('*');
      const rowsV = [...new Set(Object.keys(byGroup[attr]).map((k) => k.split('*')[0]))];
      const colsV = [...new Set(Object.keys(byGroup[attr]).map((k) => k.split('*')[1]))];
      return GRID_METRICS.map(([key, label]) => ({
        title: `${label} by ${ra} × ${ca}`,
        rowAttr: ra,
        colAttr: ca,
        cols: colsV,
        rows: rowsV.map((r) => ({
          name: r,
          cells: colsV.map((c) => {
            const e = byGroup[attr][`${r}*${c}`];
            const v = e ? (e[key] as RateMV).value : null;
            return {
              value: e ? (v === null ? 'undefined' : pct(v)) : 'no samples',
              count: e ? `n=${e.count}` : '',
              colour: !e || e.small ? '#e5e7eb' : heatColour(key === 'fpr' ? (v === null ? null : 1 - v) : v),
              small: e?.small ?? true,
            };
          }),
        })),
      }));
    });

  const bars = attributes
    .filter((a) => byGroup[a])
    .flatMap((attr) =>
      ['selection_rate', 'tpr', 'fpr'].map((rate) =>
        barsSvg(
          `${rate === 'selection_rate' ? 'selection rate' : rate.toUpperCase()} by ${attr}`,
          Object.entries(byGroup[attr]).map(([name, e]) => ({ name, v: e[rate] as RateMV, small: e.small, count: e.count })),
        ),
      ),
    );

  const gateByMetric = new Map(results.gates.map((g) => [g.metric, g]));
  const disparityRows = attributes.flatMap((attr) =>
    DISPARITIES.map(([key, label]) => {
      const v = (m[key] as Record<string, MeasuredValue> | undefined)?.[attr];
      if (!v) return null;
      const gate = gateByMetric.get(`fairness.${key}.${attr}`) ?? gateByMetric.get(`fairness.${key}[${JSON.stringify(attr)}]`);
      return {
        attribute: attr,
        metric: label,
        value: v.value === null ? 'undefined' : num(v.value, 4),
        interval: v.lower !== undefined && v.upper !== undefined ? `${num(v.lower, 4)} – ${num(v.upper, 4)}` : '',
        note: v.insufficient ?? v.reason ?? '',
        gate: gate ? gate.status : '',
        gateClass: gate ? gate.status.toLowerCase() : '',
      };
    }).filter((r): r is NonNullable<typeof r> => r !== null),
  );

  const groupTables = attributes
    .filter((a) => byGroup[a])
    .map((attr) => ({
      attribute: attr,
      rows: Object.entries(byGroup[attr]).map(([name, e]) => ({
        name,
        count: e.count,
        small: e.small,
        cells: ['base_rate', 'selection_rate', 'accuracy', 'tpr', 'fpr', 'ppv'].map((k) => {
          const v = e[k] as RateMV;
          return { value: v.value === null ? '—' : pct(v.value), title: v.value === null ? (v.reason ?? '') : `${v.numerator}/${v.denominator}, 95% ${pct(v.lower)}–${pct(v.upper)}` };
        }),
        calibration: e.calibration_error === undefined ? null : num(e.calibration_error as number, 3),
      })),
    }));

  const eo = m.equalized_odds_difference as Record<string, MeasuredValue> | undefined;
  return {
    probe: probe.name,
    title: 'Subgroup fairness',
    partial: 'fairness',
    view: {
      positive: m.positive_label ?? 'one-vs-rest per class',
      n: m.n,
      minGroup,
      method: m.method,
      grids,
      bars,
      disparityRows,
      groupTables,
      hasCalibration: groupTables.some((t) => t.rows.some((r) => r.calibration !== null)),
      glossary: GLOSSARY.map(([term, text]) => ({ term, text })),
    },
    markdown: eo
      ? [`**Fairness** equalized-odds difference: ${Object.entries(eo).map(([a, v]) => `${a} ${v.value === null ? 'undefined' : num(v.value, 3)}${v.insufficient ? ' (insufficient)' : ''}`).join(', ')}`]
      : [],
  };
};
