/**
 * Every LossSpec loss through the TF.js adapter on the Fashion-MNIST twin (first 12 images):
 * - loss values against a float64 JS reference computed from the returned logits;
 * - input gradients against the chain rule J^T (dL/dz), with dL/dz from the reference and J^T v
 *   from the 'cotangent' loss (itself checked against PyTorch in twin.test.ts);
 * - input gradients against central finite differences of the reference loss along random directions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateLoss } from '../../src/models/losses.js';
import { loadTfjsModel } from '../../src/models/tfjs.js';
import type { LossSpec, Model } from '../../src/models/types.js';
import { Rng } from '../../src/random.js';
import { fmnist, TWIN_DIR } from './fixtures.js';
import { lossReference } from './loss-reference.js';

const N = 12;
const C = 10;
const SHAPE = [N, 1, 28, 28];
let model: Model;
const { x, labels } = fmnist(N);
const targets = labels.map((y, i) => (y + 1 + (i % 9)) % C);

beforeAll(async () => {
  model = await loadTfjsModel({ path: TWIN_DIR, layout: 'NCHW', pixelRange: [0, 1], outputs: 'logits' });
});
afterAll(async () => {
  await model?.dispose();
});

function specs(): LossSpec[] {
  const rng = new Rng(7);
  const cot = Float32Array.from({ length: N * C }, () => rng.normal());
  return [
    { loss: 'ce', labels },
    { loss: 'targeted_ce', targets },
    { loss: 'margin', labels },
    { loss: 'dlr', labels },
    { loss: 'dlr_targeted', labels, targets },
    { loss: 'cotangent', cotangent: cot },
  ];
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe.each(specs())('loss $loss', (spec) => {
  it('has a test reference that agrees with the project reference (src/models/losses.ts)', () => {
    const rng = new Rng(3);
    const z = Float32Array.from({ length: N * C }, () => rng.normal(0, 4));
    const mine = lossReference(z, spec, C);
    const theirs = evaluateLoss(spec, z, C);
    for (let i = 0; i < N; i++) expect(mine.loss[i]).toBeCloseTo(theirs.loss[i], 10);
    for (let k = 0; k < N * C; k++) expect(mine.dz[k]).toBeCloseTo(theirs.dLogits[k], 10);
  });

  it('matches the float64 reference value and the chain rule through the cotangent gradient', async () => {
    const r = await model.gradient({ data: x, shape: SHAPE }, spec);
    const ref = lossReference(r.logits, spec, C);
    for (let i = 0; i < N; i++) expect(Math.abs(r.loss[i] - ref.loss[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref.loss[i])));
    const viaCot = await model.gradient({ data: x, shape: SHAPE }, { loss: 'cotangent', cotangent: Float32Array.from(ref.dz) });
    let d = 0;
    for (let i = 0; i < r.grad.length; i++) d = Math.max(d, Math.abs(r.grad[i] - viaCot.grad[i]));
    expect(maxAbs(r.grad)).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(1e-5 * maxAbs(viaCot.grad));
  });

  it('agrees with central finite differences along random directions', async () => {
    // Fashion-MNIST backgrounds are exactly 0, which makes max-pool windows tie exactly; at a tie the
    // loss has no derivative (only one-sided ones), so finite differences are taken at a nearby point
    // whose ties are broken by a little noise.
    const rng = new Rng(11);
    const x0 = Float32Array.from(x, (xi) => xi + rng.uniform(-0.02, 0.02));
    const r = await model.gradient({ data: x0, shape: SHAPE }, spec);
    const v = Float32Array.from({ length: x.length }, () => rng.normal());
    const h = 1e-4;
    const plus = Float32Array.from(x0, (xi, i) => xi + h * v[i]);
    const minus = Float32Array.from(x0, (xi, i) => xi - h * v[i]);
    const lp = lossReference(await model.predict({ data: plus, shape: SHAPE }), spec, C).loss;
    const lm = lossReference(await model.predict({ data: minus, shape: SHAPE }), spec, C).loss;
    const errs: number[] = [];
    for (let i = 0; i < N; i++) {
      let gv = 0;
      let gn = 0;
      for (let k = i * 784; k < (i + 1) * 784; k++) {
        gv += r.grad[k] * v[k];
        gn += r.grad[k] * r.grad[k];
      }
      const fd = (lp[i] - lm[i]) / (2 * h);
      // Scale by |g|·sqrt(784) ≈ |g|·|v|, the size of a typical directional derivative.
      errs.push(Math.abs(fd - gv) / (Math.sqrt(gn) * 28 + 1e-6));
    }
    // Measured 1.5e-3–2.5e-3 (float32 forward passes, ReLU kinks inside ±h). A sign error gives
    // 2|g·v|/(|g||v|), about 0.07 on average for a random v and more for the worst of 12 samples.
    console.log(`${spec.loss}: max FD error / (|g||v|) = ${Math.max(...errs).toExponential(2)}`);
    expect(Math.max(...errs)).toBeLessThanOrEqual(1e-2);
  });
});
