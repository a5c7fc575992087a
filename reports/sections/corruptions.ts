import { heatColour, num, pct } from '../format.js';
import type { SectionBuilder } from './types.js';
import { safeImage } from '../safe-image.js';

interface Cell {
  accuracy: number | null;
  error: number | null;
  n: number;
}

interface Example {
  id: string;
  label: string;
  clean: { image: string; prediction: string };
  corrupted: Record<string, Record<string, { image: string; prediction: string; correct: boolean }>>;
}


function measuredValue(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v && typeof v === 'object' && 'value' in v) {
    const x = (v as { value: unknown }).value;
    return typeof x === 'number' && Number.isFinite(x) ? x : null;
  }
  return null;
}

function measuredReason(v: unknown): string | null {
  return v && typeof v === 'object' && 'reason' in v ? String((v as { reason: unknown }).reason) : null;
}

/**
 * Natural corruptions: accuracy heatmap (corruption × severity), mCE with its meaning, and example strips.
 * All numbers are formatted here; the partial only lays them out.
 */
export const corruptionsSection: SectionBuilder = (probe) => {
  const m = probe.metrics as Record<string, unknown>;
  const a = probe.artifacts as Record<string, unknown>;
  const severities = (a.severities as number[] | undefined) ?? [1, 2, 3, 4, 5];
  const corruptions = (a.corruptions as string[] | undefined) ?? [];
  const benchmark = new Set((a.benchmark as string[] | undefined) ?? []);
  const cleanAccuracy = measuredValue(m.clean_accuracy);
  const rows = corruptions.map((c) => {
    const entry = (m[c] ?? {}) as Record<string, unknown>;
    return {
      name: c.replace(/_/g, ' '),
      heldOut: !benchmark.has(c),
      cells: severities.map((s) => {
        const cell = entry[String(s)] as Cell | undefined;
        return { text: pct(cell?.accuracy ?? null), colour: heatColour(cell?.accuracy ?? null), n: cell?.n ?? 0 };
      }),
      mean: pct(measuredValue(entry.mean_accuracy)),
      meanColour: heatColour(measuredValue(entry.mean_accuracy)),
      ce: entry.ce === undefined ? '—' : num(entry.ce, 1),
    };
  });
  const mce = measuredValue(m.mce);
  const relMce = measuredValue(m.relative_mce);
  const baselineName = a.mce_baseline === 'alexnet' ? 'AlexNet' : a.mce_baseline === 'baseline_model' ? 'the baseline model' : null;
  const examples = ((a.examples as Example[] | undefined) ?? []).map((ex) => ({
    id: ex.id,
    label: ex.label,
    clean: { image: safeImage(ex.clean?.image), prediction: ex.clean?.prediction },
    rows: corruptions.map((c) => ({
      name: c.replace(/_/g, ' '),
      cells: severities.map((s) => {
        const e = ex.corrupted?.[c]?.[String(s)];
        return e
          ? { image: safeImage(e.image), prediction: e.correct ? e.prediction : `✗ ${e.prediction}`, correct: e.correct, colour: e.correct ? '#166534' : '#b91c1c' }
          : { image: null, prediction: '—', correct: false, colour: '#6b7280' };
      }),
    })),
  }));
  const mceText = mce === null ? '—' : num(mce, 2);
  return {
    probe: probe.name,
    title: 'Natural corruptions',
    partial: 'corruptions',
    view: {
      severities,
      rows,
      cleanAccuracy: pct(cleanAccuracy),
      n: typeof m.n === 'number' ? m.n : null,
      meanAccuracy: pct(measuredValue(m.mean_accuracy)),
      mce: mceText,
      relativeMce: relMce === null ? '—' : num(relMce, 2),
      mceMissing: mce === null ? measuredReason(m.mce) ?? 'not computed' : null,
      baselineName,
      parameterSet: a.parameter_set === 'cifar' ? 'CIFAR-10-C' : 'ImageNet-C',
      hasHeldOut: rows.some((r) => r.heldOut),
      examples,
    },
    markdown: [
      `**Corruptions** mean accuracy ${pct(measuredValue(m.mean_accuracy))} (clean ${pct(cleanAccuracy)})${mce === null ? '' : `, mCE ${mceText}${baselineName ? ` vs ${baselineName}` : ''}`}`,
    ],
  };
};
