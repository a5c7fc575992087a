import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ModelBuilder } from '../../src/autodiff/model-builder.js';
import { evaluateLoss } from '../../src/models/losses.js';
import { inspectOnnx, loadOnnxModel } from '../../src/models/onnx.js';
import { Rng } from '../../src/random.js';

const dir = mkdtempSync(join(tmpdir(), 'faultline-onnx-'));
const rng = new Rng(11);
const W1 = rng.fillNormal(new Float64Array(6 * 3)) as Float64Array;
const W2 = rng.fillNormal(new Float64Array(4 * 6)) as Float64Array;

/** x [batch, 3] → Gemm → act → Gemm → [batch, 4], written to a temp file. */
function tinyModel(name: string, batch: number | string, act: string): string {
  const b = new ModelBuilder(13);
  const x = b.input('x', [batch, 3]);
  const h = b.op(act, [b.op('Gemm', [x, b.weight('w1', [6, 3], W1)], { transB: 1 })], {}, `${act.toLowerCase()}_layer`);
  b.finish(b.op('Gemm', [h, b.weight('w2', [4, 6], W2)], { transB: 1 }), 'out', [batch, 4]);
  const path = join(dir, name);
  writeFileSync(path, b.bytes());
  return path;
}

const spec = (path: string) => ({ path, layout: 'NC' as const, pixelRange: [0, 1] as [number, number], outputs: 'logits' as const, threads: 1 });
const x10 = { data: new Rng(5).fillNormal(new Float32Array(10 * 3)) as Float32Array, shape: [10, 3] };
const y10 = Int32Array.from({ length: 10 }, (_, i) => i % 4);

describe('fixed-batch models', () => {
  test('a model with batch fixed to 4 predicts and differentiates any N by splitting and padding', async () => {
    const fixed = await loadOnnxModel(spec(tinyModel('fixed.onnx', 4, 'Tanh')));
    const dynamic = await loadOnnxModel(spec(tinyModel('dynamic.onnx', 'N', 'Tanh')));
    expect(fixed.meta.fixedBatch).toBe(4);
    expect(dynamic.meta.fixedBatch).toBeNull();
    const a = await fixed.predict(x10);
    const b = await dynamic.predict(x10);
    expect(a.length).toBe(40);
    for (let i = 0; i < 40; i++) expect(a[i]).toBeCloseTo(b[i], 6);
    const ga = await fixed.gradient(x10, { loss: 'ce', labels: y10 });
    const gb = await dynamic.gradient(x10, { loss: 'ce', labels: y10 });
    expect(ga.grad.length).toBe(30);
    expect(ga.loss.length).toBe(10);
    for (let i = 0; i < 30; i++) expect(ga.grad[i]).toBeCloseTo(gb.grad[i], 6);
    for (let i = 0; i < 10; i++) expect(ga.loss[i]).toBeCloseTo(gb.loss[i], 6);
    await fixed.dispose();
    await dynamic.dispose();
  });
});

describe('ops without a VJP rule', () => {
  test('inspectOnnx names the op type and node; the adapter falls back to estimated gradients', async () => {
    const path = tinyModel('sin.onnx', 'N', 'Sin');
    const info = await inspectOnnx(path);
    expect(info.exactGradients).toBe(false);
    expect(info.unsupportedOps).toEqual([{ opType: 'Sin', node: 'sin_layer' }]);
    const model = await loadOnnxModel(spec(path));
    expect(model.gradientMode).toBe('estimated');
    const x = { data: x10.data.slice(0, 6), shape: [2, 3] };
    const labels = y10.slice(0, 2);
    const est = await model.gradient(x, { loss: 'ce', labels });
    // Reference: central differences of the CE through predict (float32, smooth model).
    const h = 1e-2;
    for (let i = 0; i < 2; i++) {
      const fd: number[] = [];
      for (let j = 0; j < 3; j++) {
        const xp = x.data.slice();
        xp[i * 3 + j] += h;
        const up = evaluateLoss({ loss: 'ce', labels }, await model.predict({ data: xp, shape: [2, 3] }), 4).loss[i];
        xp[i * 3 + j] -= 2 * h;
        const dn = evaluateLoss({ loss: 'ce', labels }, await model.predict({ data: xp, shape: [2, 3] }), 4).loss[i];
        fd.push((up - dn) / (2 * h));
      }
      const g = Array.from(est.grad.subarray(i * 3, i * 3 + 3));
      const cos = g.reduce((s, v, k) => s + v * fd[k], 0) / (Math.hypot(...g) * Math.hypot(...fd));
      expect(cos).toBeGreaterThan(0.95);
    }
    // Same seed, same call order → same bytes.
    const again = await loadOnnxModel(spec(path));
    const est2 = await again.gradient(x, { loss: 'ce', labels });
    expect(Array.from(est2.grad)).toEqual(Array.from(est.grad));
    await model.dispose();
    await again.dispose();
  });
});

