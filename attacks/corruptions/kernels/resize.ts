import { layout, wasmKernels } from '../wasm/loader.js';

/**
 * Resizes of uint8 H×W×C images that reproduce the libraries imagecorruptions calls.
 * sharp/libvips resamplers use different kernels and pixel-centre conventions, so these are hand-written.
 */

interface Coeffs {
  start: Int32Array;
  count: Int32Array;
  /** Fixed-point weights, `maxCount` per output sample. */
  k: Int32Array;
  maxCount: number;
}

const PRECISION_BITS = 32 - 8 - 2; // Pillow's Resample.c for 8-bit images

/**
 * Pillow's precompute_coeffs + normalize_coeffs_8bpc for the BOX filter (support 0.5): output sample
 * xx covers the input window centred at (xx+0.5)·scale; a pixel counts (weight 1) when its centre lies
 * in (centre − scale/2, centre + scale/2]; weights are normalised, then rounded to 22-bit fixed point.
 */
function boxCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 0.5 * filterscale;
  const maxCount = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const k = new Int32Array(outSize * maxCount);
  const tmp = new Float64Array(maxCount);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = (x + xmin - center + 0.5) * ss;
      const wgt = t > -0.5 && t <= 0.5 ? 1 : 0;
      tmp[x] = wgt;
      ww += wgt;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? tmp[x] / ww : tmp[x];
      k[xx * maxCount + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { start, count, k, maxCount };
}

function clip8(v: number): number {
  const s = v >> PRECISION_BITS;
  return s < 0 ? 0 : s > 255 ? 255 : s;
}

/** PIL Image.resize((outW, outH), Image.BOX): horizontal pass, then vertical, 8-bit in between. */
export function pilBoxResize(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array {
  const fast = pilBoxResizeWasm(src, h, w, c, outH, outW);
  if (fast) return fast;
  let cur = src;
  let cw = w;
  if (outW !== w) {
    const cx = boxCoeffs(w, outW);
    const out = new Uint8Array(h * outW * c);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < outW; x++) {
        const st = cx.start[x];
        const n = cx.count[x];
        for (let ch = 0; ch < c; ch++) {
          let ss = 1 << (PRECISION_BITS - 1);
          for (let i = 0; i < n; i++) ss += cur[(y * cw + st + i) * c + ch] * cx.k[x * cx.maxCount + i];
          out[(y * outW + x) * c + ch] = clip8(ss);
        }
      }
    }
    cur = out;
    cw = outW;
  }
  if (outH !== h) {
    const cy = boxCoeffs(h, outH);
    const out = new Uint8Array(outH * cw * c);
    for (let y = 0; y < outH; y++) {
      const st = cy.start[y];
      const n = cy.count[y];
      for (let j = 0; j < cw * c; j++) {
        let ss = 1 << (PRECISION_BITS - 1);
        for (let i = 0; i < n; i++) ss += cur[(st + i) * cw * c + j] * cy.k[y * cy.maxCount + i];
        out[y * cw * c + j] = clip8(ss);
      }
    }
    cur = out;
  }
  return cur === src ? src.slice() : cur;
}

/**
 * PIL Image.resize(size, Image.NEAREST): an affine transform sampling the input at the pixel centre
 * (x+0.5)·(in/out), truncated (Pillow's ImagingTransformAffine with NEAREST).
 */
