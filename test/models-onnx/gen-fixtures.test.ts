import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { GENERATED_MODELS } from '../../fixtures/build-onnx-fixtures.js';
import { evaluateLoss } from '../../src/models/losses.js';
import { inspectOnnx, loadOnnxModel, type OnnxModel } from '../../src/models/onnx.js';
import type { LossSpec, ModelSpec } from '../../src/models/types.js';
import { Rng } from '../../src/random.js';
import type { Batch } from '../../src/tensor.js';
import { fixture } from './fmnist-fixtures.js';

test('committed fixtures/models/gen/*.onnx are exactly what fixtures/build-onnx-fixtures.ts builds', () => {
  let total = 0;
  for (const [name, build] of Object.entries(GENERATED_MODELS)) {
    const committed = readFileSync(fixture(`models/gen/${name}`));
    expect(Buffer.from(build()).equals(committed), name).toBe(true);
    total += committed.length;
  }
  expect(total).toBeLessThan(2 * 1024 * 1024);
});

/**
 * Central differences of the summed loss in pixel space (through model.predict) at the `k`
 * coordinates with the largest |exact gradient|, plus `dirs` random directions; returns the worst
 * error relative to max |grad|. float32 forward passes make a single step size unreliable on deep
 * ReLU nets (rounding noise for small h, a crossed ReLU/max-pool kink for large h), so each
 * coordinate takes the best of three step sizes: a wrong rule is off at every step size. On the
 * deep image models the worst coordinate still carries ~1e-2 of float32 noise, so those tests
 * bound the median tightly and the worst loosely (each rule alone is checked in float64 in
 * test/autodiff).
 */
async function fdCheck(model: OnnxModel, x: Batch, spec: LossSpec, h: number, k = 24, dirs = 4): Promise<{ worst: number; median: number }> {
  const C = model.meta.numClasses;
  const { grad } = await model.gradient(x, spec);
  const lossAt = async (data: Float32Array): Promise<number> => {
    const out = await model.predict({ data, shape: x.shape });
    return evaluateLoss(spec, out, C).loss.reduce((a, b) => a + b, 0);
  };
  const steps = [3 * h, h, h / 3];
  let gmax = 0;
  for (const g of grad) gmax = Math.max(gmax, Math.abs(g));
  const order = Array.from(grad.keys()).sort((a, b) => Math.abs(grad[b]) - Math.abs(grad[a]));
  const errs: number[] = [];
  for (const i of order.slice(0, k)) {
    let best = Infinity;
    for (const s0 of steps) {
      const s = s0 * Math.max(1, Math.abs(x.data[i]) / 100); // raw tabular features (years) need a proportional step
      const xp = x.data.slice();
      xp[i] += s;
      const up = await lossAt(xp);
      xp[i] = x.data[i] - s;
      const dn = await lossAt(xp);
      best = Math.min(best, Math.abs((up - dn) / (2 * s) - grad[i]) / gmax);
    }
    errs.push(best);
  }
  const rng = new Rng(3);
  for (let d = 0; d < dirs; d++) {
    // A unit direction, so its steps move x as far as the coordinate steps do.
    const v = rng.fillNormal(new Float32Array(x.data.length)) as Float32Array;
    const norm = Math.hypot(...v);
    let dot = 0;
    for (let i = 0; i < v.length; i++) {
      v[i] /= norm;
      dot += grad[i] * v[i];
    }
    let best = Infinity;
    for (const s of steps) {
      const xs = (sign: number): Float32Array => x.data.map((xi, i) => xi + sign * s * v[i]);
      const fd = ((await lossAt(xs(1))) - (await lossAt(xs(-1)))) / (2 * s);
      best = Math.min(best, Math.abs(fd - dot) / gmax);
    }
    errs.push(best);
  }
  errs.sort((a, b) => a - b);
  const worst = errs[errs.length - 1];
  const median = errs[Math.floor(errs.length / 2)];
  console.log(`finite differences vs exact: median error ${median.toExponential(2)}, worst ${worst.toExponential(2)} of max|grad|`);
  return { worst, median };
}

const image = (seed: number, n: number, shape: number[]): Batch => {
  const size = n * shape.reduce((a, b) => a * b, 1);
  return { data: new Rng(seed).fillUniform(new Float32Array(size)) as Float32Array, shape: [n, ...shape] };
};

const base = { pixelRange: [0, 1] as [number, number], outputs: 'logits' as const, threads: 1 };

