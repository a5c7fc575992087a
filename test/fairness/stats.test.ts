import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../metrics/stats/wilson.js';
import { groupMetrics } from '../../metrics/fairness/group-metrics.js';
import { bootstrapDisparities } from '../../metrics/fairness/bootstrap.js';
import { groupCounts } from '../../metrics/fairness/confusion.js';
import { encodeGroups } from '../../metrics/fairness/groups.js';
import { Rng } from '../../src/random.js';

describe('Wilson interval', () => {
  it('matches hand-computed values', () => {
    // k=8, n=10, z=1.959964: centre (0.8 + 0.19207)/1.38415 = 0.716723, half 0.235986 → [0.4902, 0.9433]
    const [lo, hi] = wilsonInterval(8, 10)!;
    expect(lo).toBeCloseTo(0.49016, 4);
    expect(hi).toBeCloseTo(0.94334, 4);
    const [l0, h0] = wilsonInterval(0, 20)!;
    expect(l0).toBe(0);
    expect(h0).toBeCloseTo(0.16113, 4);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

function synthetic(n: number, seed: number) {
  const rng = new Rng(seed);
  const yTrue = new Uint8Array(n);
  const yPred = new Uint8Array(n);
  const g: string[] = [];
  for (let i = 0; i < n; i++) {
    const grp = rng.next() < 0.3 ? 'A' : 'B';
    g.push(grp);
    yTrue[i] = rng.next() < 0.5 ? 1 : 0;
    const p = grp === 'A' ? 0.7 : 0.5;
    yPred[i] = rng.next() < p ? 1 : 0;
  }
  return { yTrue, yPred, g };
}

describe('group metrics', () => {
  it('makes a zero-denominator rate null with a reason, and leaves it out of the spread', () => {
    // group "none" has no actual negatives → FPR undefined
    const yTrue = Uint8Array.from([1, 1, 0, 0, 1, 1]);
    const yPred = Uint8Array.from([1, 0, 1, 0, 1, 1]);
    const grp = ['a', 'a', 'a', 'a', 'none', 'none'];
    const gm = groupMetrics({ yTrue, yPred }, 'g', grp, { bootstrapDraws: 0, minGroupSize: 1 });
    expect(gm.byGroup.none.rates.fpr).toMatchObject({ value: null, denominator: 0, reason: 'no actual negatives in this group' });
    expect(gm.disparities.fpr_difference.value).toBe(0); // only group a defines FPR
    expect(gm.disparities.tpr_difference.value).toBeCloseTo(0.5, 15); // a: 1/2, none: 2/2
  });

  it('marks small groups so every disparity is insufficient', () => {
    const s = synthetic(200, 3);
    const gm = groupMetrics({ yTrue: s.yTrue, yPred: s.yPred }, 'g', s.g, { bootstrapDraws: 0, minGroupSize: 100 });
    expect(gm.byGroup.A.small).toBe(true);
    expect(gm.disparities.equalized_odds_difference.insufficient).toMatch(/^A \(n=\d+\) is below min_group_size 100$/);
  });

  it('bootstraps deterministically, and the interval covers the estimate', () => {
    const s = synthetic(5000, 7);
    const a = groupMetrics({ yTrue: s.yTrue, yPred: s.yPred }, 'g', s.g, { bootstrapDraws: 400, seed: 11 });
    const b = groupMetrics({ yTrue: s.yTrue, yPred: s.yPred }, 'g', s.g, { bootstrapDraws: 400, seed: 11 });
    const c = groupMetrics({ yTrue: s.yTrue, yPred: s.yPred }, 'g', s.g, { bootstrapDraws: 400, seed: 12 });
    expect(a.disparities.demographic_parity_difference).toEqual(b.disparities.demographic_parity_difference);
    expect(a.disparities.demographic_parity_difference.lower).not.toBe(c.disparities.demographic_parity_difference.lower);
    const d = a.disparities.demographic_parity_difference;
    expect(d.lower!).toBeLessThan(d.value!);
    expect(d.upper!).toBeGreaterThan(d.value!);
    // The DP difference here is ~0.2 with SE ≈ sqrt(.7·.3/1500 + .5·.5/3500) ≈ 0.0143: a 95% interval ≈ ±0.028.
    expect(d.upper! - d.lower!).toBeGreaterThan(0.04);
    expect(d.upper! - d.lower!).toBeLessThan(0.07);
  });

  it('gives a finite draw of every disparity when all groups are populated', () => {
    const s = synthetic(1000, 5);
    const { codes, names } = encodeGroups(s.g);
    const counts = groupCounts(s.yTrue, s.yPred, codes, names.length);
    const r = bootstrapDisparities(counts, 'between_groups', 50, 1);
    expect(r.values.length).toBe(50 * 14);
    expect(Array.from(r.values).every((v) => Number.isFinite(v))).toBe(true);
  });
});
