import { describe, expect, it } from 'vitest';
import { gradToPixelSpace, pixelTransform, toModelSpace } from '../../src/models/onnx-pixels.js';
import type { ModelSpec } from '../../src/models/types.js';

/** The channel of element i of a batch, by index arithmetic on the layout (independent of the code under test). */
function channelOf(i: number, layout: 'NCHW' | 'NHWC' | 'NC', sampleShape: number[]): number {
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const j = i % per;
  if (layout === 'NCHW') return Math.floor(j / (sampleShape[1] * sampleShape[2]));
  return j % sampleShape[sampleShape.length - 1];
}

const cases: { layout: 'NCHW' | 'NHWC' | 'NC'; shape: number[]; mean: number[]; std: number[]; range?: [number, number] }[] = [
  { layout: 'NCHW', shape: [3, 5, 7], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  { layout: 'NCHW', shape: [3, 4, 4], mean: [123.7, 116.3, 103.5], std: [58.4, 57.1, 57.4], range: [0, 255] },
  { layout: 'NHWC', shape: [5, 7, 3], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  { layout: 'NCHW', shape: [1, 6, 5], mean: [0.5], std: [0.25] },
  { layout: 'NC', shape: [6], mean: [1, 2, 3, 4, 5, 6], std: [2, 3, 2, 5, 2, 7] },
];

describe('pixel ↔ model space (x_model = (x · pixelScale − mean[c]) / std[c])', () => {
  for (const c of cases) {
    it(`${c.layout} [${c.shape.join(', ')}]: every element uses its own channel's scale and offset, both ways`, () => {
      const spec = { layout: c.layout, mean: c.mean, std: c.std, pixelRange: c.range } as unknown as ModelSpec;
      const t = pixelTransform(spec, c.shape);
      expect(t.identity).toBe(false);
      const n = 3 * c.shape.reduce((a, b) => a * b, 1);
      const x = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000);
      const before = x.slice();
      const pixelScale = c.layout === 'NC' ? 1 : (c.range?.[1] ?? 1);
      const model = toModelSpace(t, x, c.shape);
      const g = Float32Array.from({ length: n }, (_, i) => ((i * 104729) % 997) / 997 - 0.5);
      const grad = gradToPixelSpace(t, g.slice(), c.shape);
      for (let i = 0; i < n; i++) {
        const ch = channelOf(i, c.layout, c.shape);
        const m = c.mean.length === 1 ? c.mean[0] : c.mean[ch];
        const s = c.std.length === 1 ? c.std[0] : c.std[ch];
        expect(model[i]).toBeCloseTo((x[i] * pixelScale - m) / s, 4);
        expect(grad[i]).toBeCloseTo((g[i] * pixelScale) / s, 4);
      }
      expect(x).toEqual(before); // the pixel batch is not modified
    });
  }
});
