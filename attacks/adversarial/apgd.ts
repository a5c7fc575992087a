import type { LossSpec, Model } from '../../src/models/types.js';
import { Rng } from '../../src/random.js';
import type { Batch } from '../../src/tensor.js';
import { WorstCase } from './margin.js';
import { UNIT_BOX, type Box } from './project.js';
import type { AttackRun, EpsResult } from './types.js';

export interface ApgdOptions {
  eps: number[];
  /** Iterations (the reference default is 100). */
  steps?: number;
  loss?: 'ce' | 'dlr' | 'dlr_targeted';
  /** Target classes for dlr_targeted (one per sample). */
  targets?: Int32Array;
  /** Start at a random point of the ε-ball's surface (the reference does). */
  randomStart?: boolean;
  seed?: number;
  box?: Box;
  onStep?: () => void;
}

/** Checkpoint spacing of APGD: first 22% of the budget, then 3% shorter each time, never below 6%. */
export function apgdCheckpoints(steps: number): number[] {
  const out: number[] = [];
  let k = Math.max(Math.floor(0.22 * steps), 1);
  const decr = Math.max(Math.floor(0.03 * steps), 1);
  const min = Math.max(Math.floor(0.06 * steps), 1);
  let at = 0;
  while (at + k <= steps) {
    at += k;
    out.push(at);
    k = Math.max(k - decr, min);
  }
  return out;
}

/**
 * Auto-PGD under L∞ (Croce & Hein 2020, "Reliable evaluation of adversarial robustness with an
 * ensemble of diverse parameter-free attacks", Alg. 1): step size 2ε halved at checkpoints when
 * fewer than ρ = 0.75 of the steps since the last checkpoint raised the loss, or when neither the
 * step size nor the best loss changed since the previous one; then it restarts from the best point.
 * Momentum 0.75 after the first step. Losses are maximised: CE, DLR, or targeted DLR.
 */
