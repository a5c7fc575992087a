import { describe, expect, it } from 'vitest';
import { applyHolm, bootstrapPValue, holmAdjust } from '../../src/gates/holm.js';
import { evaluateGates } from '../../src/gates/evaluate.js';
import { parseGate } from '../../src/gates/parse.js';
import type { ProbeResult } from '../../src/results/types.js';

describe('Holm adjustment', () => {
  it('matches a hand-computed example', () => {
    // p sorted: 0.01 (×4 = 0.04), 0.02 (×3 = 0.06), 0.03 (×2 = 0.06), 0.04 (×1 = 0.04 → monotone 0.06)
    const adj = holmAdjust([0.03, 0.01, 0.04, 0.02]);
    expect(adj.map((v) => +v.toFixed(10))).toEqual([0.06, 0.04, 0.06, 0.06]);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([0.2, 0.01])).toEqual([0.2, 0.02]);
  });

  it('computes one-sided bootstrap p-values with the +1 correction', () => {
    const draws = Array.from({ length: 99 }, (_, i) => i / 100); // 0.00 … 0.98
    // H0 "gate d <= 0.1 holds": 11 draws (0.00 … 0.10) satisfy it → p = 12/100
    expect(bootstrapPValue(draws, '<=', 0.1, 'holds')).toBeCloseTo(0.12, 12);
    expect(bootstrapPValue(draws, '<=', 0.1, 'violated')).toBeCloseTo(89 / 100, 12);
  });
});

describe('Holm-corrected gates', () => {
  const clearly = Array.from({ length: 999 }, (_, i) => 0.1 + i * 1e-4); // all > 0.05
  const borderline = Array.from({ length: 999 }, (_, i) => 0.03 + i * 4e-5); // 0.03 … 0.07, ~half above 0.05
  const probe: ProbeResult = {
    name: 'fairness',
    title: 'fairness',
    status: 'ok',
    timingMs: 1,
    metrics: {
      equalized_odds_difference: {
        sex: { value: 0.15, lower: 0.1, upper: 0.2 },
        colour: { value: 0.06, lower: 0.03, upper: 0.07 },
      },
    },
    findings: [],
    notes: [],
    artifacts: { bootstrap: { 'equalized_odds_difference.sex': clearly, 'equalized_odds_difference.colour': borderline } },
  };
  const specs = ['fairness.equalized_odds_difference[sex] <= 0.05', 'fairness.equalized_odds_difference[colour] <= 0.05'].map((s) => ({
    ...parseGate(s),
    judge: 'interval' as const,
  }));

  it('fails only the significant violation and records p-values', () => {
    const res = applyHolm(specs, evaluateGates(specs, { fairness: probe }), { fairness: probe }, 0.05);
    expect(res[0].status).toBe('FAIL');
    expect(res[0].pValue).toBeCloseTo(1 / 1000, 12);
    expect(res[0].adjustedPValue).toBeCloseTo(2 / 1000, 12);
    expect(res[1].status).toBe('WARN'); // estimate violates, but not significantly
    expect(res[1].adjustedPValue).toBeGreaterThan(0.05);
  });
});
