import { layout, wasmKernels, type WasmKernels } from '../wasm/loader.js';
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
 * The loops only reorganise which elements are computed together (V8 neither vectorises nor unrolls, and
 * each typed-array access costs a bounds check): two neighbouring outputs along the filtered axis share
 * their taps — at tap k, output i needs x[i−k] and x[i+k], output i+1 needs x[i+1−k] and x[i+1+k], and
 * x[i+k], x[i+1−k] are the values loaded at tap k−1 — so each tap loads two values for two outputs, and
 * several such pairs run side by side with independent accumulators. Same bytes as the plain loop.
 */

/**
 * Correlate an H×W×C image with `weights` along rows (axis 1, x) into `out`. Edges follow `mode`.
 * Float64 only, so V8 compiles one monomorphic loop (gaussianFilter does the float32 rounding). `out` may
 * be `src` (each row is copied to a line buffer before it is overwritten).
 */
export function correlateX(src: Float64Array, h: number, w: number, c: number, weights: Float64Array, mode: BorderMode, out: Float64Array): void {
  const r = (weights.length - 1) >> 1;
  const n = w * c;
  const line = new Float64Array((w + 2 * r) * c);
  const wc = weights[r];
  const wk = weights.subarray(r + 1);
  const centre = r * c;
  // three lanes of pixel pairs (i, i+s): the three channels of two pixels (c = 3), or pixels
  // (i, i+1), (i+2, i+3), (i+4, i+5) (c = 1); other channel counts take the plain loop
  const s = c === 3 ? 3 : 1;
  const lane = c === 3 ? 1 : 2;
  const paired = c === 3 || c === 1;
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
    if (paired) {
      const l2 = 2 * lane;
      for (; j + 5 < n; j += 6) {
        const m = j + centre;
        // u*: the left member's current "right" neighbour chain start; d*: the right member's "left"
        let u0 = line[m];
        let u1 = line[m + lane];
        let u2 = line[m + l2];
        let d0 = line[m + s];
        let d1 = line[m + lane + s];
        let d2 = line[m + l2 + s];
        let a0 = wc * u0;
        let a1 = wc * u1;
        let a2 = wc * u2;
        let b0 = wc * d0;
        let b1 = wc * d1;
        let b2 = wc * d2;
        for (let k = 0, p = m - s, q = m + 2 * s; k < r; k++, p -= s, q += s) {
          const g = wk[k];
          const n0 = line[p];
          const n1 = line[p + lane];
          const n2 = line[p + l2];
          const e0 = line[q];
          const e1 = line[q + lane];
          const e2 = line[q + l2];
          a0 += g * (n0 + d0);
          a1 += g * (n1 + d1);
          a2 += g * (n2 + d2);
          b0 += g * (u0 + e0);
          b1 += g * (u1 + e1);
          b2 += g * (u2 + e2);
          u0 = n0;
          u1 = n1;
          u2 = n2;
          d0 = e0;
          d1 = e1;
          d2 = e2;
        }
        const o = row + j;
        out[o] = a0;
        out[o + lane] = a1;
        out[o + l2] = a2;
        out[o + s] = b0;
        out[o + lane + s] = b1;
        out[o + l2 + s] = b2;
      }
    }
    for (; j < n; j++) {
      const m = j + centre;
      let a = wc * line[m];
      for (let k = 0, d = c; k < r; k++, d += c) a += wk[k] * (line[m - d] + line[m + d]);
      out[row + j] = a;
    }
  }
}

