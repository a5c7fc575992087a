/**
 * scipy.ndimage.zoom(order=1) along one axis (grid_mode=False, scipy ≥ 1.6): output sample o reads the
 * input at coordinate o·(in−1)/(out−1), linearly interpolated. Precomputed per axis because the zoom is
 * separable; returns, for each output index, the lower input index and the weight of the upper one.
 */
export interface AxisMap {
  i0: Int32Array;
  i1: Int32Array;
  f: Float64Array;
}

export function zoomAxisMap(inSize: number, outSize: number, offset = 0): AxisMap {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const f = new Float64Array(outSize);
  const scale = outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  for (let o = 0; o < outSize; o++) {
    const x = o * scale;
    let a = Math.floor(x);
    if (a > inSize - 1) a = inSize - 1;
    const frac = x - a;
    i0[o] = a + offset;
    i1[o] = Math.min(a + 1, inSize - 1) + offset;
    f[o] = frac;
  }
  return { i0, i1, f };
}

/** Python's round() (half to even), as scipy uses for zoom's output shape. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * imagecorruptions' clipped_zoom: crop the centre ceil(H/z) × ceil(W/z), zoom it by z with scipy's
 * order-1 spline (output round(ch·z)), and return the top-left `outH × outW` of the result — callers crop
 * to the image size as the reference does with `[:H, :W]`. H×W×C layout, any float array type.
 * `cifarTrim`: CIFAR-10-C's variant trims the zoomed image symmetrically instead of from the top-left.
 * `accumulate`: add into `out` instead of overwriting it (zoom_blur sums the layers).
 */
export function clippedZoom(
  src: Float64Array | Float32Array,
  h: number,
  w: number,
  c: number,
  z: number,
  out: Float64Array | Float32Array,
  outH: number,
  outW: number,
  cifarTrim = false,
  accumulate = false,
): { zh: number; zw: number } {
  const ch0 = Math.ceil(h / z);
  const ch1 = cifarTrim ? ch0 : Math.ceil(w / z);
  const top0 = Math.floor((h - ch0) / 2);
  const top1 = cifarTrim ? top0 : Math.floor((w - ch1) / 2);
  const zh = roundHalfEven(ch0 * z);
  const zw = roundHalfEven(ch1 * z);
  const trimY = cifarTrim ? Math.floor((zh - h) / 2) : 0;
  const trimX = cifarTrim ? Math.floor((zw - w) / 2) : 0;
  const my = zoomAxisMap(ch0, zh, top0);
  const mx = zoomAxisMap(ch1, zw, top1);
  const rows = Math.min(outH, zh - trimY);
  const cols = Math.min(outW, zw - trimX);
  // Separable: blend the two source rows vertically (over the crop's columns), then gather horizontally.
  // Bilinear interpolation is the same either way; only float rounding order differs from scipy's.
  const rowA = new Float64Array(cols * c);
  const blended = new Float64Array(w * c);
  const x1 = (top1 + ch1) * c;
  for (let y = 0; y < rows; y++) {
    const oy = y + trimY;
    const fy = my.f[oy];
    const ra = my.i0[oy] * w * c;
    const rb = my.i1[oy] * w * c;
    for (let j = top1 * c; j < x1; j++) blended[j] = src[ra + j] * (1 - fy) + src[rb + j] * fy;
    if (accumulate) {
      // out += zoomed, the zoomed value first rounded to out's type as scipy's float32 output would be
      const o = y * outW * c;
      const f32 = out instanceof Float32Array;
      for (let x = 0; x < cols; x++) {
        const ox = x + trimX;
        const fx = mx.f[ox];
        const xa = mx.i0[ox] * c;
        const xb = mx.i1[ox] * c;
        for (let k = 0; k < c; k++) {
          const v = blended[xa + k] * (1 - fx) + blended[xb + k] * fx;
          out[o + x * c + k] += f32 ? Math.fround(v) : v;
        }
      }
      continue;
    }
    for (let x = 0; x < cols; x++) {
      const ox = x + trimX;
      const fx = mx.f[ox];
      const xa = mx.i0[ox] * c;
      const xb = mx.i1[ox] * c;
      for (let k = 0; k < c; k++) rowA[x * c + k] = blended[xa + k] * (1 - fx) + blended[xb + k] * fx;
    }
    out.set(rowA.subarray(0, cols * c), y * outW * c);
  }
  return { zh: rows, zw: cols };
}
