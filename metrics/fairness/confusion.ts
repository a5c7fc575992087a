import { wilsonInterval } from '../stats/wilson.js';

/** Binary confusion counts per group (positive = 1). Float64Array so resampled counts fit too. */
export interface GroupCounts {
  tp: Float64Array;
  fp: Float64Array;
  tn: Float64Array;
  fn: Float64Array;
}

export function groupCounts(yTrue: Uint8Array, yPred: Uint8Array, codes: Int32Array, groups: number): GroupCounts {
  const tp = new Float64Array(groups);
  const fp = new Float64Array(groups);
  const tn = new Float64Array(groups);
  const fn = new Float64Array(groups);
  for (let i = 0; i < yTrue.length; i++) {
    const g = codes[i];
    if (yTrue[i]) {
      if (yPred[i]) tp[g]++;
      else fn[g]++;
    } else if (yPred[i]) fp[g]++;
    else tn[g]++;
  }
  return { tp, fp, tn, fn };
}

/** A rate with where it came from. `value` is null (never 0) when the denominator is 0. */
export interface Rate {
  value: number | null;
  numerator: number;
  denominator: number;
  lower: number | null;
  upper: number | null;
  reason?: string;
}

function rate(num: number, den: number, what: string): Rate {
  const ci = wilsonInterval(num, den);
  return den > 0
    ? { value: num / den, numerator: num, denominator: den, lower: ci![0], upper: ci![1] }
    : { value: null, numerator: num, denominator: 0, lower: null, upper: null, reason: `no ${what} in this group` };
}

export const RATE_NAMES = ['base_rate', 'selection_rate', 'accuracy', 'error_rate', 'tpr', 'fpr', 'fnr', 'tnr', 'ppv', 'npv'] as const;
export type RateName = (typeof RATE_NAMES)[number];

export interface GroupRates {
  count: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  rates: Record<RateName, Rate>;
}

/**
 * Every rate of one group's confusion counts, with the definitions Fairlearn uses
 * (selection rate = P(ŷ=1), TPR = TP/(TP+FN), FPR = FP/(FP+TN), …).
 */
export function ratesOf(tp: number, fp: number, tn: number, fn: number): GroupRates {
  const n = tp + fp + tn + fn;
  return {
    count: n,
    tp,
    fp,
    tn,
    fn,
    rates: {
      base_rate: rate(tp + fn, n, 'samples'),
      selection_rate: rate(tp + fp, n, 'samples'),
      accuracy: rate(tp + tn, n, 'samples'),
      error_rate: rate(fp + fn, n, 'samples'),
      tpr: rate(tp, tp + fn, 'actual positives'),
      fpr: rate(fp, fp + tn, 'actual negatives'),
      fnr: rate(fn, tp + fn, 'actual positives'),
      tnr: rate(tn, fp + tn, 'actual negatives'),
      ppv: rate(tp, tp + fp, 'predicted positives'),
      npv: rate(tn, tn + fn, 'predicted negatives'),
    },
  };
}

/** Point value of one rate straight from counts (the bootstrap's hot path: no objects). */
export function rateValue(name: RateName, tp: number, fp: number, tn: number, fn: number): number {
  switch (name) {
    case 'base_rate':
      return (tp + fn) / (tp + fp + tn + fn);
    case 'selection_rate':
      return (tp + fp) / (tp + fp + tn + fn);
    case 'accuracy':
      return (tp + tn) / (tp + fp + tn + fn);
    case 'error_rate':
      return (fp + fn) / (tp + fp + tn + fn);
    case 'tpr':
      return tp / (tp + fn);
    case 'fpr':
      return fp / (fp + tn);
    case 'fnr':
      return fn / (tp + fn);
    case 'tnr':
      return tn / (fp + tn);
    case 'ppv':
      return tp / (tp + fp);
    case 'npv':
      return tn / (tn + fn);
  }
}

/**
 * Binary calibration error of scores within a group: Σ_b (n_b/n)·|mean(y)_b − mean(score)_b| over
 * `bins` equal-width score bins (the ECE of Naeini et al. 2015 applied to P(positive)).
 */
export function groupCalibrationError(yTrue: Uint8Array, scores: Float64Array, codes: Int32Array, groups: number, bins = 10): (number | null)[] {
  const cnt = new Float64Array(groups * bins);
  const sy = new Float64Array(groups * bins);
  const ss = new Float64Array(groups * bins);
  const n = new Float64Array(groups);
  for (let i = 0; i < yTrue.length; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(s * bins)));
    const k = codes[i] * bins + b;
    cnt[k]++;
    sy[k] += yTrue[i];
    ss[k] += s;
    n[codes[i]]++;
  }
  const out: (number | null)[] = [];
  for (let g = 0; g < groups; g++) {
    if (!n[g]) {
      out.push(null);
      continue;
    }
    let e = 0;
    for (let b = 0; b < bins; b++) {
      const k = g * bins + b;
      if (cnt[k]) e += (cnt[k] / n[g]) * Math.abs(sy[k] / cnt[k] - ss[k] / cnt[k]);
    }
    out.push(e);
  }
  return out;
}
