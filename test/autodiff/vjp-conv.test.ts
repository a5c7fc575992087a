import { describe, expect, test } from 'vitest';
import { gradCheck, tolerance } from './gradcheck.js';
import { unaryCase, w, type Case } from './cases.js';

const cases: Case[] = [
  unaryCase('Conv 3×3 pad 1', [2, 6, 6], (b, x) => b.op('Conv', [x, w(b, [3, 2, 3, 3]), w(b, [3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })),
  unaryCase('Conv stride 2 on odd input (output_padding)', [2, 7, 7], (b, x) => b.op('Conv', [x, w(b, [3, 2, 3, 3])], { strides: [2, 2], pads: [1, 1, 1, 1] })),
  unaryCase('Conv stride 2, no pad, even input (rows never read)', [1, 8, 8], (b, x) => b.op('Conv', [x, w(b, [2, 1, 3, 3])], { strides: [2, 2] })),
  unaryCase('Conv dilation 2', [2, 8, 8], (b, x) => b.op('Conv', [x, w(b, [2, 2, 3, 3])], { dilations: [2, 2], pads: [2, 2, 2, 2] })),
  unaryCase('Conv groups 2', [4, 5, 5], (b, x) => b.op('Conv', [x, w(b, [6, 2, 3, 3])], { group: 2, pads: [1, 1, 1, 1] })),
  unaryCase('Conv depthwise ×2 multiplier, stride 2', [3, 6, 6], (b, x) => b.op('Conv', [x, w(b, [6, 1, 3, 3])], { group: 3, pads: [1, 1, 1, 1], strides: [2, 2] })),
  unaryCase('Conv asymmetric pads', [2, 5, 6], (b, x) => b.op('Conv', [x, w(b, [2, 2, 2, 3])], { pads: [0, 1, 1, 0] })),
  unaryCase('Conv auto_pad SAME_UPPER stride 2', [2, 7, 6], (b, x) => b.op('Conv', [x, w(b, [2, 2, 3, 3])], { auto_pad: 'SAME_UPPER', strides: [2, 2] })),
  unaryCase('Conv auto_pad SAME_LOWER', [1, 6, 6], (b, x) => b.op('Conv', [x, w(b, [2, 1, 4, 4])], { auto_pad: 'SAME_LOWER' })),
  unaryCase('Conv auto_pad VALID stride 3', [1, 8, 8], (b, x) => b.op('Conv', [x, w(b, [2, 1, 2, 2])], { auto_pad: 'VALID', strides: [3, 3] })),
  unaryCase('Conv 1-D', [2, 9], (b, x) => b.op('Conv', [x, w(b, [3, 2, 3])], { pads: [1, 0], strides: [2] })),
  unaryCase('Conv 1×1 (pointwise)', [3, 4, 4], (b, x) => b.op('Conv', [x, w(b, [2, 3, 1, 1])])),
  unaryCase('ConvTranspose stride 2 pads 1 output_padding 1', [2, 4, 4], (b, x) =>
    b.op('ConvTranspose', [x, w(b, [2, 3, 3, 3])], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }),
  ),
  unaryCase('ConvTranspose groups 2, dilation 2', [4, 3, 3], (b, x) => b.op('ConvTranspose', [x, w(b, [4, 1, 3, 3])], { group: 2, dilations: [2, 2] })),
];

describe('Conv / ConvTranspose VJPs match finite differences', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const r = await gradCheck(c.build, c.opset ?? 13, { sampleShape: c.sampleShape, range: c.range });
      expect(r.rel, `${r.floatType}: max err ${r.maxAbsErr} vs max grad ${r.maxAbsGrad}`).toBeLessThanOrEqual(tolerance(r));
      expect(r.maxAbsGrad).toBeGreaterThan(0);
    });
  }
});
