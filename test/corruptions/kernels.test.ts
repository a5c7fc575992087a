import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { borderIndex, type BorderMode } from '../../attacks/corruptions/kernels/border.js';
import { boxBlur3F32, boxBlur3U8, distanceTransform5, filter3x3U8 } from '../../attacks/corruptions/kernels/cv-morph.js';
import { gaussianFilter, gaussianWeights } from '../../attacks/corruptions/kernels/gaussian.js';
import { motionBlur } from '../../attacks/corruptions/kernels/motion.js';
import { clippedZoom, zoomBlurSum } from '../../attacks/corruptions/kernels/zoom.js';
import { npArange } from '../../attacks/corruptions/params.js';
import { setWasmKernels, wasmKernels } from '../../attacks/corruptions/wasm/loader.js';
import { Rng } from '../../src/random.js';

/**
 * The hot kernels are unrolled and blocked for speed (several outputs per iteration, taps shared between
 * neighbouring outputs, sliding windows). Each output's arithmetic must stay exactly that of the plain loop
 * — the golden tests depend on bit-exact sums at truncation boundaries — so each kernel is compared here,
 * bit for bit, with the straightforward loop on random data, odd sizes and every channel count in use —
 * both the WebAssembly SIMD kernels (wasm/src/kernels.ts) and the JavaScript ones they fall back to.
 */

function randomPlane(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.nextUint32() % 256 / 255;
  return out;
}

function expectSame(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) diff++;
  expect(diff).toBe(0);
}

/** scipy.ndimage.correlate1d's sum for symmetric weights: w₀x₀ + Σₖ wₖ(x₋ₖ + x₊ₖ), axis 0 then axis 1. */
function naiveGaussian(src: Float64Array | Float32Array, h: number, w: number, c: number, sigma: [number, number], mode: BorderMode, truncate: number) {
  const f32 = src instanceof Float32Array;
  const round = (v: number) => (f32 ? Math.fround(v) : v);
  const pass = (x: ArrayLike<number>, wts: Float64Array, alongY: boolean) => {
    const r = (wts.length - 1) >> 1;
    const out = new Float64Array(x.length);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        for (let ch = 0; ch < c; ch++) {
          const at = (d: number) => (alongY ? (borderIndex(y + d, h, mode) * w + xx) * c + ch : (y * w + borderIndex(xx + d, w, mode)) * c + ch);
          let a = wts[r] * x[at(0)];
          for (let k = 1; k <= r; k++) a += wts[r + k] * (x[at(-k)] + x[at(k)]);
          out[(y * w + xx) * c + ch] = round(a);
        }
      }
    }
    return out;
  };
  return pass(pass(src, gaussianWeights(sigma[0], truncate), true), gaussianWeights(sigma[1], truncate), false);
}

