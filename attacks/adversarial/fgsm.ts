import type { Model } from '../../src/models/types.js';
import type { Batch } from '../../src/tensor.js';
import { WorstCase } from './margin.js';
import { UNIT_BOX, linfStep, type Box } from './project.js';
import type { AttackRun, EpsResult } from './types.js';

export interface FgsmOptions {
  eps: number[];
  /** Descend the cross-entropy to these classes instead of ascending it on the true labels. */
  targets?: Int32Array;
  box?: Box;
}

/**
 * Fast Gradient Sign Method (Goodfellow et al. 2015): x_adv = clip(x + ε·sign(∇ₓ CE(x, y)), 0, 1),
 * sign(0) = 0. One gradient serves every ε.
 */
export async function fgsm(model: Model, x: Batch, labels: Int32Array, opts: FgsmOptions): Promise<AttackRun> {
  const n = labels.length;
  const C = model.meta.numClasses;
  const box = opts.box ?? UNIT_BOX;
  const targeted = opts.targets !== undefined;
  const g = await model.gradient(x, targeted ? { loss: 'targeted_ce', targets: opts.targets! } : { loss: 'ce', labels });
  const { zero, nan } = gradientHealth(g.grad, n);
  const results: EpsResult[] = [];
  for (const eps of opts.eps) {
    const adv = new Float32Array(x.data.length);
    linfStep(x.data, x.data, g.grad, eps, eps, box, targeted ? -1 : 1, adv);
    const logits = await model.predict({ data: adv, shape: x.shape });
    const worst = new WorstCase(x.data, g.logits, labels, C);
    worst.offer(adv, logits);
    results.push({
      eps,
      final: { data: adv, shape: x.shape },
      finalLogits: logits,
      best: { data: worst.adv, shape: x.shape },
      bestLogits: worst.logits,
      success: worst.broken(),
      queries: 2,
    });
  }
  return { attack: 'fgsm', norm: 'linf', results, zeroGradientFraction: zero, nanGradientFraction: nan };
}

/** Fractions of samples whose gradient is entirely zero, or contains a NaN (gradient-masking signs). */
export function gradientHealth(grad: Float32Array, n: number): { zero: number; nan: number } {
  const per = grad.length / n;
  let zero = 0;
  let nan = 0;
  for (let i = 0; i < n; i++) {
    let allZero = true;
    let hasNan = false;
    for (let k = i * per; k < (i + 1) * per; k++) {
      const v = grad[k];
      if (v !== 0) allZero = false;
      if (Number.isNaN(v)) hasNan = true;
    }
    if (hasNan) nan++;
    else if (allZero) zero++;
  }
  return { zero: zero / n, nan: nan / n };
}
