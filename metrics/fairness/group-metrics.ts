import type { MeasuredValue } from '../../src/runner/probe.js';
import { bootstrapDisparities, quantileSorted, sortedColumn } from './bootstrap.js';
import { groupCalibrationError, groupCounts, ratesOf, type GroupCounts, type GroupRates, type RateName } from './confusion.js';
import { DISPARITY_NAMES, disparityValues, undefinedReason, type DisparityMethod, type DisparityName } from './disparity.js';
import { encodeGroups } from './groups.js';

export interface FairnessInput {
  /** 1 = positive (favourable) outcome. */
  yTrue: Uint8Array;
  yPred: Uint8Array;
  /** Score / probability of the positive outcome, when known. */
  scores?: Float64Array;
}

export interface GroupMetricsOptions {
  method?: DisparityMethod;
  /** Groups smaller than this are marked, and disparities that depend on them are insufficient. */
  minGroupSize?: number;
  /** Bootstrap draws (0 = none) and interval confidence. */
  bootstrapDraws?: number;
  confidence?: number;
  seed?: number;
}

export interface GroupEntry extends GroupRates {
  small: boolean;
  calibration_error?: number | null;
}

/**
 * A MetricFrame-like summary for one sensitive attribute (Fairlearn's `MetricFrame` with
 * `by_group`, `overall`, `difference()`, `ratio()`), plus Fairlearn's named disparities with
 * bootstrap intervals.
 */
export interface GroupMetrics {
  attribute: string;
  groups: string[];
  byGroup: Record<string, GroupEntry>;
  overall: GroupRates & { calibration_error?: number | null };
  disparities: Record<DisparityName, MeasuredValue>;
  /** Sorted bootstrap draws per disparity (empty without bootstrap). */
  bootstrap: Partial<Record<DisparityName, Float64Array>>;
  difference(rate: RateName, method?: DisparityMethod): number | null;
  ratio(rate: RateName, method?: DisparityMethod): number | null;
}

export function groupMetrics(input: FairnessInput, attribute: string, groupValues: readonly string[], opts: GroupMetricsOptions = {}): GroupMetrics {
  const { yTrue, yPred, scores } = input;
  if (yTrue.length !== yPred.length || yTrue.length !== groupValues.length) {
    throw new Error(`groupMetrics: y_true (${yTrue.length}), y_pred (${yPred.length}) and ${attribute} (${groupValues.length}) differ in length`);
  }
  const method = opts.method ?? 'between_groups';
  const minGroupSize = opts.minGroupSize ?? 30;
  const { codes, names } = encodeGroups(groupValues);
  const G = names.length;
  const counts = groupCounts(yTrue, yPred, codes, G);
  const calib = scores ? groupCalibrationError(yTrue, scores, codes, G) : null;
  const overallCalib = scores ? groupCalibrationError(yTrue, scores, new Int32Array(yTrue.length), 1)[0] : undefined;

  const byGroup: Record<string, GroupEntry> = {};
  const small: string[] = [];
  names.forEach((name, g) => {
    const r = ratesOf(counts.tp[g], counts.fp[g], counts.tn[g], counts.fn[g]);
    const isSmall = r.count < minGroupSize;
    if (isSmall) small.push(`${name} (n=${r.count})`);
    byGroup[name] = { ...r, small: isSmall, ...(calib ? { calibration_error: calib[g] } : {}) };
  });
  const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
  const overall = { ...ratesOf(sum(counts.tp), sum(counts.fp), sum(counts.tn), sum(counts.fn)), ...(overallCalib !== undefined ? { calibration_error: overallCalib } : {}) };

  const point = disparityValues(counts, method);
  const draws = opts.bootstrapDraws ?? 1000;
  const conf = opts.confidence ?? 0.95;
  const boot = draws > 0 && G > 1 ? bootstrapDisparities(counts, method, draws, opts.seed ?? 0) : null;
  const insufficient =
    small.length > 0 ? `${small.join(', ')} ${small.length === 1 ? 'is' : 'are'} below min_group_size ${minGroupSize}` : G < 2 ? 'only one group' : undefined;

  const disparities = {} as Record<DisparityName, MeasuredValue>;
  const bootstrap: Partial<Record<DisparityName, Float64Array>> = {};
  DISPARITY_NAMES.forEach((name, k) => {
    const v = point[k];
    const m: MeasuredValue = Number.isFinite(v) ? { value: v, n: yTrue.length } : { value: null, reason: undefinedReason(name), n: yTrue.length };
    if (boot) {
      const sorted = sortedColumn(boot, k);
      bootstrap[name] = sorted;
      if (sorted.length > 0 && m.value !== null) {
        m.lower = quantileSorted(sorted, (1 - conf) / 2);
        m.upper = quantileSorted(sorted, 1 - (1 - conf) / 2);
      }
    }
    if (insufficient) m.insufficient = insufficient;
    disparities[name] = m;
  });

  const spreadOf = (rate: RateName, m: DisparityMethod, which: 0 | 1): number | null => {
    const vals = names.map((n) => byGroup[n].rates[rate].value).filter((v): v is number => v !== null);
    const o = overall.rates[rate].value;
    if (vals.length === 0) return null;
    if (m === 'between_groups') {
      const hi = Math.max(...vals);
      const lo = Math.min(...vals);
      return which === 0 ? hi - lo : hi > 0 ? lo / hi : null;
    }
    if (o === null) return null;
    return which === 0 ? Math.max(...vals.map((v) => Math.abs(v - o))) : Math.min(...vals.map((v) => (v === o ? 1 : v > 0 && o > 0 ? Math.min(v / o, o / v) : 0)));
  };

  return {
    attribute,
    groups: names,
    byGroup,
    overall,
    disparities,
    bootstrap,
    difference: (rate, m = method) => spreadOf(rate, m, 0),
    ratio: (rate, m = method) => spreadOf(rate, m, 1),
  };
}

export type { GroupCounts };