describe.each(['WebAssembly', 'JavaScript'] as const)('optimised kernels (%s) give exactly the plain loops’ results', (path) => {
  beforeAll(() => {
    setWasmKernels(path === 'WebAssembly');
    // Node ≥ 20 has WebAssembly SIMD: the WebAssembly path must really be taken here
    expect(wasmKernels() !== null).toBe(path === 'WebAssembly');
  });
  afterAll(() => setWasmKernels(true));

  it('gaussianFilter: float64 and float32, 1 and 3 channels, nearest and reflect, odd sizes, radius beyond the image', () => {
    const rng = new Rng(5);
    const cases: [number, number, number, [number, number], BorderMode, number][] = [
      [37, 29, 3, [3, 3], 'nearest', 4],
      [24, 31, 1, [2.24, 2.24], 'reflect', 3],
      [17, 16, 3, [1, 1.5], 'nearest', 4],
      [9, 7, 1, [6, 6], 'nearest', 4], // radius 24 > image: border indices wrap
      [31, 33, 1, [0.7, 0.7], 'nearest', 4],
    ];
    for (const [h, w, c, sigma, mode, truncate] of cases) {
      const src = randomPlane(rng, h * w * c);
      expectSame(gaussianFilter(src, h, w, c, sigma, mode, truncate), naiveGaussian(src, h, w, c, sigma, mode, truncate));
      const src32 = Float32Array.from(src, (v) => (v > 0.5 ? 1 : 0));
      expectSame(gaussianFilter(src32, h, w, c, sigma, mode, truncate), naiveGaussian(src32, h, w, c, sigma, mode, truncate));
    }
  });

  it('motion blur: taps summed from 0 in kernel order, edges replicated', () => {
    const rng = new Rng(6);
    for (const [h, w, c, radius, sigma, angle] of [
      [41, 37, 3, 15, 8, 30],
      [41, 37, 3, 10, 3, -44.5],
      [35, 50, 1, 12, 4, -100],
      [20, 23, 1, 12, 8, -135],
    ]) {
      const src = randomPlane(rng, h * w * c).map((v) => Math.round(v * 255));
      // the reference: out += k·shift(src) tap by tap over the whole image
      const width = radius * 2 + 1;
      const kernel = new Float64Array(width);
      let z = 0;
      for (let i = 0; i < width; i++) {
        kernel[i] = Math.exp(-(i * i) / (2 * sigma * sigma)) / (Math.sqrt(2 * Math.PI) * sigma);
        z += kernel[i];
      }
      for (let i = 0; i < width; i++) kernel[i] /= z;
      const rad = (angle * Math.PI) / 180;
      const p0 = width * Math.sin(rad);
      const p1 = width * Math.cos(rad);
      const hyp = Math.hypot(p0, p1);
      const expected = new Float64Array(h * w * c);
      for (let i = 0; i < width; i++) {
        const dy = -Math.ceil((i * p0) / hyp - 0.5);
        const dx = -Math.ceil((i * p1) / hyp - 0.5);
        if (Math.abs(dy) >= h || Math.abs(dx) >= w) break;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const s = (Math.min(h - 1, Math.max(0, y - dy)) * w + Math.min(w - 1, Math.max(0, x - dx))) * c;
            for (let ch = 0; ch < c; ch++) expected[(y * w + x) * c + ch] += kernel[i] * src[s + ch];
          }
        }
      }
      expectSame(motionBlur(src, h, w, c, radius, sigma, angle), expected);
      if (c === 3) expectSame(motionBlur(Uint8Array.from(src), h, w, c, radius, sigma, angle), expected);
    }
  });

  it('zoom_blur sum equals clippedZoom accumulated zoom by zoom (ImageNet and CIFAR trims)', () => {
    const rng = new Rng(7);
    for (const [h, w, cifar, zooms] of [
      [45, 38, false, npArange(1, 1.21, 0.02)],
      [32, 32, true, npArange(1, 1.56, 0.03)],
      [33, 29, false, npArange(1, 1.31, 0.03)],
    ] as [number, number, boolean, number[]][]) {
      const x = Float32Array.from(randomPlane(rng, h * w * 3));
      const expected = new Float32Array(x.length);
      for (const z of zooms) {
        if (z === 1) for (let i = 0; i < x.length; i++) expected[i] += x[i];
        else clippedZoom(x, h, w, 3, z, expected, h, w, cifar, true);
      }
      const out = new Float32Array(x.length);
      zoomBlurSum(x, h, w, 3, zooms, cifar, out);
      expectSame(out, expected);
    }
  });

  it('spatter helpers: chamfer distance, 3×3 box blurs and the emboss filter', () => {
    const rng = new Rng(8);
    const h = 29;
    const w = 34;
    const img = new Uint8Array(h * w);
    for (let i = 0; i < img.length; i++) img[i] = rng.nextUint32() % 13 === 0 ? 0 : 255;
    // distance: the two raster passes with a 9-way minimum
    const W = w + 4;
    const d = new Float64Array((h + 4) * W).fill(1e20);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d[(y + 2) * W + x + 2] = img[y * w + x] === 0 ? 0 : 1e20;
    const [A, B, C] = [1, 1.4, 2.1969];
    for (let y = 2; y < h + 2; y++) {
      for (let x = 2; x < w + 2; x++) {
        const i = y * W + x;
        if (d[i] === 0) continue;
        d[i] = Math.min(d[i], d[i - 2 * W - 1] + C, d[i - 2 * W + 1] + C, d[i - W - 2] + C, d[i - W - 1] + B, d[i - W] + A, d[i - W + 1] + B, d[i - W + 2] + C, d[i - 1] + A);
      }
    }
    for (let y = h + 1; y >= 2; y--) {
      for (let x = w + 1; x >= 2; x--) {
        const i = y * W + x;
        if (d[i] === 0) continue;
        d[i] = Math.min(d[i], d[i + 2 * W + 1] + C, d[i + 2 * W - 1] + C, d[i + W + 2] + C, d[i + W + 1] + B, d[i + W] + A, d[i + W - 1] + B, d[i + W - 2] + C, d[i + 1] + A);
      }
    }
    const dist = new Float32Array(h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) dist[y * w + x] = d[(y + 2) * W + x + 2];
    expectSame(distanceTransform5(img, h, w), dist);
    // 3×3 windows, reflect-101 borders, summed row by row
    const at = (src: ArrayLike<number>, y: number, x: number) => src[borderIndex(y, h, 'mirror') * w + borderIndex(x, w, 'mirror')];
    const box = (src: ArrayLike<number>) => {
      const out = new Float64Array(h * w);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let s = 0;
          for (let oy = -1; oy <= 1; oy++) for (let ox = -1; ox <= 1; ox++) s += at(src, y + oy, x + ox);
          out[y * w + x] = s / 9;
        }
      }
      return out;
    };
    expectSame(boxBlur3F32(dist, h, w), Float32Array.from(box(dist)));
    const u8 = Uint8Array.from(dist, (v) => Math.min(255, v * 37));
    expectSame(boxBlur3U8(u8, h, w), box(u8));
    const k = [-2, -1, 0, -1, 1, 1, 0, 1, 2];
    const emb = new Uint8Array(h * w);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let oy = -1; oy <= 1; oy++) for (let ox = -1; ox <= 1; ox++) s += k[(oy + 1) * 3 + ox + 1] * at(u8, y + oy, x + ox);
        emb[y * w + x] = Math.max(0, Math.min(255, s));
      }
    }
    expectSame(filter3x3U8(u8, h, w, k), emb);
  });
});
