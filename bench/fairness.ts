import { groupMetrics } from '../metrics/fairness/group-metrics.js';
import { intersect } from '../metrics/fairness/groups.js';
import { Rng } from '../src/random.js';
import type { BenchSection } from './performance.js';

function synthetic(n: number, seed: number) {
  const rng = new Rng(seed);
  const yTrue = new Uint8Array(n);
  const yPred = new Uint8Array(n);
  const a: string[] = new Array(n);
  const b: string[] = new Array(n);
  const A = ['w', 'x', 'y', 'z'];
  const B = ['f', 'm'];
  for (let i = 0; i < n; i++) {
    a[i] = A[rng.int(4)];
    b[i] = B[rng.int(2)];
    yTrue[i] = rng.next() < 0.4 ? 1 : 0;
    yPred[i] = rng.next() < (yTrue[i] ? 0.8 : 0.2) ? 1 : 0;
  }
  return { yTrue, yPred, a, b };
}

/**
 * Group metrics on 1,000,000 rows × 2 attributes (+ their intersection), and 1000 bootstrap draws
 * on 100,000 rows. Targets: under 1 s and under 10 s.
 */
export async function benchFairness(): Promise<BenchSection> {
  const big = synthetic(1_000_000, 1);
  const t0 = performance.now();
  const inter = intersect([big.a, big.b]);
  for (const [name, g] of [['a', big.a], ['b', big.b], ['a*b', inter]] as const) {
    groupMetrics({ yTrue: big.yTrue, yPred: big.yPred }, name, g, { bootstrapDraws: 0 });
  }
  const groupMs = performance.now() - t0;

  const mid = synthetic(100_000, 2);
  const t1 = performance.now();
  groupMetrics({ yTrue: mid.yTrue, yPred: mid.yPred }, 'a', mid.a, { bootstrapDraws: 1000, seed: 3 });
  const bootMs = performance.now() - t1;
  return {
    title: 'Fairness metrics',
    markdown: [
      '| work | time | target |',
      '|---|---|---|',
      `| group metrics + disparities, 1,000,000 rows × 2 attributes and their intersection (12 groups) | ${groupMs.toFixed(0)} ms | < 1000 ms ${groupMs < 1000 ? '(met)' : '(NOT met)'} |`,
      `| 1000 stratified bootstrap draws of all disparities, 100,000 rows, 4 groups | ${bootMs.toFixed(0)} ms | < 10000 ms ${bootMs < 10000 ? '(met)' : '(NOT met)'} |`,
      '',
      'Group labels are encoded to integer codes once; every metric comes from per-group confusion counts, and the bootstrap redraws those counts row by row within each group against 32-bit thresholds (exactly a within-group resample, without touching the rows: the metrics depend on a resample only through its confusion counts, which are multinomial(n_g; TP, FP, TN, FN proportions) — the stratified bootstrap of Davison & Hinkley 1997, §3.8).',
    ].join('\n'),
  };
}