/** Correlate along columns (axis 0, y): two output rows at a time, four columns side by side. */
export function correlateY(src: Float64Array, h: number, w: number, c: number, weights: Float64Array, mode: BorderMode, out: Float64Array): void {
  const r = (weights.length - 1) >> 1;
  const n = w * c;
  const wc = weights[r];
  const wk = weights.subarray(r + 1);
  // offsets of rows y − k and y + 1 + k (k = 1..r), border-mapped
  const above = new Int32Array(r + 1);
  const below = new Int32Array(r + 1);
  let y = 0;
  for (; y + 1 < h; y += 2) {
    for (let k = 1; k <= r; k++) {
      above[k] = borderIndex(y - k, h, mode) * n;
      below[k] = borderIndex(y + 1 + k, h, mode) * n;
    }
    const r0 = y * n;
    const r1 = r0 + n;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      // u*: rows y − (k−1), d*: rows y + k, carried from the previous tap (k = 1: rows y and y + 1)
      let u0 = src[r0 + j];
      let u1 = src[r0 + j + 1];
      let u2 = src[r0 + j + 2];
      let u3 = src[r0 + j + 3];
      let d0 = src[r1 + j];
      let d1 = src[r1 + j + 1];
      let d2 = src[r1 + j + 2];
      let d3 = src[r1 + j + 3];
      let a0 = wc * u0;
      let a1 = wc * u1;
      let a2 = wc * u2;
      let a3 = wc * u3;
      let b0 = wc * d0;
      let b1 = wc * d1;
      let b2 = wc * d2;
      let b3 = wc * d3;
      for (let k = 1; k <= r; k++) {
        const p = above[k] + j;
        const q = below[k] + j;
        const g = wk[k - 1];
        const n0 = src[p];
        const n1 = src[p + 1];
        const n2 = src[p + 2];
        const n3 = src[p + 3];
        const e0 = src[q];
        const e1 = src[q + 1];
        const e2 = src[q + 2];
        const e3 = src[q + 3];
        a0 += g * (n0 + d0);
        a1 += g * (n1 + d1);
        a2 += g * (n2 + d2);
        a3 += g * (n3 + d3);
        b0 += g * (u0 + e0);
        b1 += g * (u1 + e1);
        b2 += g * (u2 + e2);
        b3 += g * (u3 + e3);
        u0 = n0;
        u1 = n1;
        u2 = n2;
        u3 = n3;
        d0 = e0;
        d1 = e1;
        d2 = e2;
        d3 = e3;
      }
      out[r0 + j] = a0;
      out[r0 + j + 1] = a1;
      out[r0 + j + 2] = a2;
      out[r0 + j + 3] = a3;
      out[r1 + j] = b0;
      out[r1 + j + 1] = b1;
      out[r1 + j + 2] = b2;
      out[r1 + j + 3] = b3;
    }
    for (; j < n; j++) {
      let u = src[r0 + j];
      let d = src[r1 + j];
      let a = wc * u;
      let b = wc * d;
      for (let k = 1; k <= r; k++) {
        const nn = src[above[k] + j];
        const e = src[below[k] + j];
        a += wk[k - 1] * (nn + d);
        b += wk[k - 1] * (u + e);
        u = nn;
        d = e;
      }
      out[r0 + j] = a;
      out[r1 + j] = b;
    }
  }
  if (y < h) {
    // odd height: the last row alone
    const ce = y * n;
    for (let k = 1; k <= r; k++) {
      above[k] = borderIndex(y - k, h, mode) * n;
      below[k] = borderIndex(y + k, h, mode) * n;
    }
    for (let j = 0; j < n; j++) {
      let a = wc * src[ce + j];
      for (let k = 1; k <= r; k++) a += wk[k - 1] * (src[above[k] + j] + src[below[k] + j]);
      out[ce + j] = a;
    }
  }
}

/**
 * skimage.filters.gaussian / scipy.ndimage.gaussian_filter over the two spatial axes of an H×W×C image
 * (axis 0 first, as scipy does, the channel axis untouched). `sigma` may differ per axis.
 * Returns a new array of the input's element type (float64 in, float64 out; float32 in, float32 out).
 * WebAssembly SIMD kernels when available (wasm/src/kernels.ts: the same sums, lane by lane, so the same
 * bytes), else gaussianFilterJs.
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
  return gaussianFilterWasm(src, h, w, c, sigma, mode, truncate) ?? gaussianFilterJs(src, h, w, c, sigma, mode, truncate);
}

/** gaussianFilter with the JavaScript kernels (the fallback, and the reference the WebAssembly path is tested against). */
export function gaussianFilterJs<T extends Plane>(
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
  // in place: correlateX copies each row into its padded line buffer before writing that row
  correlateX(tmp, h, w, c, gaussianWeights(sx, truncate), mode, tmp);
  return (f32 ? new Float32Array(tmp) : tmp) as T;
}

/** The two passes' tables in the kernels' layout: weights w₀..w_r and byte offsets of border-mapped rows / pixels. */
function passTables(sigma: number, truncate: number, size: number, mode: BorderMode, stride: number) {
  const weights = gaussianWeights(sigma, truncate);
  const r = (weights.length - 1) >> 1;
  const wts = weights.slice(r);
  const offs = new Int32Array(size + 2 * r);
  for (let i = 0; i < offs.length; i++) offs[i] = borderIndex(i - r, size, mode) * stride;
  return { r, wts, offs };
}

