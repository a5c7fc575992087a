import { describe, expect, it } from 'vitest';
import { holm } from '../../metrics/stats/holm.js';
import { bootstrapExceedanceProbability, pValueFromDraws } from '../../metrics/stats/bootstrap-p.js';

describe('holm', () => {
  it('matches a hand-worked step-down example', () => {
    // sorted: 0.005 (#3), 0.01 (#0), 0.03 (#2), 0.04 (#1); m = 4
    // 4·0.005 = 0.02; 3·0.01 = 0.03; 2·0.03 = 0.06; 1·0.04 = 0.04 → running max 0.06
    const adj = holm([0.01, 0.04, 0.03, 0.005]);
    const want = [0.03, 0.06, 0.06, 0.02];
    adj.forEach((a, i) => expect(a).toBeCloseTo(want[i], 15));
  });
  it('caps at 1 and keeps monotonicity', () => {
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
    expect(holm([0.2])).toEqual([0.2]);
    expect(holm([])).toEqual([]);
  });
  it('refuses NaN p-values', () => {
    expect(() => holm([0.1, NaN])).toThrow(/#1/);
  });
});

describe('bootstrap p-values from draws', () => {
  const sorted = [0.01, 0.02, 0.03, 0.04, 0.05, 0.05, 0.06, 0.07, 0.08, 0.09];
  it('counts draws on each side of the threshold, ties included per the operator', () => {
    // '<= 0.05': 6 draws hold, 4 violate.
    expect(pValueFromDraws(sorted, 0.05, '<=')).toBeCloseTo(5 / 11, 15);
    expect(pValueFromDraws(sorted, 0.05, '<=', 'holds')).toBeCloseTo(7 / 11, 15);
    // '< 0.05': 4 hold, 6 violate.
    expect(pValueFromDraws(sorted, 0.05, '<')).toBeCloseTo(7 / 11, 15);
    // '>= 0.05': 6 hold; '> 0.05': 4 hold.
    expect(pValueFromDraws(sorted, 0.05, '>=')).toBeCloseTo(5 / 11, 15);
    expect(pValueFromDraws(sorted, 0.05, '>')).toBeCloseTo(7 / 11, 15);
    expect(bootstrapExceedanceProbability(sorted, 0.05, '<=')).toBeCloseTo(0.4, 15);
    expect(bootstrapExceedanceProbability([NaN, 0.1, 0.01], 0.05, '<=')).toBeCloseTo(0.5, 15);
    expect(Number.isNaN(bootstrapExceedanceProbability([NaN], 0.05, '<='))).toBe(true);
  });
});
