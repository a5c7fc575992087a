import type { Model } from '../../src/models/types.js';
import type { Batch } from '../../src/tensor.js';
import { apgd, topWrongClasses } from './apgd.js';
import type { Box } from './project.js';
import { squareLinf } from './square.js';
import type { AttackRun, EpsResult } from './types.js';

export interface AutoAttackLiteOptions {
  eps: number[];
  steps?: number;
  targetClasses?: number;
  squareQueries?: number;
  seed?: number;
  box?: Box;
  /** Skip Square (tabular inputs, or no image layout). */
  noSquare?: boolean;
}

function rows(x: Batch, idx: number[]): Batch {
  const per = x.data.length / x.shape[0];
  const data = new Float32Array(idx.length * per);
  idx.forEach((i, a) => data.set(x.data.subarray(i * per, (i + 1) * per), a * per));
  return { data, shape: [idx.length, ...x.shape.slice(1)] };
}

/**
 * "autoattack-lite": APGD-CE, then APGD-T (targeted DLR at the top wrong classes), then Square, each
 * on the samples still correctly classified — the sequence of AutoAttack's standard version
 * (Croce & Hein 2020) with smaller budgets. Not AutoAttack itself: do not report it as such.
 */
export async function autoAttackLite(model: Model, x: Batch, labels: Int32Array, o: AutoAttackLiteOptions): Promise<AttackRun> {
  const n = labels.length;
  const per = x.data.length / n;
  const C = model.meta.numClasses;
  const results: EpsResult[] = [];
  const clean = await model.predict(x);
  for (const eps of o.eps) {
    const first = (await apgd(model, x, labels, { eps: [eps], steps: o.steps ?? 100, loss: 'ce', seed: o.seed, box: o.box })).results[0];
    const best = first.best.data.slice();
    const bestLogits = first.bestLogits.slice();
    const success = first.success.slice();
    let queries = first.queries;
    const absorb = (idx: number[], r: EpsResult) => {
      idx.forEach((i, a) => {
        if (r.success[a] && !success[i]) {
          success[i] = 1;
          best.set(r.best.data.subarray(a * per, (a + 1) * per), i * per);
          bestLogits.set(r.bestLogits.subarray(a * C, (a + 1) * C), i * C);
        }
      });
    };
    const remaining = () => [...Array(n).keys()].filter((i) => !success[i]);
    if (C >= 4) {
      const targets = topWrongClasses(clean, labels, C, o.targetClasses ?? 3);
      for (const t of targets) {
        const idx = remaining();
        if (!idx.length) break;
        const r = (await apgd(model, rows(x, idx), Int32Array.from(idx, (i) => labels[i]), { eps: [eps], steps: o.steps ?? 100, loss: 'dlr_targeted', targets: Int32Array.from(idx, (i) => t[i]), seed: o.seed, box: o.box })).results[0];
        absorb(idx, r);
        queries += r.queries;
      }
    }
    if (!o.noSquare) {
      const idx = remaining();
      if (idx.length) {
        const r = (await squareLinf(model, rows(x, idx), Int32Array.from(idx, (i) => labels[i]), { eps: [eps], queries: o.squareQueries ?? 1000, seed: o.seed })).results[0];
        absorb(idx, r);
        queries += r.queries;
      }
    }
    results.push({ eps, final: { data: best, shape: x.shape }, finalLogits: bestLogits, best: { data: best, shape: x.shape }, bestLogits, success, queries });
  }
  return { attack: 'autoattack_lite', norm: 'linf', results };
}
