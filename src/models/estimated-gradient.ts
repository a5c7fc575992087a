/**
 * Input gradients from forward passes only, for models with an op that has no reverse-mode rule.
 *
 * NES with antithetic Gaussian directions (Ilyas et al. 2018, "Black-box Adversarial Attacks with
 * Limited Queries and Information", Alg. 1): ĝ = 1/(2σq) Σ_k [L(x + σu_k) − L(x − σu_k)] u_k,
 * u_k ~ N(0, I), per sample. The estimate is unbiased for the Gaussian-smoothed loss; its error
 * shrinks as 1/√q, so it is a fallback, and the adapter reports gradientMode 'estimated'.
 * Directions come from the seeded Rng, so the same seed and call sequence give the same bytes.
 */
import { Rng } from '../random.js';
import type { Batch } from '../tensor.js';
import { evaluateLoss } from './losses.js';
import type { GradientResult, LossSpec } from './types.js';

export interface EstimateOptions {
  seed: number;
  /** Antithetic pairs per sample (forward passes = 2·pairs + 1 per sample). */
  pairs?: number;
  /** Smoothing radius in pixel units. */
  sigma?: number;
  /** Samples per forward call. */
  chunk?: number;
  /** Label of this call's random stream (e.g. 'nes/3' for a model's fourth call). */
  stream?: string;
}

/** Per-sample rows of a LossSpec, for evaluating the loss on the perturbed copies of sample i. */
function repeatSpec(spec: LossSpec, i: number, copies: number, classes: number): LossSpec {
  const rep = (a: Int32Array): Int32Array => new Int32Array(copies).fill(a[i]);
  switch (spec.loss) {
    case 'ce':
    case 'margin':
    case 'dlr':
      return { loss: spec.loss, labels: rep(spec.labels) };
    case 'targeted_ce':
      return { loss: spec.loss, targets: rep(spec.targets) };
    case 'dlr_targeted':
      return { loss: spec.loss, labels: rep(spec.labels), targets: rep(spec.targets) };
    case 'cotangent': {
      const c = new Float32Array(copies * classes);
      for (let k = 0; k < copies; k++) c.set(spec.cotangent.subarray(i * classes, (i + 1) * classes), k * classes);
      return { loss: 'cotangent', cotangent: c };
    }
  }
}

export async function estimateGradient(
  forward: (x: Float32Array, n: number) => Promise<Float32Array>,
  x: Batch,
  spec: LossSpec,
  classes: number,
  opts: EstimateOptions,
): Promise<GradientResult> {
  const n = x.shape[0];
  const per = x.data.length / Math.max(n, 1);
  const pairs = opts.pairs ?? 32;
  const sigma = opts.sigma ?? 1e-3;
  const chunk = Math.max(2, opts.chunk ?? 256);
  const logits = await forward(x.data, n);
  const base = evaluateLoss(spec, logits, classes);
  const grad = new Float32Array(x.data.length);
  const rng = Rng.derive(opts.seed, opts.stream ?? 'nes');
  const dirs = new Float32Array(pairs * per);
  for (let i = 0; i < n; i++) {
    rng.fillNormal(dirs);
    const xi = x.data.subarray(i * per, (i + 1) * per);
    const acc = new Float64Array(per);
    for (let p0 = 0; p0 < pairs; p0 += Math.floor(chunk / 2)) {
      const m = Math.min(Math.floor(chunk / 2), pairs - p0);
      const batch = new Float32Array(2 * m * per);
      for (let k = 0; k < m; k++) {
        const u = dirs.subarray((p0 + k) * per, (p0 + k + 1) * per);
        for (let j = 0; j < per; j++) {
          batch[2 * k * per + j] = xi[j] + sigma * u[j];
          batch[(2 * k + 1) * per + j] = xi[j] - sigma * u[j];
        }
      }
      const out = await forward(batch, 2 * m);
      const l = evaluateLoss(repeatSpec(spec, i, 2 * m, classes), out, classes).loss;
      for (let k = 0; k < m; k++) {
        const w = (l[2 * k] - l[2 * k + 1]) / (2 * sigma * pairs);
        const u = dirs.subarray((p0 + k) * per, (p0 + k + 1) * per);
        for (let j = 0; j < per; j++) acc[j] += w * u[j];
      }
    }
    grad.set(acc, i * per);
  }
  return { logits, loss: Float32Array.from(base.loss), grad };
}
