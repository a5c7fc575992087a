import { describe, expect, test } from 'vitest';
import { Rng } from '../../src/random.js';
import { gradCheck, tolerance } from './gradcheck.js';
import { unaryCase, type Case } from './cases.js';

const cases: Case[] = [
  unaryCase('MaxPool 2×2 stride 2', [2, 6, 6], (b, x) => b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] })),
  unaryCase('MaxPool 3×3 stride 2 pad 1, overlapping (scatter-add, opset raised to 16)', [2, 7, 7], (b, x) =>
    b.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  ),
  {
    ...unaryCase('MaxPool 3×3 stride 2 pad 1, overlapping, opset 11 (grouped unpools)', [2, 7, 7], (b, x) =>
      b.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
    ),
    opset: 11,
  },
  {
    ...unaryCase('MaxPool 3×3 stride 1, opset 16', [1, 5, 5], (b, x) => b.op('MaxPool', [x], { kernel_shape: [3, 3] })),
    opset: 16,
  },
  unaryCase('MaxPool ceil_mode 1', [1, 7, 7], (b, x) => b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 })),
  unaryCase('MaxPool dilation 2', [1, 7, 7], (b, x) => b.op('MaxPool', [x], { kernel_shape: [2, 2], dilations: [2, 2] })),
  unaryCase('MaxPool SAME_UPPER', [2, 5, 5], (b, x) => b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' })),
  unaryCase('MaxPool 1-D', [2, 9], (b, x) => b.op('MaxPool', [x], { kernel_shape: [3], strides: [2] })),
  unaryCase('AveragePool 2×2 stride 2', [2, 6, 6], (b, x) => b.op('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] })),
  unaryCase('AveragePool 3×3 pad 1 count_include_pad 0', [2, 5, 5], (b, x) => b.op('AveragePool', [x], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })),
  unaryCase('AveragePool 3×3 stride 2 pad 1 count_include_pad 1', [1, 7, 7], (b, x) =>
    b.op('AveragePool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }),
  ),
  unaryCase('AveragePool asymmetric pads, stride 3', [1, 8, 8], (b, x) => b.op('AveragePool', [x], { kernel_shape: [2, 3], strides: [3, 3], pads: [0, 1, 1, 0] })),
  unaryCase('GlobalAveragePool', [3, 4, 5], (b, x) => b.op('GlobalAveragePool', [x])),
  unaryCase('GlobalMaxPool', [3, 4, 5], (b, x) => b.op('GlobalMaxPool', [x])),
];

describe('pooling VJPs match finite differences', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const r = await gradCheck(c.build, c.opset ?? 13, { sampleShape: c.sampleShape, range: c.range ?? [-4, 4], distinct: true });
      expect(r.rel, `${r.floatType}: max err ${r.maxAbsErr} vs max grad ${r.maxAbsGrad}`).toBeLessThanOrEqual(tolerance(r));
      expect(r.maxAbsGrad).toBeGreaterThan(0);
    });
  }
});

test('MaxPool with tied maxima sends the gradient to the first one only (as PyTorch)', async () => {
  // One 2×2 window of equal values: finite differences are undefined there, so check the rule directly.
  const x = new Float64Array([1, 1, 1, 1]);
  const r = await gradCheck((b) => b.finish(b.op('MaxPool', [b.input('x', ['N', 1, 2, 2])], { kernel_shape: [2, 2] }), 'y'), 13, {
    sampleShape: [1, 2, 2],
    batch: 1,
    x,
  });
  expect(Array.from(r.grad).map((g) => g !== 0)).toEqual([true, false, false, false]);
});

/** PyTorch semantics in plain JS: relu → max-pool (first maximum in scan order, −∞ padding) → backward. */
function reluMaxPoolReference(x: Float64Array, n: number, H: number, W: number, k: number, s: number, p: number, cot: Float64Array): Float64Array {
  const Ho = Math.floor((H + 2 * p - k) / s) + 1;
  const Wo = Math.floor((W + 2 * p - k) / s) + 1;
  const g = new Float64Array(x.length);
  for (let b = 0; b < n; b++)
    for (let oh = 0; oh < Ho; oh++)
      for (let ow = 0; ow < Wo; ow++) {
        let best = -1;
        let bv = -Infinity;
        for (let a = 0; a < k; a++)
          for (let c = 0; c < k; c++) {
            const h = oh * s - p + a;
            const w = ow * s - p + c;
            if (h < 0 || w < 0 || h >= H || w >= W) continue;
            const v = Math.max(0, x[b * H * W + h * W + w]);
            if (v > bv) [bv, best] = [v, b * H * W + h * W + w];
          }
        g[best] += cot[b * Ho * Wo + oh * Wo + ow];
      }
  for (let i = 0; i < g.length; i++) if (!(x[i] > 0)) g[i] = 0;
  return g;
}

describe('Relu → MaxPool with many tied values matches PyTorch semantics exactly', () => {
  for (const [k, s, p, opset] of [
    [2, 2, 0, 13],
    [3, 2, 1, 13],
    [3, 2, 1, 11],
    [3, 1, 1, 12],
  ]) {
    test(`kernel ${k}, stride ${s}, pad ${p}, opset ${opset}`, async () => {
      const rng = new Rng(k * 10 + s);
      const levels = [-1, 0, 0.5, 1];
      const x = Float64Array.from({ length: 2 * 36 }, () => levels[rng.int(4)]);
      const r = await gradCheck(
        (b) => b.finish(b.op('MaxPool', [b.op('Relu', [b.input('x', ['N', 1, 6, 6])])], { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p] }), 'y'),
        opset,
        { sampleShape: [1, 6, 6], x, skipFiniteDifferences: true },
      );
      const ref = reluMaxPoolReference(x, 2, 6, 6, k, s, p, r.cotangent);
      // Same receiving elements exactly; values equal up to the float32 rounding of the cotangent.
      expect(Array.from(r.grad, (g) => g !== 0)).toEqual(Array.from(ref, (g) => g !== 0));
      for (let i = 0; i < ref.length; i++) expect(Math.abs(r.grad[i] - ref[i])).toBeLessThan(1e-6);
      expect(ref.filter((g) => g !== 0).length).toBeGreaterThan(4);
    });
  }
});