/**
 * The Gaussian filter in the WebAssembly kernels' memory, laid out after the caller's `extra` buffers: `at`
 * holds their offsets, then `a`, the float64 input (h·w·c values) the caller fills; `run()` filters it (it may
 * overwrite `a`) and returns the offset of the float64 result. `run` may be called again after refilling `a`.
 * Null without the memory.
 */
export function gaussianInWasm(
  k: WasmKernels,
  extra: number[],
  h: number,
  w: number,
  c: number,
  sigma: number | [number, number],
  mode: BorderMode,
  truncate: number,
  f32: boolean,
): { at: number[]; run: () => number } | null {
  const [sy, sx] = typeof sigma === 'number' ? [sigma, sigma] : sigma;
  const n = h * w * c;
  const ty = sy > 0 ? passTables(sy, truncate, h, mode, w * c * 8) : null;
  const tx = sx > 0 ? passTables(sx, truncate, w, mode, c * 8) : null;
  const at = layout(k, [
    ...extra,
    n * 8,
    n * 8,
    ty ? ty.wts.byteLength : 0,
    ty ? ty.offs.byteLength : 0,
    tx ? tx.wts.byteLength : 0,
    tx ? tx.offs.byteLength : 0,
    tx ? (tx.offs.length + w) * c * 8 : 0, // the padded line, then an intermediate row
  ]);
  if (!at) return null;
  const [a, b, wy, ry, wx, rx, line] = at.slice(extra.length);
  const buf = k.memory.buffer;
  if (ty) {
    new Float64Array(buf, wy, ty.wts.length).set(ty.wts);
    new Int32Array(buf, ry, ty.offs.length).set(ty.offs);
  }
  if (tx) {
    new Float64Array(buf, wx, tx.wts.length).set(tx.wts);
    new Int32Array(buf, rx, tx.offs.length).set(tx.offs);
  }
  return {
    at,
    run: () => {
      if (ty && tx) {
        // both passes row by row, the intermediate row in `line`'s spare space
        k.gaussYX(a, b, h, w, c, wy, ty.r, ry, wx, tx.r, rx, line + tx.offs.length * c * 8, line, f32 ? 1 : 0);
        return b;
      }
      let out = a;
      if (ty) {
        k.gaussY(a, b, w * c, h, wy, ty.r, ry);
        out = b;
      }
      if (f32) k.roundF32(out, n);
      if (tx) k.gaussX(out, out, h, w, c, wx, tx.r, rx, line);
      return out;
    },
  };
}

function gaussianFilterWasm<T extends Plane>(src: T, h: number, w: number, c: number, sigma: number | [number, number], mode: BorderMode, truncate: number): T | null {
  const k = wasmKernels();
  if (!k) return null;
  const f32 = src instanceof Float32Array;
  const g = gaussianInWasm(k, [], h, w, c, sigma, mode, truncate, f32);
  if (!g) return null;
  const n = h * w * c;
  new Float64Array(k.memory.buffer, g.at[0], n).set(src);
  const res = new Float64Array(k.memory.buffer, g.run(), n);
  return (f32 ? new Float32Array(res) : res.slice()) as T;
}

/**
 * gaussianFilter of uint8 values as v/255 (skimage's img_as_float), straight to uint8 as
 * imagecorruptions' `np.clip(x, 0, 1) * 255` and uint8 cast: gaussian_blur and glass_blur's two blurs,
 * without float arrays in JavaScript. Null without the WebAssembly kernels (callers use the float64 path).
 */
export function gaussianBlurU8(data: Uint8Array, h: number, w: number, c: number, sigma: number, mode: BorderMode, truncate: number): Uint8Array | null {
  const k = wasmKernels();
  if (!k) return null;
  const n = h * w * c;
  const g = gaussianInWasm(k, [n, 2048], h, w, c, sigma, mode, truncate, false);
  if (!g) return null;
  const [bytes, table, a] = g.at;
  new Uint8Array(k.memory.buffer, bytes, n).set(data);
  k.u8ToUnitF64(bytes, a, n, table);
  k.clipScaleU8(g.run(), bytes, n, 1, 255);
  return new Uint8Array(k.memory.buffer, bytes, n).slice();
}
