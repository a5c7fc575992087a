import { escapeHtml } from '../escape.js';
import { heatColour, num, pct } from '../format.js';
import type { SectionBuilder } from './types.js';

interface PerfMetrics {
  accuracy: number | null;
  n: number;
  correct: number;
  ece: number | null;
  max_calibration_error: number | null;
  mean_confidence: number | null;
  per_class: Record<string, { accuracy: number | null; support: number; correct: number }>;
  confusion_matrix: number[][];
}

interface Bin {
  lower: number;
  upper: number;
  count: number;
  accuracy: number | null;
  confidence: number | null;
}

export const performanceSection: SectionBuilder = (probe) => {
  const m = probe.metrics as unknown as PerfMetrics;
  const names = (probe.artifacts.class_names as string[] | undefined) ?? Object.keys(m.per_class ?? {});
  const cm = m.confusion_matrix ?? [];
  const rows = cm.map((row, t) => {
    const support = row.reduce((a, b) => a + b, 0);
    return {
      name: names[t] ?? String(t),
      cells: row.map((c, p) => ({
        count: c,
        colour: t === p ? heatColour(support ? c / support : null) : c === 0 ? '#ffffff' : `hsl(0, 70%, ${Math.round(100 - Math.min(1, (4 * c) / Math.max(support, 1)) * 22)}%)`,
        diagonal: t === p,
      })),
    };
  });
  const perClass = Object.entries(m.per_class ?? {}).map(([name, v]) => ({
    name,
    accuracy: pct(v.accuracy),
    support: v.support,
    colour: heatColour(v.accuracy),
  }));
  return {
    probe: probe.name,
    title: 'Clean performance',
    partial: 'performance',
    view: {
      accuracy: pct(m.accuracy, 2),
      counts: `${m.correct} of ${m.n}`,
      ece: num(m.ece, 4),
      mce: num(m.max_calibration_error, 4),
      meanConfidence: pct(m.mean_confidence),
      perClass,
      classNames: names,
      confusion: rows,
      reliability: reliabilitySvg((probe.artifacts.calibration_bins as Bin[] | undefined) ?? []),
    },
    markdown: [`**Clean accuracy** ${pct(m.accuracy, 2)} (${m.correct}/${m.n}), ECE ${num(m.ece, 4)}`],
  };
};

/** Reliability diagram: bar = accuracy per confidence bin, diagonal = perfect calibration. */
function reliabilitySvg(bins: Bin[]): string {
  if (!bins.length) return '';
  const W = 260;
  const H = 260;
  const pad = 30;
  const x = (v: number) => pad + v * (W - pad - 10);
  const y = (v: number) => H - pad - v * (H - pad - 10);
  const bars = bins
    .filter((b) => b.count > 0 && b.accuracy !== null)
    .map((b) => {
      const x0 = x(b.lower);
      const w = x(b.upper) - x0 - 1;
      const top = y(b.accuracy ?? 0);
      return `<rect x="${x0.toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${(y(0) - top).toFixed(1)}" fill="#60a5fa"><title>${escapeHtml(`${b.lower.toFixed(2)}–${b.upper.toFixed(2)}: accuracy ${pct(b.accuracy)}, confidence ${pct(b.confidence)}, n=${b.count}`)}</title></rect>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="Reliability diagram">
<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(0)}" stroke="#333"/><line x1="${x(0)}" y1="${y(0)}" x2="${x(0)}" y2="${y(1)}" stroke="#333"/>
${bars}<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#9ca3af" stroke-dasharray="4 3"/>
<text x="${W / 2}" y="${H - 4}" text-anchor="middle" font-size="11">confidence</text>
<text x="10" y="${H / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 10 ${H / 2})">accuracy</text>
<text x="${x(0)}" y="${y(0) + 12}" font-size="9" text-anchor="middle">0</text><text x="${x(1)}" y="${y(0) + 12}" font-size="9" text-anchor="middle">1</text>
</svg>`;
}
