import type { GradientResult, LossSpec, Model } from '../../src/models/types.js';
import { Rng } from '../../src/random.js';
import type { Batch } from '../../src/tensor.js';

/**
 * A pure-JS linear softmax classifier z = W·x + b with analytic input gradients for every LossSpec
 * (d loss/d x = Wᵀ · d loss/d z), independent of onnxruntime and TF.js. On a linear model the
 * smallest perturbation that flips a decision is known in closed form, which makes it an exact
 * reference for the attacks (see linear.test.ts).
 */
export class LinearModel implements Model {
  readonly gradientMode = 'exact' as const;
  readonly meta;

  constructor(
    readonly W: Float64Array, // [K, D] row-major
    readonly b: Float64Array, // [K]
    readonly sampleShape: number[],
  ) {
    const K = b.length;
    this.meta = {
      format: 'onnx' as const,
      path: 'linear.js',
      sha256: '',
      inputName: 'x',
      outputName: 'z',
      sampleShape,
      fixedBatch: null,
      numClasses: K,
      classNames: Array.from({ length: K }, (_, k) => `c${k}`),
      layout: sampleShape.length === 1 ? ('NC' as const) : ('NCHW' as const),
      outputKind: 'logits' as const,
      outputKindSource: 'declared' as const,
      backend: 'pure js',
    };
  }

  static random(seed: number, K: number, sampleShape: number[]): LinearModel {
    const rng = new Rng(seed);
    const D = sampleShape.reduce((a, v) => a * v, 1);
    return new LinearModel(Float64Array.from({ length: K * D }, () => rng.normal()), Float64Array.from({ length: K }, () => rng.normal(0, 0.1)), sampleShape);
  }

  private logits64(x: Batch): Float64Array {
    const K = this.b.length;
    const D = this.W.length / K;
    const n = x.data.length / D;
    const z = new Float64Array(n * K);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < K; k++) {
        let s = this.b[k];
        for (let d = 0; d < D; d++) s += this.W[k * D + d] * x.data[i * D + d];
        z[i * K + k] = s;
      }
    return z;
  }

  async predict(x: Batch): Promise<Float32Array> {
    return Float32Array.from(this.logits64(x));
  }

  async gradient(x: Batch, spec: LossSpec): Promise<GradientResult> {
    const K = this.b.length;
    const D = this.W.length / K;
    const z = this.logits64(x);
    const n = z.length / K;
    const loss = new Float32Array(n);
    const grad = new Float32Array(n * D);
    for (let i = 0; i < n; i++) {
      const zi = z.subarray(i * K, (i + 1) * K);
      const { value, dz } = lossAndDz(zi, spec, i, K);
      loss[i] = value;
      for (let d = 0; d < D; d++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += dz[k] * this.W[k * D + d];
        grad[i * D + d] = s;
      }
    }
    return { logits: Float32Array.from(z), loss, grad };
  }

  async dispose(): Promise<void> {}
}

/** Loss value and d loss / d z for one row of logits, following the LossSpec definitions in src/models/types.ts. */
export function lossAndDz(z: Float64Array, spec: LossSpec, i: number, K: number): { value: number; dz: Float64Array } {
  const dz = new Float64Array(K);
  const order = [...Array(K).keys()].sort((a, c) => z[c] - z[a]); // π1 ≥ π2 ≥ …
  const ce = (t: number) => {
    const mx = z[order[0]];
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(z[k] - mx);
    for (let k = 0; k < K; k++) dz[k] = Math.exp(z[k] - mx) / s;
    dz[t] -= 1;
    return Math.log(s) + mx - z[t];
  };
  const bestOther = (y: number) => order.find((k) => k !== y)!;
  switch (spec.loss) {
    case 'ce':
      return { value: ce(spec.labels[i]), dz };
    case 'targeted_ce':
      return { value: ce(spec.targets[i]), dz };
    case 'margin': {
      const y = spec.labels[i];
      const j = bestOther(y);
      dz[j] = 1;
      dz[y] = -1;
      return { value: z[j] - z[y], dz };
    }
    case 'dlr': {
      const y = spec.labels[i];
      const j = bestOther(y);
      const num = z[y] - z[j];
      const den = z[order[0]] - z[order[2]] + 1e-12;
      // L = −num/den: dL = −dnum/den + num·dden/den²
      dz[y] -= 1 / den;
      dz[j] += 1 / den;
      dz[order[0]] += num / den ** 2;
      dz[order[2]] -= num / den ** 2;
      return { value: -num / den, dz };
    }
    case 'dlr_targeted': {
      const y = spec.labels[i];
      const t = spec.targets[i];
      const num = z[y] - z[t];
      const den = z[order[0]] - (z[order[2]] + z[order[3]]) / 2 + 1e-12;
      dz[y] -= 1 / den;
      dz[t] += 1 / den;
      dz[order[0]] += num / den ** 2;
      dz[order[2]] -= num / den ** 2 / 2;
      dz[order[3]] -= num / den ** 2 / 2;
      return { value: -num / den, dz };
    }
    case 'cotangent': {
      let v = 0;
      for (let k = 0; k < K; k++) {
        dz[k] = spec.cotangent[i * K + k];
        v += dz[k] * z[k];
      }
      return { value: v, dz };
    }
  }
}