test('attribute combinations a rule cannot differentiate are reported statically (Slice with steps 2)', async () => {
  const b = new ModelBuilder(13);
  const x = b.input('x', ['N', 6]);
  const sl = b.op('Slice', [x, b.ints('s', [0]), b.ints('e', [6]), b.ints('a', [1]), b.ints('st', [2])], {}, 'every_other');
  b.finish(b.op('Gemm', [sl, b.weight('w', [2, 3], [1, 2, 3, 4, 5, 6])], { transB: 1 }), 'out', ['N', 2]);
  const path = join(dir, 'slice-steps.onnx');
  writeFileSync(path, b.bytes());
  const info = await inspectOnnx(path);
  expect(info.unsupportedOps).toEqual([{ opType: 'Slice', node: 'every_other', reason: 'Slice with steps ≠ 1' }]);
  const model = await loadOnnxModel(spec(path));
  expect(model.gradientMode).toBe('estimated');
  await model.dispose();
});

test('a model with a second required input is rejected with an actionable message', async () => {
  const b = new ModelBuilder(13);
  const x = b.input('x', ['N', 3]);
  const mask = b.input('mask', ['N', 3]);
  b.finish(b.op('Mul', [x, mask]), 'out', ['N', 3]);
  const path = join(dir, 'two-inputs.onnx');
  writeFileSync(path, b.bytes());
  await expect(loadOnnxModel(spec(path))).rejects.toThrow(/needs inputs 'x', 'mask'; faultline feeds exactly one/);
});

test('a probability model whose output is not a bare Softmax: CE through log(p)', async () => {
  const b = new ModelBuilder(13);
  const x = b.input('x', ['N', 3]);
  const p = b.op('Softmax', [b.op('Gemm', [x, b.weight('w1', [4, 3], W2.slice(0, 12))], { transB: 1 })], { axis: 1 });
  b.finish(b.op('Identity', [p]), 'out', ['N', 4]);
  const path = join(dir, 'softmax-identity.onnx');
  writeFileSync(path, b.bytes());
  const model = await loadOnnxModel({ ...spec(path), outputs: 'probabilities' });
  const xs = { data: x10.data.slice(0, 9), shape: [3, 3] };
  const labels = Int32Array.from([0, 3, 1]);
  const res = await model.gradient(xs, { loss: 'ce', labels });
  const probs = await model.predict(xs);
  for (let i = 0; i < 3; i++) expect(res.loss[i]).toBeCloseTo(-Math.log(probs[i * 4 + labels[i]]), 5);
  const h = 1e-2;
  for (let k = 0; k < 9; k++) {
    const i = Math.floor(k / 3);
    const at = async (d: number): Promise<number> => {
      const v = xs.data.slice();
      v[k] += d;
      return -Math.log((await model.predict({ data: v, shape: [3, 3] }))[i * 4 + labels[i]]);
    };
    expect(Math.abs(((await at(h)) - (await at(-h))) / (2 * h) - res.grad[k])).toBeLessThan(2e-3);
  }
  await model.dispose();
});
