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

/**
 * Correlate an H×W×C image with `weights` along rows (axis 1, x) into `out`. Edges follow `mode`.
 * `out` has the same element type as scipy would produce (the caller passes its array).
 */
export function correlateX(src: Plane, h: number, w: number, c: number, weights: Float64Array, mode: BorderMode, out: Plane): void {
  const r = (weights.length - 1) >> 1;
  const padW = w + 2 * r;
  const line = new Float64Array(padW * c);
  const map = new Int32Array(padW);
  for (let i = 0; i < padW; i++) map[i] = borderIndex(i - r, w, mode);
  for (let y = 0; y < h; y++) {
    const row = y * w * c;
    for (let i = 0; i < padW; i++) {
      const s = row + map[i] * c;
      for (let ch = 0; ch < c; ch++) line[i * c + ch] = src[s + ch];
    }
    const n = w * c;
    const centre = r * c;
    const wc = weights[r];
    // symmetric weights: pair the taps at ±k (half the multiplies)
    for (let j = 0; j < n; j++) {
      const m = j + centre;
      let acc = wc * line[m];
      for (let k = 1; k <= r; k++) acc += weights[r + k] * (line[m - k * c] + line[m + k * c]);
      out[row + j] = acc;
    }
  }
}

/** Correlate along columns (axis 0, y). Works row-at-a-time so the inner loop runs over contiguous memory. */
export function correlateY(src: Plane, h: number, w: number, c: number, weights: Float64Array, mode: BorderMode, out: Plane): void {
  const r = (weights.length - 1) >> 1;
  const n = w * c;
  const acc = new Float64Array(n);
  const wc = weights[r];
  for (let y = 0; y < h; y++) {
    const centre = y * n;
    for (let j = 0; j < n; j++) acc[j] = wc * src[centre + j];
    // symmetric weights: pair the rows at ±k
    for (let k = 1; k <= r; k++) {
      const wk = weights[r + k];
      const a = borderIndex(y - k, h, mode) * n;
      const b = borderIndex(y + k, h, mode) * n;
      for (let j = 0; j < n; j++) acc[j] += wk * (src[a + j] + src[b + j]);
    }
    out.set(acc, y * n);
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
  const make = (): T => (src instanceof Float32Array ? new Float32Array(src.length) : new Float64Array(src.length)) as T;
  const tmp = make();
  if (sy > 0) correlateY(src, h, w, c, gaussianWeights(sy, truncate), mode, tmp);
  else tmp.set(src);
  if (!(sx > 0)) return tmp;
  const out = make();
  correlateX(tmp, h, w, c, gaussianWeights(sx, truncate), mode, out);
  return out;
}
