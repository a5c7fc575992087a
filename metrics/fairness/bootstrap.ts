import { Rng } from '../../src/random.js';
import type { GroupCounts } from './confusion.js';
import { DISPARITY_NAMES, disparityValues, type DisparityMethod } from './disparity.js';

export interface BootstrapResult {
  draws: number;
  /** draws × DISPARITY_NAMES.length, row-major; NaN where a draw left a disparity undefined. */
  values: Float64Array;
}

/**
 * Stratified bootstrap of the disparities: each group's rows are resampled with replacement within
 * the group (group sizes stay fixed, as in a stratified bootstrap; Davison & Hinkley 1997, §3.8).
 * Every metric here depends on the rows only through the group's confusion counts, so resampling
 * n_g rows is the same as one multinomial draw of n_g over the group's (TP, FP, TN, FN)
 * proportions — drawn here row by row against 32-bit thresholds, which keeps it exact to 2⁻³² and
 * avoids touching the original arrays: O(N) per draw with no memory traffic.
 */
export function bootstrapDisparities(counts: GroupCounts, method: DisparityMethod, draws: number, seed: number): BootstrapResult {
  const G = counts.tp.length;
  const D = DISPARITY_NAMES.length;
  const values = new Float64Array(draws * D);
  const rng = new Rng(seed);
  const resampled: GroupCounts = { tp: new Float64Array(G), fp: new Float64Array(G), tn: new Float64Array(G), fn: new Float64Array(G) };
  // Cumulative thresholds per group in uint32 space: u < t1 → TP, < t2 → FP, < t3 → TN, else FN.
  const t1 = new Float64Array(G);
  const t2 = new Float64Array(G);
  const t3 = new Float64Array(G);
  const n = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    n[g] = counts.tp[g] + counts.fp[g] + counts.tn[g] + counts.fn[g];
    const scale = n[g] > 0 ? 4294967296 / n[g] : 0;
    t1[g] = counts.tp[g] * scale;
    t2[g] = (counts.tp[g] + counts.fp[g]) * scale;
    t3[g] = (counts.tp[g] + counts.fp[g] + counts.tn[g]) * scale;
  }
  const row = new Float64Array(D);
  for (let b = 0; b < draws; b++) {
    for (let g = 0; g < G; g++) {
      let tp = 0;
      let fp = 0;
      let tn = 0;
      const a = t1[g];
      const c2 = t2[g];
      const c3 = t3[g];
      for (let i = 0; i < n[g]; i++) {
        const u = rng.nextUint32();
        if (u < a) tp++;
        else if (u < c2) fp++;
        else if (u < c3) tn++;
      }
      resampled.tp[g] = tp;
      resampled.fp[g] = fp;
      resampled.tn[g] = tn;
      resampled.fn[g] = n[g] - tp - fp - tn;
    }
    disparityValues(resampled, method, row);
    values.set(row, b * D);
  }
  return { draws, values };
}

/** Sorted finite draws of one disparity (column k). */
export function sortedColumn(r: BootstrapResult, k: number): Float64Array {
  const D = DISPARITY_NAMES.length;
  const out: number[] = [];
  for (let b = 0; b < r.draws; b++) {
    const v = r.values[b * D + k];
    if (Number.isFinite(v)) out.push(v);
  }
  return Float64Array.from(out).sort();
}

/** Percentile of sorted data with linear interpolation (numpy's default "linear" method). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
