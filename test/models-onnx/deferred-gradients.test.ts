import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ModelBuilder } from '../../src/autodiff/model-builder.js';
import { DataType } from '../../src/autodiff/onnx-proto.js';
import { loadOnnxModel } from '../../src/models/onnx.js';
import { Rng } from '../../src/random.js';

const dir = mkdtempSync(join(tmpdir(), 'faultline-defer-'));
const rng = new Rng(3);
const W1 = rng.fillNormal(new Float64Array(5 * 3)) as Float64Array;
const W2 = rng.fillNormal(new Float64Array(4 * 5)) as Float64Array;

/** x [N, 3] → (optional float16 round trip) → Gemm → act → Gemm → [N, 4]. */
function mlp(name: string, act: string, viaHalf = false): string {
  const b = new ModelBuilder(13);
  let x = b.input('x', ['N', 3]);
  if (viaHalf) x = b.op('Cast', [b.op('Cast', [x], { to: DataType.FLOAT16 })], { to: DataType.FLOAT });
  const h = b.op(act, [b.op('Gemm', [x, b.weight('w1', [5, 3], W1)], { transB: 1 })], {}, 'act');
  b.finish(b.op('Gemm', [h, b.weight('w2', [4, 5], W2)], { transB: 1 }), 'out', ['N', 4]);
  const path = join(dir, name);
  writeFileSync(path, b.bytes());
  return path;
}

const spec = (path: string) => ({ path, layout: 'NC' as const, pixelRange: [0, 1] as [number, number], outputs: 'logits' as const, threads: 1 });
const x = { data: new Rng(8).fillNormal(new Float32Array(6 * 3)) as Float32Array, shape: [6, 3] };
const labels = Int32Array.from([0, 1, 2, 3, 0, 1]);

describe('deferred gradient graphs (loadModel with deferGradients)', () => {
  test('give the same gradients, bit for bit, as graphs built at load', async () => {
    const path = mlp('tanh.onnx', 'Tanh');
    const eager = await loadOnnxModel(spec(path));
    const lazy = await loadOnnxModel(spec(path), { deferGradients: true });
    expect(lazy.gradientMode).toBe('exact');
    for (const loss of [{ loss: 'ce' as const, labels }, { loss: 'margin' as const, labels }]) {
      const a = await eager.gradient(x, loss);
      const b = await lazy.gradient(x, loss);
      expect(Array.from(b.grad)).toEqual(Array.from(a.grad));
      expect(Array.from(b.loss)).toEqual(Array.from(a.loss));
      expect(Array.from(b.logits)).toEqual(Array.from(a.logits));
    }
    expect(lazy.gradientMode).toBe('exact');
    await eager.dispose();
    await lazy.dispose();
  });

  test('an op without a rule is estimated from the start, deferred or not', async () => {
    const lazy = await loadOnnxModel(spec(mlp('sin.onnx', 'Sin')), { deferGradients: true });
    expect(lazy.gradientMode).toBe('estimated');
    const g = await lazy.gradient(x, { loss: 'ce', labels });
    expect(g.grad.length).toBe(18);
    await lazy.dispose();
  });

  test('a graph the transform rejects only once built turns estimated at the first gradient call, with a reason', async () => {
    // Every op has a rule, but the float16 value on the path has no float gradient: found only by building.
    const path = mlp('half.onnx', 'Tanh', true);
    const eager = await loadOnnxModel(spec(path));
    expect(eager.gradientMode).toBe('estimated');
    const lazy = await loadOnnxModel(spec(path), { deferGradients: true });
    expect(lazy.gradientMode).toBe('exact');
    const a = await eager.gradient(x, { loss: 'ce', labels });
    const b = await lazy.gradient(x, { loss: 'ce', labels });
    expect(lazy.gradientMode).toBe('estimated');
    // Both estimates start from a fresh NES stream, so they agree exactly.
    expect(Array.from(b.grad)).toEqual(Array.from(a.grad));
    await eager.dispose();
    await lazy.dispose();
  });
});
