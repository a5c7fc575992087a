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
  const out = new Uint8Array(outH * outW * c);
  const xs = new Int32Array(outW);
  const sx = w / outW;
  const sy = h / outH;
  for (let x = 0; x < outW; x++) xs[x] = Math.min(w - 1, Math.trunc((x + 0.5) * sx));
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
  const tmpRows = new Float64Array((hi - lo + 1) * n);
  for (let y = lo; y <= hi; y++) {
    for (let x = 0; x < rw; x++) {
      const ox = x + x0;
      for (let ch = 0; ch < c; ch++) {
        let a = 0;
        for (let k = 0; k < taps; k++) a += ax.wts[ox * taps + k] * src[(y * w + ax.idx[ox * taps + k]) * c + ch];
        tmpRows[((y - lo) * rw + x) * c + ch] = a;
      }
    }
  }
  const out = new Uint8Array(rh * n);
  for (let y = 0; y < rh; y++) {
    const oy = y + y0;
    for (let j = 0; j < n; j++) {
      let a = 0;
      for (let k = 0; k < taps; k++) a += ay.wts[oy * taps + k] * tmpRows[(ay.idx[oy * taps + k] - lo) * n + j];
      out[y * n + j] = a <= 0 ? 0 : a >= 255 ? 255 : Math.round(a);
    }
  }
  return out;
}
