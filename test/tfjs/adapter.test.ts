/**
 * The TF.js adapter on small models whose outputs and gradients are computed by hand here:
 * a hand-written graph-model (normalisation with pixelScale/mean/std in NHWC), a softmax
 * layers-model ('auto' output detection, CE on probabilities), a fixed-batch layers-model
 * (padding), and the errors a user sees for a wrong config.
 */
import { createHash } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadTfjsModel } from '../../src/models/tfjs.js';
import { TWIN_DIR } from './fixtures.js';
import { weights, writeDenseModel, writeGraphModel } from './tiny-models.js';

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

describe('graph-model through the file IO handler', () => {
  const W = weights(36, 0.3);
  const B = weights(3, 2.1);
  const mean = [100, 120, 90];
  const std = [60, 50, 70];
  const n = 5;
  const x = Float32Array.from({ length: n * 12 }, (_, i) => (Math.cos(0.7 * i) + 1) / 2);
  // Reference in float64: x_model = (x·255 − mean[c]) / std[c] with c the last (NHWC) axis.
  const xm = Array.from(x, (v, k) => (v * 255 - mean[k % 3]) / std[k % 3]);

  it('loads, reports meta, and predicts relu(x_model)·W + b', async () => {
    const dir = await writeGraphModel(W, B);
    const model = await loadTfjsModel({ path: dir, layout: 'NHWC', pixelRange: [0, 255], mean, std, outputs: 'logits' });
    try {
      expect(model.meta.format).toBe('tfjs-graph');
      expect(model.meta.inputName).toBe('x');
      expect(model.meta.outputName).toBe('logits');
      expect(model.meta.sampleShape).toEqual([2, 2, 3]);
      expect(model.meta.fixedBatch).toBeNull();
      expect(model.meta.numClasses).toBe(3);
      expect(model.meta.outputKindSource).toBe('declared');
      const h = createHash('sha256');
      h.update(readFileSync(path.join(dir, 'model.json')));
      h.update(readFileSync(path.join(dir, 'group1-shard1of1.bin')));
      expect(model.meta.sha256).toBe(h.digest('hex'));

      const ref = new Float64Array(n * 3);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 3; j++) {
          let s = B[j];
          for (let k = 0; k < 12; k++) s += Math.max(0, xm[i * 12 + k]) * W[k * 3 + j];
          ref[i * 3 + j] = s;
        }
      }
      expect(maxRelErr(await model.predict({ data: x, shape: [n, 2, 2, 3] }), ref)).toBeLessThan(1e-6);

      // d(u·z)/dx = [x_model > 0] · (W u) · 255/std[c] — the chain rule through the normalisation.
      const u = Float32Array.from({ length: n * 3 }, (_, i) => Math.sin(2.3 * i));
      const r = await model.gradient({ data: x, shape: [n, 2, 2, 3] }, { loss: 'cotangent', cotangent: u });
      const gref = new Float64Array(n * 12);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 12; k++) {
          if (xm[i * 12 + k] <= 0) continue;
          let s = 0;
          for (let j = 0; j < 3; j++) s += W[k * 3 + j] * u[i * 3 + j];
          gref[i * 12 + k] = (s * 255) / std[k % 3];
        }
      }
      expect(xm.some((v) => v <= 0) && xm.some((v) => v > 0)).toBe(true); // both ReLU branches exercised
      expect(maxRelErr(r.grad, gref)).toBeLessThan(1e-6);
      expect(maxRelErr(r.logits, ref)).toBeLessThan(1e-6);
    } finally {
      await model.dispose();
    }
  });
});

describe('graph-model with control flow', () => {
  it('predicts through executeAsync and reports gradientMode none with an actionable error', async () => {
    const W = weights(36, 0.3);
    const B = weights(3, 2.1);
    const plain = await loadTfjsModel({ path: await writeGraphModel(W, B), layout: 'NHWC', pixelRange: [0, 1], outputs: 'logits' });
    const cond = await loadTfjsModel({ path: await writeGraphModel(W, B, true), layout: 'NHWC', pixelRange: [0, 1], outputs: 'logits' });
    try {
      expect(plain.gradientMode).toBe('exact');
      expect(cond.gradientMode).toBe('none');
      expect(cond.meta.numClasses).toBe(3);
      const x = { data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), shape: [2, 2, 2, 3] };
      const before = tf.memory().numTensors;
      expect(Array.from(await cond.predict(x))).toEqual(Array.from(await plain.predict(x)));
      expect(tf.memory().numTensors).toBe(before);
      await expect(cond.gradient(x, { loss: 'ce', labels: Int32Array.from([0, 1]) })).rejects.toThrow(/executeAsync.*cannot differentiate/);
    } finally {
      await plain.dispose();
      await cond.dispose();
    }
  });
});

