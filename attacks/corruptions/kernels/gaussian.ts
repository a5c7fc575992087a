import { borderIndex, type BorderMode } from './border.js';

/**
 * scipy.ndimage.gaussian_filter1d weights: radius = int(truncate*sigma + 0.5),
 * w[k] ∝ exp(-k²/(2σ²)) for k = -radius..radius, normalised to sum 1.
 * skimage.filters.gaussian calls scipy's filter (default mode 'nearest', truncate 4.0).
 */
export function gaussianWeights(sigma: number, truncate = 4): Float64Array {
  const radius = Math.trunc(truncate * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const v = Math.exp((-0.5 / (sigma * sigma)) * k * k);
    w[k + radius] = v;
    sum += v;
  }
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return w;
}

type Plane = Float64Array | Float32Array;

/*
 * Both passes compute, per output element, exactly scipy's correlate1d sum for symmetric weights:
 * w₀·x₀, then + w_k·(x₋ₖ + x₊ₖ) for k = 1..r in that order, in float64, rounded once to the output type.
 * The loops only reorganise *which* elements are computed together: several neighbouring outputs per
 * iteration keep independent accumulators in registers (V8 neither vectorises nor unrolls), so the adds
 * of different outputs overlap instead of waiting on one dependency chain. Same bytes as the plain loop.
 */

/**
 * Correlate an H×W×C image with `weights` along rows (axis 1, x) into `out`. Edges follow `mode`.
 * Float64 only, so V8 compiles one monomorphic loop (gaussianFilter does the float32 rounding).
 */
export function correlateX(src: Float64Array, h: number, w: number, c: number, weights: Float64Array, mode: BorderMode, out: Float64Array): void {
  const r = (weights.length - 1) >> 1;
  const n = w * c;
  const line = new Float64Array((w + 2 * r) * c);
  const wc = weights[r];
  const wk = weights.subarray(r + 1);
  const centre = r * c;
  for (let y = 0; y < h; y++) {
    const row = y * n;
    // the row padded once (r pixels each side), so the tap loop has no border branches
    line.set(src.subarray(row, row + n), centre);
    for (let i = 0; i < r; i++) {
      const sl = row + borderIndex(i - r, w, mode) * c;
      const sr = row + borderIndex(w + i, w, mode) * c;
      const dr = (w + r + i) * c;
      for (let ch = 0; ch < c; ch++) {
        line[i * c + ch] = src[sl + ch];
        line[dr + ch] = src[sr + ch];
      }
    }
    let j = 0;
    for (; j + 5 < n; j += 6) {
      const m = j + centre;
      let a0 = wc * line[m];
      let a1 = wc * line[m + 1];
      let a2 = wc * line[m + 2];
      let a3 = wc * line[m + 3];
      let a4 = wc * line[m + 4];
      let a5 = wc * line[m + 5];
      for (let k = 0, d = c; k < r; k++, d += c) {
        const p = m - d;
        const q = m + d;
        const g = wk[k];
        a0 += g * (line[p] + line[q]);
        a1 += g * (line[p + 1] + line[q + 1]);
        a2 += g * (line[p + 2] + line[q + 2]);
        a3 += g * (line[p + 3] + line[q + 3]);
        a4 += g * (line[p + 4] + line[q + 4]);
        a5 += g * (line[p + 5] + line[q + 5]);
      }
      const o = row + j;
      out[o] = a0;
      out[o + 1] = a1;
      out[o + 2] = a2;
      out[o + 3] = a3;
      out[o + 4] = a4;
      out[o + 5] = a5;
    }
    for (; j < n; j++) {
      const m = j + centre;
      let a = wc * line[m];
      for (let k = 0, d = c; k < r; k++, d += c) a += wk[k] * (line[m - d] + line[m + d]);
      out[row + j] = a;
    }
  }
}

/** Correlate along columns (axis 0, y): the r row pairs of each output row are looked up once per row. */
export function correlateY(src: Float64Array, h: number, w: number, c: number, weights: Float64Array, mode: BorderMode, out: Float64Array): void {
  const r = (weights.length - 1) >> 1;
  const n = w * c;
  const wc = weights[r];
  const wk = weights.subarray(r + 1);
  const above = new Int32Array(r);
  const below = new Int32Array(r);
  for (let y = 0; y < h; y++) {
    for (let k = 0; k < r; k++) {
      above[k] = borderIndex(y - k - 1, h, mode) * n;
      below[k] = borderIndex(y + k + 1, h, mode) * n;
    }
    const ce = y * n;
    let j = 0;
    for (; j + 7 < n; j += 8) {
      const m = ce + j;
      let a0 = wc * src[m];
      let a1 = wc * src[m + 1];
      let a2 = wc * src[m + 2];
      let a3 = wc * src[m + 3];
      let a4 = wc * src[m + 4];
      let a5 = wc * src[m + 5];
      let a6 = wc * src[m + 6];
      let a7 = wc * src[m + 7];
      for (let k = 0; k < r; k++) {
        const p = above[k] + j;
        const q = below[k] + j;
        const g = wk[k];
        a0 += g * (src[p] + src[q]);
        a1 += g * (src[p + 1] + src[q + 1]);
        a2 += g * (src[p + 2] + src[q + 2]);
        a3 += g * (src[p + 3] + src[q + 3]);
        a4 += g * (src[p + 4] + src[q + 4]);
        a5 += g * (src[p + 5] + src[q + 5]);
        a6 += g * (src[p + 6] + src[q + 6]);
        a7 += g * (src[p + 7] + src[q + 7]);
      }
      out[m] = a0;
      out[m + 1] = a1;
      out[m + 2] = a2;
      out[m + 3] = a3;
      out[m + 4] = a4;
      out[m + 5] = a5;
      out[m + 6] = a6;
      out[m + 7] = a7;
    }
    for (; j < n; j++) {
      let a = wc * src[ce + j];
      for (let k = 0; k < r; k++) a += wk[k] * (src[above[k] + j] + src[below[k] + j]);
      out[ce + j] = a;
    }
  }
}

/**
 * skimage.filters.gaussian / scipy.ndimage.gaussian_filter over the two spatial axes of an H×W×C image
 * (axis 0 first, as scipy does, the channel axis untouched). `sigma` may differ per axis.
 * Returns a new array of the input's element type (float64 in, float64 out; float32 in, float32 out).
 */
export function gaussianFilter<T extends Plane>(
  src: T,
  h: number,
  w: number,
  c: number,
  sigma: number | [number, number],
  mode: BorderMode = 'nearest',
  truncate = 4,
): T {
  const [sy, sx] = typeof sigma === 'number' ? [sigma, sigma] : sigma;
  const f32 = src instanceof Float32Array;
  const x = f32 ? new Float64Array(src) : (src as Float64Array);
  const tmp = new Float64Array(src.length);
  if (sy > 0) correlateY(x, h, w, c, gaussianWeights(sy, truncate), mode, tmp);
  else tmp.set(x);
  // scipy stores the intermediate in the input's type
  if (f32) for (let i = 0; i < tmp.length; i++) tmp[i] = Math.fround(tmp[i]);
  if (!(sx > 0)) return (f32 ? new Float32Array(tmp) : tmp) as T;
  const out = new Float64Array(src.length);
  correlateX(tmp, h, w, c, gaussianWeights(sx, truncate), mode, out);
  return (f32 ? new Float32Array(out) : out) as T;
}
