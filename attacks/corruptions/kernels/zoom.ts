import { UNIT_F32_TABLE } from '../unit-range.js';
import { layout, layoutOffsets, wasmKernels, type WasmKernels } from '../wasm/loader.js';

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
 * Where clipped_zoom reads and writes for zoom z: the centre crop (ch0 × ch1 from top0, top1), the
 * zoomed size's axis maps, the CIFAR symmetric trim, and the rows × cols kept of an outH × outW output.
 */
function zoomGeometry(h: number, w: number, z: number, cifarTrim: boolean, outH: number, outW: number) {
  // Per axis in both variants. CIFAR-10-C's clipped_zoom takes the height for both axes (it only ever saw
  // 32×32 images, and fails on any other shape); per axis is the same for square images and keeps a
  // non-square one inside its rows (the height for both read past the row end of a tall image and left
  // columns unset, NaN, in a wide one).
  const ch0 = Math.ceil(h / z);
  const ch1 = Math.ceil(w / z);
  const top0 = Math.floor((h - ch0) / 2);
  const top1 = Math.floor((w - ch1) / 2);
  const zh = roundHalfEven(ch0 * z);
  const zw = roundHalfEven(ch1 * z);
  const trimY = cifarTrim ? Math.floor((zh - h) / 2) : 0;
  const trimX = cifarTrim ? Math.floor((zw - w) / 2) : 0;
  return {
    ch1,
    top1,
    trimY,
    trimX,
    my: zoomAxisMap(ch0, zh, top0),
    mx: zoomAxisMap(ch1, zw, top1),
    rows: Math.min(outH, zh - trimY),
    cols: Math.min(outW, zw - trimX),
  };
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
  const { ch1, top1, trimY, trimX, my, mx, rows, cols } = zoomGeometry(h, w, z, cifarTrim, outH, outW);
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

/** One zoom of zoom_blur: the identity (z = 1), or its clipped-zoom rows and columns (offsets for a row of w·c values). */
interface ZoomLayer {
  identity: boolean;
  rows: number;
  cols: number;
  ra: Int32Array;
  rb: Int32Array;
  fy: Float64Array;
  gy: Float64Array;
  xa: Int32Array;
  xb: Int32Array;
  fx: Float64Array;
  gx: Float64Array;
  j0: number;
  j1: number;
}

/** The axis maps of every zoom, precomputed: ra/rb element offsets of the two source rows, xa/xb of the two source pixels. */
function zoomLayers(h: number, w: number, c: number, zooms: number[], cifarTrim: boolean): ZoomLayer[] {
  const n = w * c;
  return zooms.map((z) => {
    if (z === 1) {
      return { identity: true, rows: h, cols: w, ra: new Int32Array(0), rb: new Int32Array(0), fy: new Float64Array(0), gy: new Float64Array(0), xa: new Int32Array(0), xb: new Int32Array(0), fx: new Float64Array(0), gx: new Float64Array(0), j0: 0, j1: 0 };
    }
    const { ch1, top1, trimY, trimX, my, mx, rows, cols } = zoomGeometry(h, w, z, cifarTrim, h, w);
    const L: ZoomLayer = {
      identity: false,
      rows,
      cols,
      ra: new Int32Array(rows),
      rb: new Int32Array(rows),
      fy: new Float64Array(rows),
      gy: new Float64Array(rows),
      xa: new Int32Array(cols),
      xb: new Int32Array(cols),
      fx: new Float64Array(cols),
      gx: new Float64Array(cols),
      j0: top1 * c,
      j1: (top1 + ch1) * c,
    };
    for (let y = 0; y < rows; y++) {
      L.ra[y] = my.i0[y + trimY] * n;
      L.rb[y] = my.i1[y + trimY] * n;
      L.fy[y] = my.f[y + trimY];
      L.gy[y] = 1 - my.f[y + trimY];
    }
    for (let xx = 0; xx < cols; xx++) {
      L.xa[xx] = mx.i0[xx + trimX] * c;
      L.xb[xx] = mx.i1[xx + trimX] * c;
      L.fx[xx] = mx.f[xx + trimX];
      L.gx[xx] = 1 - mx.f[xx + trimX];
    }
    return L;
  });
}

/**
 * zoom_blur's sum: `out += clippedZoom(x, z)` for every z of `zooms` in order (z = 1 adds x itself), into a
 * float32 `out` (the reference's float32 accumulator), cropped to h × w. Same arithmetic per element as
 * clippedZoom(…, accumulate) — vertical blend in float64, horizontal blend, rounded to float32, added in
 * zoom order — but row by row over all zooms, so the output row stays in L1 cache instead of the whole
 * float32 image being read and written once per zoom; the axis maps are precomputed per zoom.
 */
export function zoomBlurSum(x: Float32Array, h: number, w: number, c: number, zooms: number[], cifarTrim: boolean, out: Float32Array): void {
  const n = w * c;
  const layers = zoomLayers(h, w, c, zooms, cifarTrim);
  const f = Math.fround;
  const blended = new Float64Array(n);
  for (let y = 0; y < h; y++) {
    const o = y * n;
    for (const L of layers) {
      if (L.identity) {
        let j = 0;
        for (; j + 2 < n; j += 3) {
          out[o + j] += x[o + j];
          out[o + j + 1] += x[o + j + 1];
          out[o + j + 2] += x[o + j + 2];
        }
        for (; j < n; j++) out[o + j] += x[o + j];
        continue;
      }
      if (y >= L.rows) continue;
      const ra = L.ra[y];
      const rb = L.rb[y];
      const fy = L.fy[y];
      const gy = L.gy[y];
      const j1 = L.j1;
      if (c === 3) {
        // a pixel (three values) per iteration: a third of the loop overhead
        for (let j = L.j0; j < j1; j += 3) {
          const p = ra + j;
          const q = rb + j;
          blended[j] = x[p] * gy + x[q] * fy;
          blended[j + 1] = x[p + 1] * gy + x[q + 1] * fy;
          blended[j + 2] = x[p + 2] * gy + x[q + 2] * fy;
        }
      } else for (let j = L.j0; j < j1; j++) blended[j] = x[ra + j] * gy + x[rb + j] * fy;
      const { xa, xb, fx, gx, cols } = L;
      if (c === 3) {
        for (let xx = 0; xx < cols; xx++) {
          const a = xa[xx];
          const b = xb[xx];
          const fb = fx[xx];
          const fa = gx[xx];
          const q = o + xx * 3;
          out[q] += f(blended[a] * fa + blended[b] * fb);
          out[q + 1] += f(blended[a + 1] * fa + blended[b + 1] * fb);
          out[q + 2] += f(blended[a + 2] * fa + blended[b + 2] * fb);
        }
      } else {
        for (let xx = 0; xx < cols; xx++) {
          for (let k = 0; k < c; k++) out[o + xx * c + k] += f(blended[xa[xx] + k] * gx[xx] + blended[xb[xx] + k] * fx[xx]);
        }
      }
    }
  }
}

/**
 * zoom_blur from uint8 RGB to uint8 RGB with the WebAssembly kernels: x = float32(v/255), out = zoomBlurSum,
 * then uint8(float32(clip(float32(x + out) / (zooms + 1), 0, 1) · 255)) — the float32 operations of
 * blur.ts's zoomBlur, lane by lane, so the same bytes. Null without the kernels (callers take the JavaScript path).
 */
export function zoomBlurU8(data: Uint8Array, h: number, w: number, zooms: number[], cifarTrim: boolean): Uint8Array | null {
  const k = wasmKernels();
  if (!k) return null;
  const plan = zoomPlan(h, w, zooms, cifarTrim);
  const npix = h * w;
  const at = layout(k, plan.sizes);
  if (!at) return null;
  const [bytes, table, x, out, blended, desc] = at;
  const buf = k.memory.buffer;
  new Uint8Array(buf, bytes, npix * 3).set(data);
  new Float32Array(buf, table, 256).set(UNIT_F32_TABLE);
  new Float32Array(buf, out, npix * 4).fill(0);
  new Int32Array(buf, desc, plan.desc.length).set(plan.desc);
  // the layers' tables, one copy: their offsets are the same on every call of this plan (layout is deterministic)
  new Uint8Array(buf, at[6], plan.tables.length).set(plan.tables);
  k.rgbToRgbxF32(bytes, x, npix, table);
  k.zoomSum(x, out, blended, h, w, desc, plan.nLayers);
  k.zoomFinish(x, out, bytes, npix, zooms.length + 1);
  return new Uint8Array(buf, bytes, npix * 3).slice();
}

/** zoomBlurU8's layout sizes, layer descriptors and the bytes of its layer tables, kept for the last few shapes. */
interface ZoomPlan {
  sizes: number[];
  desc: Int32Array;
  tables: Uint8Array;
  nLayers: number;
}
const zoomPlans = new Map<string, ZoomPlan>();

function zoomPlan(h: number, w: number, zooms: number[], cifarTrim: boolean): ZoomPlan {
  const key = `${h} ${w} ${cifarTrim} ${zooms.join(' ')}`;
  const cached = zoomPlans.get(key);
  if (cached) return cached;
  const layers = zoomLayers(h, w, 3, zooms, cifarTrim);
  const npix = h * w;
  const n = w * 3;
  const sizes = [npix * 3 + 4, 1024, npix * 16, npix * 16, w * 32, layers.length * 48];
  for (const L of layers) sizes.push(L.rows * 4, L.rows * 4, L.rows * 8, L.rows * 8, L.cols * 4, L.cols * 4, L.cols * 8, L.cols * 8);
  // the offsets layout() will give (the same on every call)
  const { offsets: at, end } = layoutOffsets(sizes);
  const base = at[6] ?? end;
  const tables = new Uint8Array(end - base);
  const tb = tables.buffer;
  const desc = new Int32Array(layers.length * 12);
  layers.forEach((L, l) => {
    const [ra, rb, fy, gy, xa, xb, fx, gx] = at.slice(6 + 8 * l, 14 + 8 * l);
    if (L.identity) {
      desc[12 * l] = -1;
      return;
    }
    desc.set([L.rows, L.cols, L.j0 / 3, L.j1 / 3, ra, rb, fy, gy, xa, xb, fx, gx], 12 * l);
    // byte offsets in the RGBX layouts: a row of x is w·16 bytes, a pixel of `blended` 32
    new Int32Array(tb, ra - base, L.rows).set(L.ra.map((v) => (v / n) * w * 16));
    new Int32Array(tb, rb - base, L.rows).set(L.rb.map((v) => (v / n) * w * 16));
    new Float64Array(tb, fy - base, L.rows).set(L.fy);
    new Float64Array(tb, gy - base, L.rows).set(L.gy);
    new Int32Array(tb, xa - base, L.cols).set(L.xa.map((v) => (v / 3) * 32));
    new Int32Array(tb, xb - base, L.cols).set(L.xb.map((v) => (v / 3) * 32));
    new Float64Array(tb, fx - base, L.cols).set(L.fx);
    new Float64Array(tb, gx - base, L.cols).set(L.gx);
  });
  const plan = { sizes, desc, tables, nLayers: layers.length };
  if (zoomPlans.size >= 16) zoomPlans.delete(zoomPlans.keys().next().value as string);
  zoomPlans.set(key, plan);
  return plan;
}

/**
 * snow's flake layer in the WebAssembly kernels: clippedZoom of one H×W float64 plane (c = 1) by z, its top-left
 * min(outH, zoomed rows) × min(outW, zoomed columns) — further limited to `keepH × keepW` — each value cut below
 * `threshold` and clipped to [0, 1]; the same float64 steps as clippedZoom and snow's loop. `sizes` are the
 * byte sizes of its buffers (flake layer first) for the caller's `layout`; `run(k, at, src)` fills its tables at
 * those offsets and writes the rows × cols flake layer at at[0] from the plane at `src`.
 */
export function snowFlakesInWasm(h: number, w: number, z: number, cifarTrim: boolean, outH: number, outW: number, keepH: number, keepW: number, threshold: number) {
  const { ch1, top1, trimY, trimX, my, mx, rows: zr, cols: zc } = zoomGeometry(h, w, z, cifarTrim, outH, outW);
  const rows = Math.min(zr, keepH);
  const cols = Math.min(zc, keepW);
  return {
    rows,
    cols,
    sizes: [rows * cols * 8, w * 8, rows * 4, rows * 4, rows * 8, cols * 4, cols * 4, cols * 8],
    run(k: WasmKernels, at: number[], src: number): void {
      const [d, blended, ra, rb, fy, xa, xb, fx] = at;
      const buf = k.memory.buffer;
      const raV = new Int32Array(buf, ra, rows);
      const rbV = new Int32Array(buf, rb, rows);
      const fyV = new Float64Array(buf, fy, rows);
      for (let y = 0; y < rows; y++) {
        raV[y] = my.i0[y + trimY] * w * 8;
        rbV[y] = my.i1[y + trimY] * w * 8;
        fyV[y] = my.f[y + trimY];
      }
      const xaV = new Int32Array(buf, xa, cols);
      const xbV = new Int32Array(buf, xb, cols);
      const fxV = new Float64Array(buf, fx, cols);
      for (let x = 0; x < cols; x++) {
        xaV[x] = mx.i0[x + trimX] * 8;
        xbV[x] = mx.i1[x + trimX] * 8;
        fxV[x] = mx.f[x + trimX];
      }
      k.snowFlakes(src, d, rows, cols, ra, rb, fy, xa, xb, fx, top1, top1 + ch1, blended, threshold);
    },
  };
}