describe('probability outputs', () => {
  const K = weights(12, 0.5); // [4, 3]
  const Bv = weights(3, 1.7);
  const x = Float32Array.from({ length: 8 }, (_, i) => Math.sin(i) * 2);
  const labels = Int32Array.from([2, 0]);
  const probs = (): { p: Float64Array; z: Float64Array } => {
    const z = new Float64Array(6);
    const p = new Float64Array(6);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        z[i * 3 + j] = Bv[j];
        for (let k = 0; k < 4; k++) z[i * 3 + j] += x[i * 4 + k] * K[k * 3 + j];
      }
      const mx = Math.max(z[i * 3], z[i * 3 + 1], z[i * 3 + 2]);
      const e = [0, 1, 2].map((j) => Math.exp(z[i * 3 + j] - mx));
      const s = e[0] + e[1] + e[2];
      e.forEach((v, j) => (p[i * 3 + j] = v / s));
    }
    return { p, z };
  };

  it("detects a softmax model under outputs: 'auto' and takes losses on log-probabilities", async () => {
    const dir = await writeDenseModel({ inputs: 4, units: 3, activation: 'softmax', kernel: K, bias: Bv });
    // gradient() before any predict(): detection happens on the first batch either way.
    const model = await loadTfjsModel({ path: dir, layout: 'NC', pixelRange: [0, 1], outputs: 'auto' });
    try {
      const r = await model.gradient({ data: x, shape: [2, 4] }, { loss: 'ce', labels });
      expect(model.meta.outputKind).toBe('probabilities');
      expect(model.meta.outputKindSource).toBe('detected');
      const { p } = probs();
      expect(maxRelErr(r.logits, p)).toBeLessThan(1e-6);
      for (let i = 0; i < 2; i++) expect(r.loss[i]).toBeCloseTo(-Math.log(p[i * 3 + labels[i]]), 5);
      // d(−log p_y)/dx = K (p − e_y), the softmax-CE gradient with respect to the pre-softmax logits.
      const g = new Float64Array(8);
      for (let i = 0; i < 2; i++) {
        for (let k = 0; k < 4; k++) {
          for (let j = 0; j < 3; j++) g[i * 4 + k] += K[k * 3 + j] * (p[i * 3 + j] - (j === labels[i] ? 1 : 0));
        }
      }
      expect(maxRelErr(r.grad, g)).toBeLessThan(1e-5);
      // Margin on log-probabilities (the ONNX adapter's convention): log p_o − log p_y = z_o − z_y.
      const { z } = probs();
      const m = await model.gradient({ data: x, shape: [2, 4] }, { loss: 'margin', labels });
      for (let i = 0; i < 2; i++) {
        const y = labels[i];
        const o = [0, 1, 2].filter((j) => j !== y).reduce((a, j) => (z[i * 3 + j] > z[i * 3 + a] ? j : a), y === 0 ? 1 : 0);
        expect(m.loss[i]).toBeCloseTo(z[i * 3 + o] - z[i * 3 + y], 5);
        for (let k = 0; k < 4; k++) expect(m.grad[i * 4 + k]).toBeCloseTo(K[k * 3 + o] - K[k * 3 + y], 5);
      }
    } finally {
      await model.dispose();
    }
  });

  it('keeps logits for the twin (rows do not sum to 1)', async () => {
    const model = await loadTfjsModel({ path: TWIN_DIR, layout: 'NCHW', pixelRange: [0, 1], outputs: 'auto' });
    await model.predict({ data: new Float32Array(2 * 784).fill(0.5), shape: [2, 1, 28, 28] });
    expect(model.meta.outputKind).toBe('logits');
    await model.dispose();
  });
});

