import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { evaluateLoss } from '../../src/models/losses.js';
import { loadOnnxModel, type OnnxModel } from '../../src/models/onnx.js';
import { argmaxRows } from '../../src/tensor.js';
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

  test('gradient signs equal the float64 reference at every pixel (what FGSM/PGD consume)', async () => {
    const res = await model.gradient(x, { loss: 'ce', labels: y });
    const ref = readF64('golden/arrays/fmnist_grad_ce_first16_f64.bin');
    let mismatches = 0;
    for (let i = 0; i < ref.length; i++) mismatches += Math.sign(res.grad[i]) === Math.sign(ref[i]) ? 0 : 1;
    expect(mismatches).toBe(0);
  });

  test("a sample's gradient does not depend on the batch it is in", async () => {
    const all = await model.gradient(x, { loss: 'ce', labels: y });
    const one = await model.gradient({ data: x.data.slice(3 * 784, 4 * 784), shape: [1, 1, 28, 28] }, { loss: 'ce', labels: y.slice(3, 4) });
    expect(relErr(one.grad, all.grad.subarray(3 * 784, 4 * 784))).toBeLessThan(1e-5);
  });
});

describe('FGSM from these gradients reproduces the PyTorch reference', () => {
  test('eps 0.03 and 0.1: per-image predictions identical on all 1000 images, first-16 images exact', async () => {
    const model = await loadOnnxModel(fmnistSpec);
    const x = fmnistImages(1000);
    const y = fmnistLabels(1000);
    const { grad } = await model.gradient(x, { loss: 'ce', labels: y });
    for (const eps of [0.03, 0.1]) {
      // x_adv = clip(x + eps·sign(g), 0, 1) with sign(0) = 0 (fixtures/golden/README.md)
      const adv = x.data.map((v, i) => Math.min(1, Math.max(0, v + eps * Math.sign(grad[i]))));
      const logits = await model.predict({ data: adv, shape: x.shape });
      const ref = readF32(`golden/arrays/fmnist_fgsm_eps_${eps}_adv_logits_f32.bin`);
      const pred = argmaxRows(logits, 10);
      const refPred = argmaxRows(ref, 10);
      let differ = 0;
      for (let i = 0; i < 1000; i++) differ += pred[i] === refPred[i] ? 0 : 1;
      expect(differ, `eps ${eps}`).toBe(0);
      // The reference images come from PyTorch's float32 gradient, whose sign is float32 noise at
      // 2 pixels with |g| < 1e-8 (it disagrees there with the float64 gradient, ours does not):
      // every other pixel must match.
      const refAdv = readF32(`golden/arrays/fmnist_fgsm_eps_${eps}_adv_first16_f32.bin`);
      const g32 = readF32('golden/arrays/fmnist_grad_ce_first16_f32.bin');
      const g64 = readF64('golden/arrays/fmnist_grad_ce_first16_f64.bin');
      let mismatched = 0;
      for (let i = 0; i < refAdv.length; i++) {
        if (Math.sign(g32[i]) !== Math.sign(g64[i])) continue;
        if (Math.abs(adv[i] - refAdv[i]) > 1e-6) mismatched++;
      }
      expect(mismatched, `eps ${eps} adversarial pixels`).toBe(0);
    }
    await model.dispose();
  });

  test('PGD L∞ (eps 0.1, step 0.01, 20 steps, no random start): ≤ 2 of 1000 predictions differ', async () => {
    const model = await loadOnnxModel(fmnistSpec);
    const x = fmnistImages(1000);
    const y = fmnistLabels(1000);
    let adv = x.data.slice();
    for (let k = 0; k < 20; k++) {
      const { grad } = await model.gradient({ data: adv, shape: x.shape }, { loss: 'ce', labels: y });
      adv = adv.map((v, i) => {
        const d = Math.min(0.1, Math.max(-0.1, v + 0.01 * Math.sign(grad[i]) - x.data[i]));
        return Math.min(1, Math.max(0, x.data[i] + d));
      });
    }
    const pred = argmaxRows(await model.predict({ data: adv, shape: x.shape }), 10);
    const refPred = argmaxRows(readF32('golden/arrays/fmnist_pgd_linf_adv_logits_f32.bin'), 10);
    let differ = 0;
    let robust = 0;
    for (let i = 0; i < 1000; i++) {
      differ += pred[i] === refPred[i] ? 0 : 1;
      robust += pred[i] === y[i] ? 1 : 0;
    }
    expect(differ).toBeLessThanOrEqual(2);
    expect(Math.abs(robust / 1000 - 0.056)).toBeLessThanOrEqual(0.002);
    await model.dispose();
  });
});