export async function apgd(model: Model, x: Batch, labels: Int32Array, opts: ApgdOptions): Promise<AttackRun> {
  const n = labels.length;
  const per = x.data.length / n;
  const C = model.meta.numClasses;
  const steps = opts.steps ?? 100;
  const box = opts.box ?? UNIT_BOX;
  const lossKind = opts.loss ?? 'ce';
  if (lossKind === 'dlr' || lossKind === 'dlr_targeted') {
    if (C < 4 && lossKind === 'dlr_targeted') throw new Error('targeted DLR needs at least 4 classes');
    if (C < 3) throw new Error('the DLR loss needs at least 3 classes');
  }
  const spec: LossSpec =
    lossKind === 'ce' ? { loss: 'ce', labels } : lossKind === 'dlr' ? { loss: 'dlr', labels } : { loss: 'dlr_targeted', labels, targets: opts.targets! };
  if (lossKind === 'dlr_targeted' && (!opts.targets || opts.targets.length !== n)) throw new Error('APGD-T needs one target class per sample');
  const clean = await model.predict(x);
  const checkpoints = new Set(apgdCheckpoints(steps));
  const results: EpsResult[] = [];

  for (const eps of opts.eps) {
    const e = Math.fround(eps);
    const rng = Rng.derive(opts.seed ?? 0, `apgd/${lossKind}/${eps}`);
    const project = (k: number, v: number) => {
      if (box.frozen?.(k)) return x.data[k];
      const lo = Math.max(box.lower(k), x.data[k] - e);
      const hi = Math.min(box.upper(k), x.data[k] + e);
      return v < lo ? lo : v > hi ? hi : v;
    };
    let cur = new Float32Array(x.data.length);
    if (opts.randomStart ?? true) {
      // x + ε·t/‖t‖∞ with t uniform in [−1, 1]: a random point on the ball's surface.
      for (let i = 0; i < n; i++) {
        let mx = 0;
        const t = new Float64Array(per);
        for (let j = 0; j < per; j++) {
          t[j] = rng.uniform(-1, 1);
          mx = Math.max(mx, Math.abs(t[j]));
        }
        for (let j = 0; j < per; j++) cur[i * per + j] = project(i * per + j, x.data[i * per + j] + (e * t[j]) / mx);
      }
    } else cur.set(x.data);

    const worst = new WorstCase(x.data, clean, labels, C);
    let g = await model.gradient({ data: cur, shape: x.shape }, spec);
    worst.offer(cur, g.logits);
    const step = new Float64Array(n).fill(2 * e);
    const bestLoss = Float64Array.from(g.loss);
    const best = cur.slice();
    const bestGrad = g.grad.slice();
    let grad = g.grad;
    let prev = cur.slice();
    let prevLoss = Float64Array.from(g.loss);
    let increases = new Int32Array(n);
    let sinceCheck = 0;
    let reducedLast = new Uint8Array(n);
    let bestAtLastCheck = Float64Array.from(bestLoss);

    for (let it = 0; it < steps; it++) {
      const a = it > 0 ? 0.75 : 1;
      const next = new Float32Array(cur.length);
      for (let i = 0; i < n; i++) {
        const s = step[i];
        for (let j = 0; j < per; j++) {
          const k = i * per + j;
          const g0 = grad[k];
          const z = project(k, cur[k] + s * (g0 > 0 ? 1 : g0 < 0 ? -1 : 0));
          next[k] = project(k, cur[k] + (z - cur[k]) * a + (cur[k] - prev[k]) * (1 - a));
        }
      }
      prev = cur;
      cur = next;
      g = await model.gradient({ data: cur, shape: x.shape }, spec);
      worst.offer(cur, g.logits);
      grad = g.grad;
      for (let i = 0; i < n; i++) {
        if (g.loss[i] > prevLoss[i]) increases[i]++;
        prevLoss[i] = g.loss[i];
        if (g.loss[i] > bestLoss[i]) {
          bestLoss[i] = g.loss[i];
          best.set(cur.subarray(i * per, (i + 1) * per), i * per);
          bestGrad.set(grad.subarray(i * per, (i + 1) * per), i * per);
        }
      }
      sinceCheck++;
      if (checkpoints.has(it + 1)) {
        for (let i = 0; i < n; i++) {
          const oscillating = increases[i] <= 0.75 * sinceCheck;
          const stalled = !reducedLast[i] && bestAtLastCheck[i] >= bestLoss[i];
          const halve = oscillating || stalled;
          reducedLast[i] = halve ? 1 : 0;
          bestAtLastCheck[i] = bestLoss[i];
          if (halve) {
            step[i] /= 2;
            cur.set(best.subarray(i * per, (i + 1) * per), i * per);
            grad.set(bestGrad.subarray(i * per, (i + 1) * per), i * per);
          }
        }
        increases = new Int32Array(n);
        sinceCheck = 0;
      }
      opts.onStep?.();
    }
    const finalLogits = await model.predict({ data: cur, shape: x.shape });
    worst.offer(cur, finalLogits);
    // Success is misclassification, for the targeted variant too (as in AutoAttack's evaluation).
    results.push({ eps, final: { data: cur, shape: x.shape }, finalLogits, best: { data: worst.adv, shape: x.shape }, bestLogits: worst.logits, success: worst.broken(), queries: steps + 2 });
  }
  return { attack: lossKind === 'ce' ? 'apgd_ce' : lossKind === 'dlr' ? 'apgd_dlr' : 'apgd_dlr_t', norm: 'linf', results };
}

/** The classes APGD-T aims at: the k highest-scoring wrong classes under the clean logits (reference order). */
export function topWrongClasses(clean: Float32Array, labels: Int32Array, C: number, k: number): Int32Array[] {
  const n = labels.length;
  const out = Array.from({ length: k }, () => new Int32Array(n));
  for (let i = 0; i < n; i++) {
    const order = [...Array(C).keys()].filter((j) => j !== labels[i]).sort((a, b) => clean[i * C + b] - clean[i * C + a]);
    for (let t = 0; t < k; t++) out[t][i] = order[t % order.length];
  }
  return out;
}
