/**
 * The TF.js twin of fmnist_cnn.onnx against the PyTorch reference outputs in fixtures/golden:
 * clean logits and accuracy on all 1000 images, exact CE input gradients and true-class logit
 * gradients (saliency) on the first 16, and the meta data the adapter reports.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadTfjsModel } from '../../src/models/tfjs.js';
import type { Model } from '../../src/models/types.js';
import { argmaxRows } from '../../src/tensor.js';
import { fmnist, readF32, readF64, TWIN_DIR } from './fixtures.js';

let model: Model;
beforeAll(async () => {
  model = await loadTfjsModel({ path: TWIN_DIR, layout: 'NCHW', pixelRange: [0, 1], outputs: 'auto' });
});
afterAll(async () => {
  await model?.dispose();
});

/** max |a − b| / max |b| over all elements. */
function relMaxErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

describe('fmnist_cnn_tfjs twin', () => {
  it('reports meta from the model files and the backend it runs on', async () => {
    const m = model.meta;
    expect(m.format).toBe('tfjs-layers');
    expect(m.sampleShape).toEqual([1, 28, 28]);
    expect(m.fixedBatch).toBeNull();
    expect(m.numClasses).toBe(10);
    expect(m.inputName).toBe('input');
    expect(m.outputName).toBe('logits');
    expect(model.gradientMode).toBe('exact');
    // tfjs-node is not installed here, so the order node → wasm → cpu lands on wasm.
    expect(m.backend).toBe(`tfjs ${tf.version_core} wasm`);
    const h = createHash('sha256');
    h.update(readFileSync(path.join(TWIN_DIR, 'model.json')));
    h.update(readFileSync(path.join(TWIN_DIR, 'weights.bin')));
    expect(m.sha256).toBe(h.digest('hex'));
  });

  it('reproduces the PyTorch logits on all 1000 images within 1e-4 and accuracy 0.893', async () => {
    const { x, labels } = fmnist(1000);
    const logits = await model.predict({ data: x, shape: [1000, 1, 28, 28] });
    const ref = readF32('fixtures/golden/arrays/fmnist_clean_logits_f32.bin');
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(logits[i] - ref[i]));
    console.log(`twin logits: max |tfjs − pytorch| = ${maxDiff.toExponential(3)}`);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    const pred = argmaxRows(logits, 10);
    expect(pred).toEqual(argmaxRows(ref, 10));
    const correct = pred.reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0);
    expect(correct / 1000).toBe(0.893);
    expect(model.meta.outputKind).toBe('logits');
    expect(model.meta.outputKindSource).toBe('detected');
  });

  it('gives the exact cross-entropy input gradient of the first 16 images (float64 reference)', async () => {
    const { x, labels } = fmnist(16);
    const r = await model.gradient({ data: x, shape: [16, 1, 28, 28] }, { loss: 'ce', labels });
    const ref = readF64('fixtures/golden/arrays/fmnist_grad_ce_first16_f64.bin');
    const err = relMaxErr(r.grad, ref);
    console.log(`twin CE gradient: max |g − g_ref| / max |g_ref| = ${err.toExponential(3)}`);
    expect(err).toBeLessThanOrEqual(1e-4);
    // Per-sample losses against the PyTorch float64 losses of the same images.
    const logRef = readF32('fixtures/golden/arrays/fmnist_clean_logits_f32.bin').subarray(0, 160);
    for (let i = 0; i < 16; i++) {
      const z = Array.from(logRef.subarray(i * 10, i * 10 + 10));
      const mx = Math.max(...z);
      const lse = mx + Math.log(z.reduce((s, v) => s + Math.exp(v - mx), 0));
      expect(r.loss[i]).toBeCloseTo(lse - z[labels[i]], 4);
    }
    expect(Array.from(r.logits.subarray(0, 10)).map((v, j) => Math.abs(v - logRef[j]) <= 1e-4)).not.toContain(false);
  });

  it('gives the true-class logit gradient (one-hot cotangent) of the first 16 images', async () => {
    const { x, labels } = fmnist(16);
    const cot = new Float32Array(160);
    labels.forEach((y, i) => (cot[i * 10 + y] = 1));
    const r = await model.gradient({ data: x, shape: [16, 1, 28, 28] }, { loss: 'cotangent', cotangent: cot });
    const ref = readF64('fixtures/golden/arrays/fmnist_saliency_logitgrad_first16_f64.bin');
    const err = relMaxErr(r.grad, ref);
    console.log(`twin logit gradient: max |g − g_ref| / max |g_ref| = ${err.toExponential(3)}`);
    expect(err).toBeLessThanOrEqual(1e-4);
    for (let i = 0; i < 16; i++) expect(r.loss[i]).toBe(r.logits[i * 10 + labels[i]]);
  });

  it('leaks no tensors across predict and gradient', async () => {
    const { x, labels } = fmnist(8);
    const batch = { data: x, shape: [8, 1, 28, 28] };
    await model.predict(batch);
    await model.gradient(batch, { loss: 'dlr', labels });
    const before = tf.memory().numTensors;
    await model.predict(batch);
    for (const loss of ['ce', 'margin', 'dlr'] as const) await model.gradient(batch, { loss, labels });
    await model.gradient(batch, { loss: 'dlr_targeted', labels, targets: labels.map((y) => (y + 1) % 10) });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a batch in the wrong layout with a message naming the expected shape', async () => {
    await expect(model.predict({ data: new Float32Array(784), shape: [1, 28, 28, 1] })).rejects.toThrow(/\[1, 28, 28\]/);
  });
});