describe('end-to-end exact gradients on exporter-style models', () => {
  test('ResNet-style (BN, residual Add, overlapping MaxPool, GAP) with mean/std in [0,255]', async () => {
    const spec: ModelSpec = { ...base, path: fixture('models/gen/resnet_style.onnx'), layout: 'NCHW', pixelRange: [0, 255], mean: [125, 120, 110], std: [60, 62, 65] };
    const model = await loadOnnxModel(spec);
    expect(model.gradientMode).toBe('exact');
    const x = image(1, 2, [3, 32, 32]);
    const logits = await model.predict(x);
    const labels = Int32Array.from([1, 7]);
    const fd = await fdCheck(model, x, { loss: 'ce', labels }, 1e-3);
    // float32 noise gives a median of ~2e-3 here; a 5% error in one BN channel's factor gives 1.3e-2.
    expect(fd.median).toBeLessThan(4e-3);
    expect(fd.worst).toBeLessThan(3e-2);
    // Every loss head equals the cotangent path seeded with the JS reference d loss/d logits.
    const targets = Int32Array.from([4, 2]);
    for (const spec2 of [
      { loss: 'margin', labels },
      { loss: 'dlr', labels },
      { loss: 'dlr_targeted', labels, targets },
      { loss: 'targeted_ce', targets },
    ] as LossSpec[]) {
      const ref = evaluateLoss(spec2, logits, 10);
      const a = await model.gradient(x, spec2);
      const b = await model.gradient(x, { loss: 'cotangent', cotangent: Float32Array.from(ref.dLogits) });
      let num = 0;
      let den = 0;
      for (let i = 0; i < a.grad.length; i++) {
        num = Math.max(num, Math.abs(a.grad[i] - b.grad[i]));
        den = Math.max(den, Math.abs(b.grad[i]));
      }
      expect(num / den, spec2.loss).toBeLessThan(1e-4);
      for (let i = 0; i < 2; i++) expect(a.loss[i]).toBeCloseTo(ref.loss[i], 4);
    }
    await model.dispose();
  });

  test('MobileNet-style (depthwise, HardSwish, Clip, squeeze-excite)', async () => {
    const model = await loadOnnxModel({ ...base, path: fixture('models/gen/mobilenet_style.onnx'), layout: 'NCHW' });
    expect(model.gradientMode).toBe('exact');
    const fd = await fdCheck(model, image(2, 2, [3, 32, 32]), { loss: 'ce', labels: Int32Array.from([3, 9]) }, 1e-3);
    expect(fd.median).toBeLessThan(2e-3);
    expect(fd.worst).toBeLessThan(3e-2);
    await model.dispose();
  });

  test('MLP (Sub/Mul standardisation, MatMul+Add, ReLU)', async () => {
    const model = await loadOnnxModel({ ...base, path: fixture('models/gen/mlp.onnx'), layout: 'NC' });
    expect(model.gradientMode).toBe('exact');
    const x = { data: new Rng(4).fillNormal(new Float32Array(5 * 7), 0, 3) as Float32Array, shape: [5, 7] };
    const fd = await fdCheck(model, x, { loss: 'ce', labels: Int32Array.from([0, 1, 1, 0, 1]) }, 1e-2, 35, 2);
    expect(fd.worst).toBeLessThan(2e-3);
    await model.dispose();
  });

  test('arrests_mlp.onnx (the golden tabular model)', async () => {
    const model = await loadOnnxModel({ ...base, path: fixture('models/arrests_mlp.onnx'), layout: 'NC' });
    expect(model.gradientMode).toBe('exact');
    const all = readFileSync(fixture('data/arrests_features_f32.bin'));
    const feats = new Float32Array(all.buffer.slice(all.byteOffset, all.byteOffset + 4 * 7 * 4));
    const fd = await fdCheck(model, { data: feats, shape: [4, 7] }, { loss: 'ce', labels: Int32Array.from([1, 0, 1, 1]) }, 1e-2, 28, 2);
    expect(fd.worst).toBeLessThan(2e-3);
    await model.dispose();
  });

  test('NHWC input with a Softmax output: outputs auto → probabilities, CE through the Softmax input', async () => {
    const model = await loadOnnxModel({ ...base, path: fixture('models/gen/nhwc_softmax.onnx'), layout: 'NHWC', outputs: 'auto', mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] });
    const x = image(5, 3, [16, 16, 3]);
    const labels = Int32Array.from([0, 2, 4]);
    // gradient() before any predict() must still detect the probabilities first.
    const res = await model.gradient(x, { loss: 'ce', labels });
    expect(model.meta.outputKind).toBe('probabilities');
    expect(model.meta.outputKindSource).toBe('detected');
    const p = await model.predict(x);
    // CE of a probability model is −log p_y.
    for (let i = 0; i < 3; i++) expect(res.loss[i]).toBeCloseTo(-Math.log(p[i * 5 + labels[i]]), 4);
    // FD of −log p_y in pixel space.
    const lossAt = async (d: Float32Array): Promise<number> => {
      const q = await model.predict({ data: d, shape: x.shape });
      let s = 0;
      for (let i = 0; i < 3; i++) s -= Math.log(q[i * 5 + labels[i]]);
      return s;
    };
    let gmax = 0;
    for (const g of res.grad) gmax = Math.max(gmax, Math.abs(g));
    const order = Array.from(res.grad.keys()).sort((a, b) => Math.abs(res.grad[b]) - Math.abs(res.grad[a]));
    for (const i of order.slice(0, 12)) {
      const xp = x.data.slice();
      xp[i] += 1e-3;
      const up = await lossAt(xp);
      xp[i] -= 2e-3;
      const dn = await lossAt(xp);
      expect(Math.abs((up - dn) / 2e-3 - res.grad[i]) / gmax).toBeLessThan(5e-3);
    }
    await model.dispose();
  });
});

describe('inspectOnnx on the generated models', () => {
  test('resnet_style: op histogram, parameter count, exact gradients', async () => {
    const info = await inspectOnnx(fixture('models/gen/resnet_style.onnx'));
    expect(info.opHistogram).toMatchObject({ Conv: 6, BatchNormalization: 6, Add: 2, MaxPool: 1, GlobalAveragePool: 1, Gemm: 1 });
    // convs 432 + 2304·2 + 4608 + 9216 + 512, BN 4·(16·3 + 32·3), fc 320 + 10
    expect(info.parameterCount).toBe(432 + 2304 * 2 + 4608 + 9216 + 512 + 4 * (16 * 3 + 32 * 3) + 330);
    expect(info.exactGradients).toBe(true);
    expect(info.unsupportedOps).toEqual([]);
    expect(info.opset).toBe(13);
  });
});
