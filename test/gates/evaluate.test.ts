import { describe, expect, it } from 'vitest';
import { evaluateGates, exitCodeFor, verdictOf } from '../../src/gates/evaluate.js';
import { parseGate } from '../../src/gates/parse.js';
import { parseMetricPath } from '../../src/gates/metric-path.js';
import type { ProbeResult } from '../../src/results/types.js';

function probe(name: string, metrics: Record<string, unknown>, status: 'ok' | 'error' = 'ok'): ProbeResult {
  return { name, title: name, status, timingMs: 1, metrics, findings: [], notes: [], artifacts: {}, ...(status === 'error' ? { error: 'boom' } : {}) };
}

const probes = {
  performance: probe('performance', { accuracy: 0.9, per_class: { 'Ankle boot': { accuracy: 0.95 } } }),
  adversarial: probe('adversarial', { pgd_linf: { '8/255': { robust_accuracy: 0.3 } }, masking: { accuracy_increases_with_eps: false } }),
  fairness: probe('fairness', {
    equalized_odds_difference: {
      sex: { value: 0.04, lower: 0.01, upper: 0.08, n: 500 },
      colour: { value: 0.07, lower: 0.03, upper: 0.11, n: 500 },
      'colour*sex': { value: 0.2, lower: 0.05, upper: 0.4, n: 500, insufficient: 'Black*Female has n=12 < min_group_size 30' },
    },
    tpr: { sex: { value: null, reason: 'no positives in group Female' } },
  }),
  broken: probe('broken', {}, 'error'),
};

const judge = (expr: string, extra: Record<string, unknown> = {}) => {
  const g = parseGate(expr);
  return evaluateGates([{ ...g, ...extra }], probes);
};

describe('metric paths', () => {
  it('parses dotted, bracketed and quoted segments', () => {
    expect(parseMetricPath('adversarial.pgd_linf["8/255"].robust_accuracy')).toEqual(['adversarial', 'pgd_linf', '8/255', 'robust_accuracy']);
    expect(parseMetricPath('fairness.equalized_odds_difference[sex]')).toEqual(['fairness', 'equalized_odds_difference', 'sex']);
    expect(parseMetricPath("corruptions.fog[5].accuracy")).toEqual(['corruptions', 'fog', '5', 'accuracy']);
    expect(() => parseMetricPath('accuracy')).toThrow(/must name a probe and a metric/);
    expect(() => parseMetricPath('a.b["x].c')).toThrow(/unclosed quote/);
  });
});

describe('gate evaluation', () => {
  it('compares point values', () => {
    expect(judge('performance.accuracy >= 0.85')[0].status).toBe('PASS');
    expect(judge('performance.accuracy > 0.9')[0].status).toBe('FAIL');
    expect(judge('performance.per_class["Ankle boot"].accuracy >= 0.9')[0].status).toBe('PASS');
    expect(judge('adversarial.pgd_linf["8/255"].robust_accuracy >= 4/10')[0]).toMatchObject({ status: 'FAIL', value: 0.3, threshold: 0.4 });
    expect(judge('adversarial.masking.accuracy_increases_with_eps == false')[0].status).toBe('PASS');
  });

  it('turns a violated warn-only gate into WARN', () => {
    expect(judge('performance.accuracy > 0.95', { severity: 'warn' })[0].status).toBe('WARN');
  });

  it('never passes thin evidence: small groups and undefined rates are INSUFFICIENT', () => {
    expect(judge('fairness.equalized_odds_difference["colour*sex"] <= 0.5')[0]).toMatchObject({ status: 'INSUFFICIENT' });
    expect(judge('fairness.tpr[sex] >= 0.5')[0].message).toContain('no positives in group Female');
  });

  it('judges on intervals when asked', () => {
    // colour: 0.07 in [0.03, 0.11] against <= 0.05
    expect(judge('fairness.equalized_odds_difference[colour] <= 0.05')[0].status).toBe('FAIL');
    expect(judge('fairness.equalized_odds_difference[colour] <= 0.05', { judge: 'interval' })[0].status).toBe('WARN');
    expect(judge('fairness.equalized_odds_difference[colour] <= 0.02', { judge: 'interval' })[0].status).toBe('FAIL');
    // sex: 0.04 in [0.01, 0.08]
    expect(judge('fairness.equalized_odds_difference[sex] <= 0.05', { judge: 'strict' })[0].status).toBe('INSUFFICIENT');
    expect(judge('fairness.equalized_odds_difference[sex] <= 0.1', { judge: 'strict' })[0].status).toBe('PASS');
  });

  it('expands a gate on a family into one gate per member', () => {
    const res = judge('fairness.equalized_odds_difference <= 0.05');
    expect(res.map((g) => [g.metric, g.status])).toEqual([
      ['fairness.equalized_odds_difference.sex', 'PASS'],
      ['fairness.equalized_odds_difference.colour', 'FAIL'],
      ['fairness.equalized_odds_difference["colour*sex"]', 'INSUFFICIENT'],
    ]);
  });

  it('reports missing metrics and failed probes as ERROR', () => {
    expect(judge('performance.acc >= 0.5')[0]).toMatchObject({ status: 'ERROR' });
    expect(judge('broken.x >= 1')[0].message).toContain('failed: boom');
    expect(judge('performance.per_class >= 1')[0].status).toBe('ERROR');
    // an attack's table is not a family: it is not expanded into its fields (n, …)
    const t = judge('adversarial.pgd_linf["8/255"] >= 0.3');
    expect(t.map((g) => g.status)).toEqual(['ERROR']);
    expect(judge('adversarial.masking >= 0').map((g) => g.status)).toEqual(['ERROR']);
  });

  it('derives the verdict and the exit code', () => {
    const res = [...judge('performance.accuracy >= 0.85'), ...judge('performance.accuracy > 0.95', { severity: 'warn' })];
    expect(verdictOf(res)).toBe('WARN');
    expect(exitCodeFor(res, { performance: probes.performance }, 'fail')).toBe(0);
    const insufficient = judge('fairness.equalized_odds_difference["colour*sex"] <= 0.5');
    expect(exitCodeFor(insufficient, { fairness: probes.fairness }, 'fail')).toBe(1);
    expect(exitCodeFor(insufficient, { fairness: probes.fairness }, 'warn')).toBe(0);
    expect(exitCodeFor([], probes, 'fail')).toBe(3);
    expect(verdictOf([])).toBe('PASS');
  });
});
