import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { ModelBuilder } from '../../src/autodiff/model-builder.js';
import { DataType } from '../../src/autodiff/onnx-proto.js';
import { buildGradientGraph, GRAD_OUTPUTS } from '../../src/autodiff/reverse.js';
import { probeShapes } from '../../src/autodiff/shape-probe.js';
import { evaluateLoss, lossFeeds } from '../../src/models/losses.js';
import type { LossSpec } from '../../src/models/types.js';
import { Rng } from '../../src/random.js';

const N = 6;
const C = 7;
const rng = new Rng(7);
const z = rng.fillUniform(new Float64Array(N * C), -3, 3) as Float64Array;
const labels = Int32Array.from({ length: N }, () => rng.int(C));
const targets = Int32Array.from(labels, (y) => (y + 1 + rng.int(C - 1)) % C);
const cotangent = rng.fillUniform(new Float32Array(N * C), -1, 1) as Float32Array;

const specs: LossSpec[] = [
  { loss: 'ce', labels },
  { loss: 'targeted_ce', targets },
  { loss: 'margin', labels },
  { loss: 'dlr', labels },
  { loss: 'dlr_targeted', labels, targets },
  { loss: 'cotangent', cotangent },
];

describe('plain-JS loss reference: d loss/d logits matches central differences', () => {
  for (const spec of specs) {
    test(spec.loss, () => {
      const { loss, dLogits } = evaluateLoss(spec, z, C);
      const h = 1e-6;
      for (let k = 0; k < z.length; k++) {
        const zp = Float64Array.from(z);
        zp[k] += h;
        const up = evaluateLoss(spec, zp, C).loss;
        zp[k] -= 2 * h;
        const dn = evaluateLoss(spec, zp, C).loss;
        const i = Math.floor(k / C);
        expect(Math.abs((up[i] - dn[i]) / (2 * h) - dLogits[k])).toBeLessThan(1e-6);
      }
      expect(loss.every(Number.isFinite)).toBe(true);
    });
  }
});

describe('ONNX loss head equals the plain-JS reference (float64)', () => {
  for (const spec of specs) {
    test(spec.loss, async () => {
      const b = new ModelBuilder(13, DataType.DOUBLE);
      b.finish(b.op('Identity', [b.input('x', ['N', C])]), 'y');
      const proto = b.proto();
      const shapes = await probeShapes(proto, 'x', 'float64', [C], null);
      const g = buildGradientGraph(proto, { inputName: 'x', outputName: 'y', loss: spec.loss, numClasses: C, shapes });
      const s = await ort.InferenceSession.create(g.bytes);
      const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float64', z, [N, C]) };
      lossFeeds(spec, N, C).forEach((v, i) => (feeds[g.feeds[i]] = new ort.Tensor('float64', Float64Array.from(v), [N, C])));
      const out = await s.run(feeds);
      const ref = evaluateLoss(spec, z, C);
      const loss = out[GRAD_OUTPUTS.loss].data as Float64Array;
      const grad = out[GRAD_OUTPUTS.grad].data as Float64Array;
      for (let i = 0; i < N; i++) expect(Math.abs(loss[i] - ref.loss[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(ref.loss[i])));
      for (let k = 0; k < N * C; k++) expect(Math.abs(grad[k] - ref.dLogits[k])).toBeLessThan(1e-12);
      await s.release();
    });
  }
});

test('loss feeds reject labels outside the class range', () => {
  expect(() => lossFeeds({ loss: 'ce', labels: Int32Array.from([0, 7]) }, 2, 7)).toThrow(/labels\[1\] = 7/);
});
