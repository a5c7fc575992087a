/**
 * MaxPool / GlobalMaxPool gradients on tie-heavy inputs: every window's cotangent must go to its
 * FIRST maximum in scan order (PyTorch and onnxruntime's Indices), including all-equal windows,
 * and rows/columns no window reaches (odd sizes) must get exactly zero.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../../src/random.js';
import { gradCheck } from './gradcheck.js';

/** First-maximum max-pool backward in plain JS (no padding, no dilation, floor mode). */
function reference(x: Float64Array, planes: number, H: number, W: number, k: number, s: number, cot: Float64Array): Float64Array {
  const Ho = Math.floor((H - k) / s) + 1;
  const Wo = Math.floor((W - k) / s) + 1;
  const g = new Float64Array(x.length);
  for (let p = 0; p < planes; p++)
    for (let oh = 0; oh < Ho; oh++)
      for (let ow = 0; ow < Wo; ow++) {
        let best = -1;
        let bv = -Infinity;
        for (let a = 0; a < k; a++)
          for (let b = 0; b < k; b++) {
            const i = p * H * W + (oh * s + a) * W + ow * s + b;
            if (x[i] > bv) [bv, best] = [x[i], i];
          }
        g[best] += cot[p * Ho * Wo + oh * Wo + ow];
      }
  return g;
}

describe('MaxPool ties go to the first maximum of each window', () => {
  const cases: [string, number, number, number, number, number][] = [
    // name, channels, H, W, kernel, stride
    ['2×2/2, even size', 2, 6, 6, 2, 2],
    ['2×2/2, odd size (leftover row and column)', 2, 7, 9, 2, 2],
    ['3×3/3', 1, 9, 9, 3, 3],
    ['3×3/3, leftover rows', 2, 11, 10, 3, 3],
    ['3×3/2, overlapping', 1, 9, 9, 3, 2],
  ];
  for (const [name, C, H, W, k, s] of cases) {
    test(name, async () => {
      const rng = new Rng(H * 31 + W * 7 + k);
      const levels = [-1, 0, 0, 0.5, 1];
      const n = 2;
      const x = Float64Array.from({ length: n * C * H * W }, () => levels[rng.int(levels.length)]);
      // One all-equal window per plane, the top-left one.
      for (let p = 0; p < n * C; p++) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) x[p * H * W + a * W + b] = 0.5;
      const r = await gradCheck(
        (bld) => bld.finish(bld.op('MaxPool', [bld.input('x', ['N', C, H, W])], { kernel_shape: [k, k], strides: [s, s] }), 'y'),
        13,
        { sampleShape: [C, H, W], x, skipFiniteDifferences: true },
      );
      const ref = reference(x, n * C, H, W, k, s, r.cotangent);
      expect(Array.from(r.grad, (g) => g !== 0)).toEqual(Array.from(ref, (g) => g !== 0));
      for (let i = 0; i < ref.length; i++) expect(Math.abs(r.grad[i] - ref[i])).toBeLessThan(1e-6);
      // The all-equal window sends everything to its first element.
      for (let p = 0; p < n * C; p++) {
        expect(r.grad[p * H * W]).not.toBe(0);
        for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) if (a + b > 0 && (s >= k || (a < s && b < s))) expect(r.grad[p * H * W + a * W + b]).toBe(0);
      }
      // Rows / columns past the last window get nothing.
      const usedH = (Math.floor((H - k) / s) + 1 - 1) * s + k;
      const usedW = (Math.floor((W - k) / s) + 1 - 1) * s + k;
      for (let p = 0; p < n * C; p++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++) if (h >= usedH || w >= usedW) expect(r.grad[p * H * W + h * W + w]).toBe(0);
    });
  }

  test('GlobalMaxPool: all-equal plane and repeated maxima', async () => {
    const H = 3;
    const W = 4;
    const x = new Float64Array(2 * 2 * H * W).fill(0);
    // plane 0 all zero; plane 1 max 1 at positions 5 and 9; plane 2 max at the last element only; plane 3 ties at 0 and 11.
    x.fill(0, 0, 12);
    x[12 + 5] = 1;
    x[12 + 9] = 1;
    x[24 + 11] = 2;
    x[36] = 3;
    x[36 + 11] = 3;
    const r = await gradCheck((bld) => bld.finish(bld.op('GlobalMaxPool', [bld.input('x', ['N', 2, H, W])]), 'y'), 13, {
      sampleShape: [2, H, W],
      x,
      skipFiniteDifferences: true,
    });
    const nonzero = Array.from(r.grad, (g, i) => (g !== 0 ? i : -1)).filter((i) => i >= 0);
    expect(nonzero).toEqual([0, 12 + 5, 24 + 11, 36]);
  });
});