export function pilNearestResize(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array {
  const xs = new Int32Array(outW);
  const sx = w / outW;
  const sy = h / outH;
  for (let x = 0; x < outW; x++) xs[x] = Math.min(w - 1, Math.trunc((x + 0.5) * sx));
  const k = wasmKernels();
  const at = k && layout(k, [h * w * c, outH * outW * c, outH * 4, outW * 4]);
  if (k && at) {
    // the same sampling in the WebAssembly kernels (byte offsets of the source rows and pixels)
    const [s, d, ysAt, xsAt] = at;
    new Uint8Array(k.memory.buffer, s, h * w * c).set(src);
    const ys = new Int32Array(k.memory.buffer, ysAt, outH);
    for (let y = 0; y < outH; y++) ys[y] = Math.min(h - 1, Math.trunc((y + 0.5) * sy)) * w * c;
    new Int32Array(k.memory.buffer, xsAt, outW).set(xs.map((x) => x * c));
    k.nearestResize(s, d, outH, outW, c, ysAt, xsAt);
    return new Uint8Array(k.memory.buffer, d, outH * outW * c).slice();
  }
  const out = new Uint8Array(outH * outW * c);
  for (let y = 0; y < outH; y++) {
    const yy = Math.min(h - 1, Math.trunc((y + 0.5) * sy));
    for (let x = 0; x < outW; x++) {
      const s = (yy * w + xs[x]) * c;
      const d = (y * outW + x) * c;
      for (let ch = 0; ch < c; ch++) out[d + ch] = src[s + ch];
    }
  }
  return out;
}

/** pilBoxResize's two passes in the WebAssembly kernels (the same integer arithmetic); null without them. */
function pilBoxResizeWasm(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array | null {
  const k = wasmKernels();
  if (!k || (outW === w && outH === h)) return null;
  const cx = outW !== w ? boxCoeffs(w, outW) : null;
  const cy = outH !== h ? boxCoeffs(h, outH) : null;
  const tables = (cf: Coeffs | null) => (cf ? [cf.start.byteLength, cf.count.byteLength, cf.k.byteLength] : [0, 0, 0]);
  const at = layout(k, [h * w * c, h * outW * c, outH * outW * c, ...tables(cx), ...tables(cy)]);
  if (!at) return null;
  const [s, mid, d, xs, xn, xk, ys, yn, yk] = at;
  const buf = k.memory.buffer;
  new Uint8Array(buf, s, h * w * c).set(src);
  let cur = s;
  if (cx) {
    new Int32Array(buf, xs, outW).set(cx.start);
    new Int32Array(buf, xn, outW).set(cx.count);
    new Int32Array(buf, xk, cx.k.length).set(cx.k);
    // lines: each row's c channels, samples c bytes apart
    k.boxPass(s, mid, h, c, w * c, outW * c, 1, 1, c, c, outW, xs, xn, xk, cx.maxCount);
    cur = mid;
  }
  if (cy) {
    new Int32Array(buf, ys, outH).set(cy.start);
    new Int32Array(buf, yn, outH).set(cy.count);
    new Int32Array(buf, yk, cy.k.length).set(cy.k);
    // lines: each of the outW·c columns, samples a row apart
    k.boxPass(cur, d, 1, outW * c, 0, 0, 1, 1, outW * c, outW * c, outH, ys, yn, yk, cy.maxCount);
    cur = d;
  }
  return new Uint8Array(buf, cur, outH * outW * c).slice();
}

/** Keys' cubic convolution weights with A = −0.75, as OpenCV's INTER_CUBIC. */
function cubicWeights(t: number, out: Float64Array): void {
  const A = -0.75;
  out[0] = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A;
  out[1] = ((A + 2) * t - (A + 3)) * t * t + 1;
  out[2] = ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1;
  out[3] = 1 - out[0] - out[1] - out[2];
}

/**
 * cv2.resize(..., interpolation=INTER_CUBIC or INTER_LINEAR) for uint8 images: source coordinate
 * (d+0.5)·(in/out) − 0.5, edge pixels replicated, result rounded and saturated. Computed in float64
 * (OpenCV uses 11-bit fixed point, which can differ by one level); used only for the frost texture.
 */
export function cvResize(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number, kind: 'cubic' | 'linear'): Uint8Array {
  return cvResizeRegion(src, h, w, c, outH, outW, kind, 0, 0, outH, outW);
}

/**
 * Only the window [y0, y0+rh) × [x0, x0+rw) of cvResize's output (a crop of the resized image costs the
 * crop, not the whole texture: frost needs 224×224 out of a ~1000×660 resize).
 */
export function cvResizeRegion(
  src: Uint8Array,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
  kind: 'cubic' | 'linear',
  y0: number,
  x0: number,
  rh: number,
  rw: number,
): Uint8Array {
  const taps = kind === 'cubic' ? 4 : 2;
  const axis = (inSize: number, outSize: number) => {
    const idx = new Int32Array(outSize * taps);
    const wts = new Float64Array(outSize * taps);
    const scale = inSize / outSize;
    const tmp = new Float64Array(4);
    for (let d = 0; d < outSize; d++) {
      const f = (d + 0.5) * scale - 0.5;
      const s = Math.floor(f);
      const t = f - s;
      if (kind === 'cubic') cubicWeights(t, tmp);
      else {
        tmp[0] = 1 - t;
        tmp[1] = t;
      }
      const first = kind === 'cubic' ? s - 1 : s;
      for (let k = 0; k < taps; k++) {
        idx[d * taps + k] = Math.min(inSize - 1, Math.max(0, first + k));
        wts[d * taps + k] = tmp[k];
      }
    }
    return { idx, wts };
  };
  const ax = axis(w, outW);
  const ay = axis(h, outH);
  // source rows the window needs
  let lo = h;
  let hi = -1;
  for (let y = y0; y < y0 + rh; y++) {
    for (let k = 0; k < taps; k++) {
      lo = Math.min(lo, ay.idx[y * taps + k]);
      hi = Math.max(hi, ay.idx[y * taps + k]);
    }
  }
  const n = rw * c;
  const fast = resizeRegionWasm(src, w, c, taps, ax, ay, lo, hi, y0, x0, rh, rw);
  if (fast) return fast;
  // Horizontal pass over the needed source rows. Per output column the taps' source offsets and weights are
  // gathered once; each sum still runs 0 + w₀s₀ + w₁s₁ + … in tap order, as the plain loop did.
  const xo = new Int32Array(rw * taps);
  const xw = new Float64Array(rw * taps);
  for (let x = 0; x < rw; x++) {
    for (let k = 0; k < taps; k++) {
      xo[x * taps + k] = ax.idx[(x + x0) * taps + k] * c;
      xw[x * taps + k] = ax.wts[(x + x0) * taps + k];
    }
  }
  const tmpRows = new Float64Array((hi - lo + 1) * n);
  for (let y = lo; y <= hi; y++) {
    const s = y * w * c;
    const d = (y - lo) * n;
    if (taps === 4 && c === 3) {
      for (let x = 0; x < rw; x++) {
        const t = x * 4;
        const p0 = s + xo[t];
        const p1 = s + xo[t + 1];
        const p2 = s + xo[t + 2];
        const p3 = s + xo[t + 3];
        const w0 = xw[t];
        const w1 = xw[t + 1];
        const w2 = xw[t + 2];
        const w3 = xw[t + 3];
        let a = 0;
        let b = 0;
        let e = 0;
        a += w0 * src[p0];
        b += w0 * src[p0 + 1];
        e += w0 * src[p0 + 2];
        a += w1 * src[p1];
        b += w1 * src[p1 + 1];
        e += w1 * src[p1 + 2];
        a += w2 * src[p2];
        b += w2 * src[p2 + 1];
        e += w2 * src[p2 + 2];
        a += w3 * src[p3];
        b += w3 * src[p3 + 1];
        e += w3 * src[p3 + 2];
        const q = d + x * 3;
        tmpRows[q] = a;
        tmpRows[q + 1] = b;
        tmpRows[q + 2] = e;
      }
      continue;
    }
    for (let x = 0; x < rw; x++) {
      const t = x * taps;
      for (let ch = 0; ch < c; ch++) {
        let a = 0;
        for (let k = 0; k < taps; k++) a += xw[t + k] * src[s + xo[t + k] + ch];
        tmpRows[d + x * c + ch] = a;
      }
    }
  }
  const out = new Uint8Array(rh * n);
  for (let y = 0; y < rh; y++) {
    const oy = (y + y0) * taps;
    const o = y * n;
    if (taps === 4) {
      const r0 = (ay.idx[oy] - lo) * n;
      const r1 = (ay.idx[oy + 1] - lo) * n;
      const r2 = (ay.idx[oy + 2] - lo) * n;
      const r3 = (ay.idx[oy + 3] - lo) * n;
      const w0 = ay.wts[oy];
      const w1 = ay.wts[oy + 1];
      const w2 = ay.wts[oy + 2];
      const w3 = ay.wts[oy + 3];
      for (let j = 0; j < n; j++) {
        let a = 0;
        a += w0 * tmpRows[r0 + j];
        a += w1 * tmpRows[r1 + j];
        a += w2 * tmpRows[r2 + j];
        a += w3 * tmpRows[r3 + j];
        out[o + j] = a <= 0 ? 0 : a >= 255 ? 255 : Math.round(a);
      }
      continue;
    }
    for (let j = 0; j < n; j++) {
      let a = 0;
      for (let k = 0; k < taps; k++) a += ay.wts[oy + k] * tmpRows[(ay.idx[oy + k] - lo) * n + j];
      out[o + j] = a <= 0 ? 0 : a >= 255 ? 255 : Math.round(a);
    }
  }
  return out;
}

/**
 * cvResizeRegion's two passes in the WebAssembly kernels (the same sums, the same rounding): only the source
 * window the output needs is copied in. Null without the kernels.
 */
function resizeRegionWasm(
  src: Uint8Array,
  w: number,
  c: number,
  taps: number,
  ax: { idx: Int32Array; wts: Float64Array },
  ay: { idx: Int32Array; wts: Float64Array },
  lo: number,
  hi: number,
  y0: number,
  x0: number,
  rh: number,
  rw: number,
): Uint8Array | null {
  const k = wasmKernels();
  if (!k) return null;
  let left = w;
  let right = -1;
  for (let i = x0 * taps; i < (x0 + rw) * taps; i++) {
    left = Math.min(left, ax.idx[i]);
    right = Math.max(right, ax.idx[i]);
  }
  const rows = hi - lo + 1;
  const win = (right - left + 1) * c;
  const n = rw * c;
  const at = layout(k, [rows * win, rows * n * 8, rh * n, rw * taps * 4, rw * taps * 8, rh * taps * 4, rh * taps * 8]);
  if (!at) return null;
  const [srcAt, tmp, out, xo, xw, rowOff, yw] = at;
  const buf = k.memory.buffer;
  const window = new Uint8Array(buf, srcAt, rows * win);
  for (let y = 0; y < rows; y++) {
    const s = ((lo + y) * w + left) * c;
    window.set(src.subarray(s, s + win), y * win);
  }
  const xoV = new Int32Array(buf, xo, rw * taps);
  for (let i = 0; i < rw * taps; i++) xoV[i] = (ax.idx[x0 * taps + i] - left) * c;
  new Float64Array(buf, xw, rw * taps).set(ax.wts.subarray(x0 * taps, (x0 + rw) * taps));
  const rowV = new Int32Array(buf, rowOff, rh * taps);
  for (let i = 0; i < rh * taps; i++) rowV[i] = (ay.idx[y0 * taps + i] - lo) * n * 8;
  new Float64Array(buf, yw, rh * taps).set(ay.wts.subarray(y0 * taps, (y0 + rh) * taps));
  k.resizeH(srcAt, win, rows, tmp, rw, c, xo, xw, taps);
  k.resizeV(tmp, out, rh, n, taps, rowOff, yw);
  return new Uint8Array(buf, out, rh * n).slice();
}
