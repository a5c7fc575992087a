import { describe, expect, test } from 'vitest';
import { gradCheck, tolerance } from './gradcheck.js';
import { unaryCase, type Case } from './cases.js';

const cases: Case[] = [
  unaryCase('MaxPool 2×2 stride 2', [2, 6, 6], (b, x) => b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] })),
  unaryCase('MaxPool 3×3 stride 2 pad 1, overlapping, opset 13 (grouped scatters)', [2, 7, 7], (b, x) =>
    b.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  ),
  {
    ...unaryCase('MaxPool 3×3 stride 1, opset 16 (scatter-add)', [1, 5, 5], (b, x) => b.op('MaxPool', [x], { kernel_shape: [3, 3] })),
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
