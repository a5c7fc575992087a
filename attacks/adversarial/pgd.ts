import type { LossSpec, Model } from '../../src/models/types.js';
import { Rng } from '../../src/random.js';
import type { Batch } from '../../src/tensor.js';
import { gradientHealth } from './fgsm.js';
import { WorstCase, predictions } from './margin.js';
import { UNIT_BOX, l2Step, linfStep, project, type Box } from './project.js';
import type { AttackRun, EpsResult, Norm, TargetMode } from './types.js';

export interface PgdOptions {
  eps: number[];
  norm?: Norm;
  steps?: number;
  /** Step size; default 2.5·ε/steps (Madry et al. 2018). */
  stepSize?: number | ((eps: number) => number);
  /** Start from a uniform (L∞) or uniform-radius (L2) point in the ε-ball; off by default, as the references. */
  randomStart?: boolean;
  restarts?: number;
  targeted?: { mode: TargetMode; targets?: Int32Array };
  loss?: 'ce' | 'margin';
  seed?: number;
  box?: Box;
  /** Called after each gradient step (progress). */
  onStep?: () => void;
}

/**
 * Projected gradient descent (Madry et al. 2018) under L∞ or L2, with the update rules of the
 * golden conventions (fixtures/golden/README.md), restarts and targeted modes. Returns the final
 * iterate (reference convention) and, per sample, the worst point over every iterate and restart.
 */
export async function pgd(model: Model, x: Batch, labels: Int32Array, opts: PgdOptions): Promise<AttackRun> {
  const n = labels.length;
  const C = model.meta.numClasses;
  const norm = opts.norm ?? 'linf';
  const steps = opts.steps ?? 10;
  const restarts = Math.max(1, opts.restarts ?? 1);
  const box = opts.box ?? UNIT_BOX;
  const rng = new Rng(opts.seed ?? 0);
  const clean = await model.predict(x);
  const targets = opts.targeted ? chooseTargets(opts.targeted, clean, labels, C, rng) : undefined;
  const lossSpec: LossSpec = targets
    ? { loss: 'targeted_ce', targets }
    : opts.loss === 'margin'
      ? { loss: 'margin', labels }
      : { loss: 'ce', labels };
  const dir: 1 | -1 = targets ? -1 : 1;
  let health: { zero: number; nan: number } | undefined;

  const results: EpsResult[] = [];
  for (const eps of opts.eps) {
    const alpha = typeof opts.stepSize === 'function' ? opts.stepSize(eps) : (opts.stepSize ?? (2.5 * eps) / steps);
    const worst = new WorstCase(x.data, clean, labels, C);
    let final = x.data;
    let finalLogits = clean;
    for (let r = 0; r < restarts; r++) {
      let cur = x.data.slice();
      if (opts.randomStart || r > 0) randomStart(cur, x.data, n, eps, norm, box, rng);
      let next = new Float32Array(cur.length);
      for (let t = 0; t < steps; t++) {
        const g = await model.gradient({ data: cur, shape: x.shape }, lossSpec);
        if (!health) health = gradientHealth(g.grad, n);
        worst.offer(cur, g.logits); // the logits of the point the gradient was taken at
        if (norm === 'linf') linfStep(x.data, cur, g.grad, alpha, eps, box, dir, next);
        else l2Step(x.data, cur, g.grad, n, alpha, eps, box, dir, next);
        [cur, next] = [next, cur];
        opts.onStep?.();
      }
      const logits = await model.predict({ data: cur, shape: x.shape });
      worst.offer(cur, logits);
      final = cur;
      finalLogits = logits;
    }
    // Success is misclassification for targeted runs too (robust accuracy stays a worst case);
    // whether the final iterate reached its target is reported separately.
    const success = worst.broken();
    const targetHits = targets ? hitTargets(finalLogits, targets, C) : undefined;
    results.push({
      eps,
      final: { data: final, shape: x.shape },
      finalLogits,
      best: { data: worst.adv, shape: x.shape },
      bestLogits: worst.logits,
      success,
      ...(targetHits ? { targetHits } : {}),
      queries: restarts * (steps + 1),
    });
  }
  return {
    attack: norm === 'linf' ? 'pgd_linf' : 'pgd_l2',
    norm,
    results,
    zeroGradientFraction: health?.zero,
    nanGradientFraction: health?.nan,
  };
}

function hitTargets(logits: Float32Array, targets: Int32Array, C: number): Uint8Array {
  const p = predictions(logits, C);
  return Uint8Array.from(p, (v, i) => (v === targets[i] ? 1 : 0));
}

/** Target classes: given, a random class ≠ label, or the least-likely class under the clean logits. */
export function chooseTargets(t: { mode: TargetMode; targets?: Int32Array }, clean: Float32Array, labels: Int32Array, C: number, rng: Rng): Int32Array {
  const n = labels.length;
  if (t.mode === 'given') {
    if (!t.targets || t.targets.length !== n) throw new Error('targeted attack with mode "given" needs one target class per sample');
    return t.targets;
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (t.mode === 'random') {
      const k = rng.int(C - 1);
      out[i] = k >= labels[i] ? k + 1 : k;
    } else {
      let b = 0;
      for (let j = 1; j < C; j++) if (clean[i * C + j] < clean[i * C + b]) b = j;
      out[i] = b;
    }
  }
  return out;
}

/**
 * Random start: uniform in the L∞ ball, or a uniformly random direction with radius ε·u for L2
 * (torchattacks' convention), then projected onto the box.
 */
function randomStart(cur: Float32Array, x: Float32Array, n: number, eps: number, norm: Norm, box: Box, rng: Rng): void {
  const per = x.length / n;
  if (norm === 'linf') {
    for (let k = 0; k < cur.length; k++) cur[k] = x[k] + rng.uniform(-eps, eps);
  } else {
    const dir = new Float64Array(per);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < per; j++) {
        dir[j] = rng.normal();
        s += dir[j] * dir[j];
      }
      const r = (eps * rng.next()) / Math.sqrt(s);
      for (let j = 0; j < per; j++) cur[i * per + j] = x[i * per + j] + dir[j] * r;
    }
  }
  project(x, cur, n, eps, norm, box);
}
