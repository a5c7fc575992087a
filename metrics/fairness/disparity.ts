import { rateValue, type GroupCounts, type RateName } from './confusion.js';

export type DisparityMethod = 'between_groups' | 'to_overall';

/**
 * The disparities faultline reports, with Fairlearn's names and definitions
 * (fairlearn.metrics: demographic_parity_*, equalized_odds_* with agg="worst_case"):
 * - <x>_difference: between_groups max_g r_g − min_g r_g; to_overall max_g |r_g − r_overall|
 * - <x>_ratio: between_groups min_g r_g / max_g r_g; to_overall min_g min(r_g/r_o, r_o/r_g)
 * - equalized_odds_difference = max(tpr_difference, fpr_difference);
 *   equalized_odds_ratio = min(tpr_ratio, fpr_ratio).
 * Groups whose rate is undefined (zero denominator) are left out of max/min.
 */
export const DISPARITY_NAMES = [
  'demographic_parity_difference',
  'demographic_parity_ratio',
  'equalized_odds_difference',
  'equalized_odds_ratio',
  'equal_opportunity_difference',
  'equal_opportunity_ratio',
  'tpr_difference',
  'tpr_ratio',
  'fpr_difference',
  'fpr_ratio',
  'error_rate_difference',
  'error_rate_ratio',
  'accuracy_difference',
  'accuracy_ratio',
] as const;
export type DisparityName = (typeof DISPARITY_NAMES)[number];

const BASE: Record<string, RateName> = {
  demographic_parity: 'selection_rate',
  equal_opportunity: 'tpr',
  tpr: 'tpr',
  fpr: 'fpr',
  error_rate: 'error_rate',
  accuracy: 'accuracy',
};

/** Difference and ratio of one rate across groups; NaN where undefined (no two defined groups, or 0/0). */
function spread(rate: RateName, c: GroupCounts, method: DisparityMethod): [number, number] {
  const G = c.tp.length;
  if (method === 'between_groups') {
    let lo = Infinity;
    let hi = -Infinity;
    let defined = 0;
    for (let g = 0; g < G; g++) {
      const v = rateValue(rate, c.tp[g], c.fp[g], c.tn[g], c.fn[g]);
      if (!Number.isFinite(v)) continue;
      defined++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (defined === 0) return [NaN, NaN];
    return [hi - lo, hi > 0 ? lo / hi : NaN];
  }
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let g = 0; g < G; g++) {
    tp += c.tp[g];
    fp += c.fp[g];
    tn += c.tn[g];
    fn += c.fn[g];
  }
  const o = rateValue(rate, tp, fp, tn, fn);
  if (!Number.isFinite(o)) return [NaN, NaN];
  let diff = -Infinity;
  let ratio = Infinity;
  for (let g = 0; g < G; g++) {
    const v = rateValue(rate, c.tp[g], c.fp[g], c.tn[g], c.fn[g]);
    if (!Number.isFinite(v)) continue;
    diff = Math.max(diff, Math.abs(v - o));
    ratio = Math.min(ratio, v === o ? 1 : v > 0 && o > 0 ? Math.min(v / o, o / v) : 0);
  }
  return diff === -Infinity ? [NaN, NaN] : [diff, ratio];
}

/** All disparities from per-group confusion counts, in DISPARITY_NAMES order (NaN = undefined). */
export function disparityValues(c: GroupCounts, method: DisparityMethod, out = new Float64Array(DISPARITY_NAMES.length)): Float64Array {
  const [dpD, dpR] = spread(BASE.demographic_parity, c, method);
  const [tprD, tprR] = spread('tpr', c, method);
  const [fprD, fprR] = spread('fpr', c, method);
  const [errD, errR] = spread('error_rate', c, method);
  const [accD, accR] = spread('accuracy', c, method);
  out[0] = dpD;
  out[1] = dpR;
  // Fairlearn's worst case: with one of the two undefined, the other alone decides.
  out[2] = Number.isNaN(tprD) ? fprD : Number.isNaN(fprD) ? tprD : Math.max(tprD, fprD);
  out[3] = Number.isNaN(tprR) ? fprR : Number.isNaN(fprR) ? tprR : Math.min(tprR, fprR);
  out[4] = tprD;
  out[5] = tprR;
  out[6] = tprD;
  out[7] = tprR;
  out[8] = fprD;
  out[9] = fprR;
  out[10] = errD;
  out[11] = errR;
  out[12] = accD;
  out[13] = accR;
  return out;
}

/** Why a disparity is undefined, in words. */
export function undefinedReason(name: DisparityName): string {
  if (name.startsWith('demographic_parity')) return name.endsWith('ratio') ? 'every group has selection rate 0' : 'no group has samples';
  if (name.startsWith('fpr')) return 'no group has actual negatives (FPR undefined)';
  if (name.startsWith('tpr') || name.startsWith('equal_opportunity')) return 'no group has actual positives (TPR undefined), or all rates are 0';
  return 'the rates it compares are undefined or all 0';
}
