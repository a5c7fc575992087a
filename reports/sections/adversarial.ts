import { escapeHtml } from '../escape.js';
import { num, pct } from '../format.js';
import type { SectionBuilder } from './types.js';
import { safeImage } from '../safe-image.js';

interface Cell {
  eps: number;
  robust_accuracy: number;
  final_iterate_accuracy?: number;
  success_rate: number | null;
  n: number;
  mean_linf: number;
  max_linf: number;
  mean_l2: number;
  max_l2: number;
}

const ATTACK_NAMES: Record<string, string> = {
  fgsm: 'FGSM (L∞)',
  pgd_linf: 'PGD (L∞)',
  pgd_l2: 'PGD (L2)',
  pgd_linf_targeted: 'PGD (L∞, targeted)',
  pgd_l2_targeted: 'PGD (L2, targeted)',
  apgd_ce: 'APGD-CE (L∞)',
  apgd_dlr_t: 'APGD-T (L∞, targeted DLR)',
  square: 'Square (L∞, black-box)',
  autoattack_lite: 'autoattack-lite (L∞)',
  worst_case: 'worst case (L∞)',
};
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

const FLAG_TEXT: Record<string, string> = {
  accuracy_increases_with_eps: 'robust accuracy rises with ε',
  unbounded_pgd_not_zero: 'unbounded PGD leaves samples correct',
  iterative_weaker_than_fgsm: 'an iterative attack weaker than FGSM',
  blackbox_beats_whitebox: 'black-box beats white-box',
  zero_gradient_fraction: 'share of all-zero gradients',
  nan_gradient_fraction: 'share of NaN gradients',
  probability_outputs: 'model outputs probabilities',
  unbounded_pgd_accuracy: 'accuracy under unbounded PGD',
};

/** Robust accuracy vs ε, one polyline per L∞ attack (ε on a linear axis from 0). */
function curveSvg(series: { name: string; points: [number, number][]; dashed?: boolean }[], clean: number): string {
  const W = 500;
  const H = 260;
  const L = 44;
  const B = 34;
  const maxEps = Math.max(1e-12, ...series.flatMap((s) => s.points.map((p) => p[0])));
  const x = (e: number) => L + (e / maxEps) * (W - L - 130);
  const y = (a: number) => H - B - a * (H - B - 14);
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => `<line x1="${L - 3}" x2="${W - 170}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e7eb"/><text x="${L - 6}" y="${y(t) + 3}" font-size="10" text-anchor="end">${t * 100}%</text>`)
    .join('');
  const xt = [0, 0.5, 1].map((f) => `<text x="${x(f * maxEps)}" y="${H - B + 14}" font-size="10" text-anchor="middle">${num(f * maxEps, 4)}</text>`).join('');
  const lines = series
    .map((s, k) => {
      const pts: [number, number][] = [[0, clean], ...s.points.sort((a, b) => a[0] - b[0])];
      const colour = COLOURS[k % COLOURS.length];
      const d = pts.map(([e, a]) => `${x(e).toFixed(1)},${y(a).toFixed(1)}`).join(' ');
      const dots = pts.map(([e, a]) => `<circle cx="${x(e).toFixed(1)}" cy="${y(a).toFixed(1)}" r="3" fill="${colour}"><title>${escapeHtml(`${s.name}: ε=${num(e, 4)} → ${pct(a)}`)}</title></circle>`).join('');
      const legend = `<line x1="${W - 162}" x2="${W - 144}" y1="${20 + k * 16}" y2="${20 + k * 16}" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/><text x="${W - 140}" y="${24 + k * 16}" font-size="11">${escapeHtml(s.name)}</text>`;
      return `<polyline points="${d}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>${dots}${legend}`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="Robust accuracy against the perturbation budget">
${ticks}<line x1="${L}" x2="${L}" y1="10" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${W - 170}" y1="${H - B}" y2="${H - B}" stroke="#333"/>${xt}
<text x="${(L + W - 170) / 2}" y="${H - 4}" font-size="11" text-anchor="middle">ε (L∞, pixel scale 0–1)</text>${lines}</svg>`;
}

export const adversarialSection: SectionBuilder = (probe) => {
  const m = probe.metrics as Record<string, unknown>;
  const clean = (m.clean_accuracy as number) ?? 0;
  const attacks = Object.entries(m).filter(([k, v]) => k in ATTACK_NAMES && k !== 'worst_case' && v && typeof v === 'object') as [string, Record<string, Cell>][];
  const worst = (m.worst_case ?? {}) as Record<string, { robust_accuracy: number }>;
  const epsOf = (key: string) => attacks.flatMap(([, cells]) => (cells[key] ? [cells[key].eps] : []))[0];
  const series = attacks
    .filter(([name]) => !name.startsWith('pgd_l2'))
    .map(([name, cells]) => ({ name: ATTACK_NAMES[name], points: Object.values(cells).map((c) => [c.eps, c.robust_accuracy] as [number, number]) }));
  if (Object.keys(worst).length) {
    series.push({ name: ATTACK_NAMES.worst_case, points: Object.entries(worst).map(([k, w]) => [epsOf(k) ?? 0, w.robust_accuracy] as [number, number]), dashed: true } as never);
  }
  const tables = attacks.map(([name, cells]) => ({
    name: ATTACK_NAMES[name] ?? name,
    metric: name,
    rows: Object.entries(cells)
      .sort((a, b) => a[1].eps - b[1].eps)
      .map(([key, c]) => ({
        key,
        robust: pct(c.robust_accuracy),
        final: c.final_iterate_accuracy === undefined ? '—' : pct(c.final_iterate_accuracy),
        success: pct(c.success_rate),
        linf: `${num(c.mean_linf, 4)} / ${num(c.max_linf, 4)}`,
        l2: `${num(c.mean_l2, 3)} / ${num(c.max_l2, 3)}`,
        n: c.n,
      })),
  }));
  const flags = Object.entries((m.masking ?? {}) as Record<string, boolean | number | null>)
    .filter(([k]) => k !== 'any')
    .map(([k, v]) => ({
      name: FLAG_TEXT[k] ?? k,
      key: k,
      value: typeof v === 'boolean' ? (v ? 'yes' : 'no') : v === null ? 'not checked' : pct(v),
      raised: v === true,
    }));
  const gallery = ((probe.artifacts.gallery ?? []) as Record<string, unknown>[])
    .filter((g) => safeImage(g.clean) && safeImage(g.perturbation) && safeImage(g.adversarial))
    .map((g) => ({
    ...g,
    caption: `${g.sample} · true ${g.label}`,
    cleanText: `${g.cleanPred} (${pct(g.cleanConf)})`,
    advText: `${g.advPred} (${pct(g.advConf)})`,
    attackText: `${ATTACK_NAMES[g.attack as string] ?? g.attack}, ε=${num(g.eps as number, 4)}`,
  }));
  const worstRows = Object.entries(worst).map(([k, w]) => ({ key: k, robust: pct(w.robust_accuracy) }));
  const md = worstRows.length ? [`**Adversarial** worst-case robust accuracy: ${worstRows.map((r) => `ε=${r.key} ${r.robust}`).join(', ')}${(m.masking as { any?: boolean })?.any ? ' — ⚠️ gradient-masking flags raised' : ''}`] : [];
  return {
    probe: probe.name,
    title: 'Adversarial robustness',
    partial: 'adversarial',
    view: { clean: pct(clean), n: m.n, curve: curveSvg(series, clean), tables, worstRows, flags, anyFlag: flags.some((f) => f.raised), gallery },
    markdown: md,
  };
};