describe('fixed batch size', () => {
  const K = weights(10, 0.9); // [5, 2]
  const Bv = weights(2, 0.1);
  it('pads the last chunk and returns only the real rows', async () => {
    const dir = await writeDenseModel({ inputs: 5, units: 2, fixedBatch: 4, kernel: K, bias: Bv });
    const model = await loadTfjsModel({ path: dir, layout: 'NC', pixelRange: [0, 1], outputs: 'logits', batchSize: 100 });
    try {
      expect(model.meta.fixedBatch).toBe(4);
      const n = 6;
      const x = Float32Array.from({ length: n * 5 }, (_, i) => Math.cos(1.1 * i));
      const ref = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) for (let j = 0; j < 2; j++) {
        ref[i * 2 + j] = Bv[j];
        for (let k = 0; k < 5; k++) ref[i * 2 + j] += x[i * 5 + k] * K[k * 2 + j];
      }
      const before = tf.memory().numTensors;
      const out = await model.predict({ data: x, shape: [n, 5] });
      expect(out.length).toBe(n * 2);
      expect(maxRelErr(out, ref)).toBeLessThan(1e-6);
      const u = Float32Array.from({ length: n * 2 }, (_, i) => i - 5);
      const r = await model.gradient({ data: x, shape: [n, 5] }, { loss: 'cotangent', cotangent: u });
      const g = Float64Array.from({ length: n * 5 }, (_, t) => {
        const i = Math.floor(t / 5);
        const k = t % 5;
        return K[k * 2] * u[i * 2] + K[k * 2 + 1] * u[i * 2 + 1];
      });
      expect(maxRelErr(r.grad, g)).toBeLessThan(1e-6);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await model.dispose();
    }
  });
});

describe('input shape from the config', () => {
  it('accepts input_size without channels when the model declares them, and rejects a wrong layout', async () => {
    const ok = await loadTfjsModel({ path: TWIN_DIR, layout: 'NCHW', inputSize: [28, 28], pixelRange: [0, 1], outputs: 'auto' });
    expect(ok.meta.sampleShape).toEqual([1, 28, 28]);
    await ok.dispose();
    await expect(loadTfjsModel({ path: TWIN_DIR, layout: 'NHWC', inputSize: [28, 28], pixelRange: [0, 1], outputs: 'auto' })).rejects.toThrow(/expects per-sample input \[1, 28, 28\].*gives \[28, 28, 3\].*channels 3 by default/);
  });
});

describe('errors a user can act on', () => {
  it('names the format conflict', async () => {
    await expect(loadTfjsModel({ path: TWIN_DIR, format: 'tfjs-graph', layout: 'NCHW', pixelRange: [0, 1], outputs: 'auto' })).rejects.toThrow(/layers-model but model.format says tfjs-graph/);
  });
  it('names a missing weight shard', async () => {
    const dir = await writeDenseModel({ inputs: 2, units: 2, kernel: weights(4, 0), bias: weights(2, 1) });
    await fs.rm(path.join(dir, 'weights.bin'));
    await expect(loadTfjsModel({ path: dir, layout: 'NC', pixelRange: [0, 1], outputs: 'auto' })).rejects.toThrow(/weights\.bin.*cannot be read/);
  });
  it('names a missing model.json', async () => {
    await expect(loadTfjsModel({ path: '/nonexistent/model.json', layout: 'NC', pixelRange: [0, 1], outputs: 'auto' })).rejects.toThrow(/cannot read TF.js model file/);
  });
  it('rejects class names that do not match the outputs', async () => {
    await expect(loadTfjsModel({ path: TWIN_DIR, layout: 'NCHW', pixelRange: [0, 1], outputs: 'auto', classNames: ['a', 'b'] })).rejects.toThrow(/2 names but .* has 10 outputs/);
  });
  it('rejects labels out of range before running the model', async () => {
    const model = await loadTfjsModel({ path: TWIN_DIR, layout: 'NCHW', pixelRange: [0, 1], outputs: 'auto' });
    await expect(model.gradient({ data: new Float32Array(784), shape: [1, 1, 28, 28] }, { loss: 'ce', labels: Int32Array.from([10]) })).rejects.toThrow(/labels\[0\] = 10/);
    await model.dispose();
  });
});
