import { borderIndex } from './kernels/border.js';
import { gaussianFilter, gaussianInWasm } from './kernels/gaussian.js';
import type { Rng } from '../../src/random.js';
import type { CorruptionFn } from './types.js';
import { UNIT, UNIT_F32_TABLE } from './unit-range.js';
import { wasmKernels, withRngState } from './wasm/loader.js';

/**
 * scipy.ndimage.map_coordinates(order=1, mode='reflect') at one (y, x) on channel k of an H×W×3 float
 * image: the coordinate is linearly interpolated between its floor and floor+1, both indices reflected
 * half-sample symmetrically (…b a | a b c…), which is what scipy ≥ 1.6 does for 'reflect'.
 */
function sampleReflect(img: Float32Array, h: number, w: number, y: number, x: number, k: number): number {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const ya = borderIndex(y0, h, 'reflect');
  const yb = borderIndex(y0 + 1, h, 'reflect');
  const xa = borderIndex(x0, w, 'reflect');
  const xb = borderIndex(x0 + 1, w, 'reflect');
  const top = img[(ya * w + xa) * 3 + k] * (1 - fx) + img[(ya * w + xb) * 3 + k] * fx;
  const bot = img[(yb * w + xa) * 3 + k] * (1 - fx) + img[(yb * w + xb) * 3 + k] * fx;
  return top * (1 - fy) + bot * fy;
}

/** A smoothed random displacement field: gaussian(U(−m, m), σ, mode 'reflect', truncate 3)·alpha, as float32. */
function displacement(h: number, w: number, max: number, sigma: [number, number], alpha: number, rng: { uniform(a: number, b: number): number }): Float32Array {
  const u = new Float64Array(h * w);
  for (let i = 0; i < u.length; i++) u[i] = rng.uniform(-max, max);
  const g = sigma[0] > 0 || sigma[1] > 0 ? gaussianFilter(u, h, w, 1, sigma, 'reflect', 3) : u;
  const out = new Float32Array(h * w);
  for (let i = 0; i < out.length; i++) out[i] = g[i] * alpha;
  return out;
}

/**
 * imagecorruptions elastic_transform (after erniejunior's gist): displacement fields dx, dy (drawn in
 * that order) with σ = 0.01·(H, W), amplitude 0.005·H, scaled by alpha; the image (float32) is resampled
 * at (y + dy, x + dx) with map_coordinates(order=1, mode='reflect').
 * CIFAR-10-C first warps with a random affine map (three points moved by U(−a, a), cv2.warpAffine bilinear,
 * BORDER_REFLECT_101), then displaces with U(−1, 1) fields of σ = c[1] scaled by c[0].
 */
export const elasticTransform: CorruptionFn = (img, s, { rng, params, parameterSet }) => {
  const p = params.elastic_transform[s - 1];
  const { width: w, height: h, data } = img;
  const unitImage = () => {
    const image = new Float32Array(data.length);
    for (let i = 0; i < data.length; i += 3) {
      image[i] = UNIT[data[i]];
      image[i + 1] = UNIT[data[i + 1]];
      image[i + 2] = UNIT[data[i + 2]];
    }
    return image;
  };
  let image: Float32Array;
  let dx: Float32Array;
  let dy: Float32Array;
  if (parameterSet === 'cifar') {
    image = unitImage();
    const [alpha, sigma, affine] = p;
    image = randomAffine(image, h, w, affine, rng);
    const fast = elasticWasm(image, h, w, 1, [sigma, sigma], alpha, rng);
    if (fast) return fast;
    dx = displacement(h, w, 1, [sigma, sigma], alpha, rng);
    dy = displacement(h, w, 1, [sigma, sigma], alpha, rng);
  } else {
    const alpha = p[0];
    const max = h * 0.005;
    const sigma: [number, number] = [h * 0.01, w * 0.01];
    const fast = elasticWasm(data, h, w, max, sigma, alpha, rng);
    if (fast) return fast;
    dx = displacement(h, w, max, sigma, alpha, rng);
    dy = displacement(h, w, max, sigma, alpha, rng);
    image = unitImage();
  }
  // written straight to uint8 (the store truncates, as the final cast does)
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const q = y * w + x;
      const sy = y + dy[q];
      const sx = x + dx[q];
      const y0 = Math.floor(sy);
      const x0 = Math.floor(sx);
      const o = q * 3;
      if (y0 >= 0 && y0 + 1 < h && x0 >= 0 && x0 + 1 < w) {
        // interior: no reflection needed, indices computed once for the three channels
        const fy = sy - y0;
        const fx = sx - x0;
        const gy = 1 - fy;
        const gx = 1 - fx;
        const a = (y0 * w + x0) * 3;
        const b = a + w * 3;
        const v0 = Math.fround((image[a] * gx + image[a + 3] * fx) * gy + (image[b] * gx + image[b + 3] * fx) * fy);
        const v1 = Math.fround((image[a + 1] * gx + image[a + 4] * fx) * gy + (image[b + 1] * gx + image[b + 4] * fx) * fy);
        const v2 = Math.fround((image[a + 2] * gx + image[a + 5] * fx) * gy + (image[b + 2] * gx + image[b + 5] * fx) * fy);
        out[o] = (v0 < 0 ? 0 : v0 > 1 ? 1 : v0) * 255;
        out[o + 1] = (v1 < 0 ? 0 : v1 > 1 ? 1 : v1) * 255;
        out[o + 2] = (v2 < 0 ? 0 : v2 > 1 ? 1 : v2) * 255;
        continue;
      }
      for (let k = 0; k < 3; k++) {
        const v = Math.fround(sampleReflect(image, h, w, sy, sx, k));
        out[o + k] = (v < 0 ? 0 : v > 1 ? 1 : v) * 255;
      }
    }
  }
  return out;
};

