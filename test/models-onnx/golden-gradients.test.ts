import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { evaluateLoss } from '../../src/models/losses.js';
import { loadOnnxModel, type OnnxModel } from '../../src/models/onnx.js';
import { fmnistImages, fmnistLabels, fmnistSpec, readF32, readF64 } from './fmnist-fixtures.js';

/** max |a − b| / max |b| */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

describe('exact gradients of fmnist_cnn.onnx against PyTorch', () => {
  let model: OnnxModel;
  const x = fmnistImages(16);
  const y = fmnistLabels(16);
  beforeAll(async () => {
    model = await loadOnnxModel(fmnistSpec);
  });
  afterAll(async () => model.dispose());

  test('gradientMode is exact', () => {
    expect(model.gradientMode).toBe('exact');
    expect(model.inspection.exactGradients).toBe(true);
  });

  test('CE input gradient of the first 16 images', async () => {
    const res = await model.gradient(x, { loss: 'ce', labels: y });
    const ref = readF64('golden/arrays/fmnist_grad_ce_first16_f64.bin');
    const err = relErr(res.grad, ref);
    // Per image too: confident images have tiny gradients that a naive softmax − onehot loses to
    // float32 cancellation (image 3 has loss 7e-6).
    let worst = 0;
    for (let i = 0; i < 16; i++) worst = Math.max(worst, relErr(res.grad.subarray(i * 784, (i + 1) * 784), ref.subarray(i * 784, (i + 1) * 784)));
    console.log(`CE gradient: max abs error / max |grad| = ${err.toExponential(3)}, worst single image ${worst.toExponential(3)}`);
    expect(err).toBeLessThanOrEqual(1e-6);
    expect(worst).toBeLessThanOrEqual(1e-5);
    // logits are the model's, loss is CE of those logits
    const logitsRef = readF32('golden/arrays/fmnist_logits_first16_f32.bin');
    for (let i = 0; i < logitsRef.length; i++) expect(Math.abs(res.logits[i] - logitsRef[i])).toBeLessThanOrEqual(1e-4);
    const ce = evaluateLoss({ loss: 'ce', labels: y }, res.logits, 10).loss;
    for (let i = 0; i < 16; i++) expect(Math.abs(res.loss[i] - ce[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, ce[i]));
  });

  test('true-class logit gradient (saliency) of the first 16 images', async () => {
    const cot = new Float32Array(16 * 10);
    for (let i = 0; i < 16; i++) cot[i * 10 + y[i]] = 1;
    const res = await model.gradient(x, { loss: 'cotangent', cotangent: cot });
    const ref = readF64('golden/arrays/fmnist_saliency_logitgrad_first16_f64.bin');
    const err = relErr(res.grad, ref);
    console.log(`logit gradient: max abs error / max |grad| = ${err.toExponential(3)}`);
    expect(err).toBeLessThanOrEqual(1e-6);
    for (let i = 0; i < 16; i++) expect(res.loss[i]).toBeCloseTo(res.logits[i * 10 + y[i]], 5);
  });

  test("a sample's gradient does not depend on the batch it is in", async () => {
    const all = await model.gradient(x, { loss: 'ce', labels: y });
    const one = await model.gradient({ data: x.data.slice(3 * 784, 4 * 784), shape: [1, 1, 28, 28] }, { loss: 'ce', labels: y.slice(3, 4) });
    expect(relErr(one.grad, all.grad.subarray(3 * 784, 4 * 784))).toBeLessThan(1e-5);
  });
});