/** CIFAR-10-C's random affine: cv2.getAffineTransform(pts1, pts1 + U(−a, a)) then warpAffine (reflect-101). */
function randomAffine(img: Float32Array, h: number, w: number, a: number, rng: { uniform(lo: number, hi: number): number }): Float32Array {
  const cy = Math.floor(h / 2);
  const cx = Math.floor(w / 2);
  const sq = Math.floor(Math.min(h, w) / 3);
  // points in (x, y) order as OpenCV takes them: [cs + sq, (cs0 + sq, cs1 − sq), cs − sq] with cs = (H/2, W/2)
  const src = [
    [cy + sq, cx + sq],
    [cy + sq, cx - sq],
    [cy - sq, cx - sq],
  ];
  const dst = src.map(([u, v]) => [u + Math.fround(rng.uniform(-a, a)), v + Math.fround(rng.uniform(-a, a))]);
  // solve M (2×3) with dst = M · [src; 1]
  const m = solveAffine(src, dst);
  // invert M to map output pixels back to input coordinates
  const det = m[0] * m[4] - m[1] * m[3];
  const i0 = m[4] / det;
  const i1 = -m[1] / det;
  const i3 = -m[3] / det;
  const i4 = m[0] / det;
  const i2 = -(i0 * m[2] + i1 * m[5]);
  const i5 = -(i3 * m[2] + i4 * m[5]);
  const out = new Float32Array(img.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = i0 * x + i1 * y + i2;
      const sy = i3 * x + i4 * y + i5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const xa = borderIndex(x0, w, 'mirror');
      const xb = borderIndex(x0 + 1, w, 'mirror');
      const ya = borderIndex(y0, h, 'mirror');
      const yb = borderIndex(y0 + 1, h, 'mirror');
      for (let k = 0; k < 3; k++) {
        const top = img[(ya * w + xa) * 3 + k] * (1 - fx) + img[(ya * w + xb) * 3 + k] * fx;
        const bot = img[(yb * w + xa) * 3 + k] * (1 - fx) + img[(yb * w + xb) * 3 + k] * fx;
        out[(y * w + x) * 3 + k] = top * (1 - fy) + bot * fy;
      }
    }
  }
  return out;
}

function solveAffine(src: number[][], dst: number[][]): number[] {
  // [x y 1] rows; solve for (m0 m1 m2) and (m3 m4 m5) by Cramer's rule
  const [[x1, y1], [x2, y2], [x3, y3]] = src;
  const det = x1 * (y2 - y3) - y1 * (x2 - x3) + (x2 * y3 - x3 * y2);
  const solve = (b1: number, b2: number, b3: number): number[] => [
    (b1 * (y2 - y3) - y1 * (b2 - b3) + (b2 * y3 - b3 * y2)) / det,
    (x1 * (b2 - b3) - b1 * (x2 - x3) + (x2 * b3 - x3 * b2)) / det,
    (x1 * (y2 * b3 - y3 * b2) - y1 * (x2 * b3 - x3 * b2) + b1 * (x2 * y3 - x3 * y2)) / det,
  ];
  const r0 = solve(dst[0][0], dst[1][0], dst[2][0]);
  const r1 = solve(dst[0][1], dst[1][1], dst[2][1]);
  return [...r0, ...r1];
}

/**
 * elasticTransform in the WebAssembly kernels' memory, from the draws on: the same uniforms (dx's field, then
 * dy's) drawn by a kernel from the Rng's state straight into the Gaussian's input (uniformFill), the same Gaussian
 * passes, the float32 scaling (scaleToF32), then the resampling of the image — the same float64 interpolation
 * per channel, rounded to float32, clipped and scaled — with no JavaScript copies between the stages. `src` is
 * the uint8 image (ImageNet-C: resampled as float32(x/255)) or CIFAR-10-C's float32 affine-warped image. Null
 * (nothing drawn) without the kernels.
 */
function elasticWasm(src: Uint8Array | Float32Array, h: number, w: number, max: number, sigma: [number, number], alpha: number, rng: Rng): Uint8Array | null {
  const k = wasmKernels();
  if (!k) return null;
  const npix = h * w;
  const u8 = src instanceof Uint8Array;
  const g = gaussianInWasm(k, [npix * 3, u8 ? 1024 : 0, npix * 16, npix * 4, npix * 4, 16], h, w, 1, sigma, 'reflect', 3, false);
  if (!g) return null;
  const [bytes, table, image, dxAt, dyAt, st, a] = g.at;
  // rng.uniform(−max, max) is −max + (max − (−max))·next(): the same span as JavaScript computes it
  const lo = -max;
  const span = max - lo;
  withRngState(k, st, rng, () => {
    for (const field of [dxAt, dyAt]) {
      k.uniformFill(a, npix, lo, span, st);
      k.scaleToF32(g.run(), field, npix, alpha); // run() returns `a` itself when σ is 0
    }
  });
  const buf = k.memory.buffer;
  if (u8) {
    new Uint8Array(buf, bytes, npix * 3).set(src);
    new Float32Array(buf, table, 256).set(UNIT_F32_TABLE);
    k.rgbToRgbxF32(bytes, image, npix, table);
  } else {
    const rgbx = new Float32Array(buf, image, npix * 4);
    for (let p = 0; p < npix; p++) {
      rgbx[4 * p] = src[3 * p];
      rgbx[4 * p + 1] = src[3 * p + 1];
      rgbx[4 * p + 2] = src[3 * p + 2];
    }
  }
  k.elasticSample(image, dxAt, dyAt, bytes, h, w);
  return new Uint8Array(buf, bytes, npix * 3).slice();
}
