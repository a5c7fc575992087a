/**
 * WebAssembly SIMD kernels of the corruptions (AssemblyScript; `npm run build:wasm` compiles this file into
 * ../kernels.generated.ts, which ../loader.ts instantiates). The JavaScript code in ../../ stays the fallback
 * (no WebAssembly SIMD, or an image beyond the memory cap) and the reference: test/corruptions/wasm.test.ts
 * compares every corruption's bytes on both paths, kernels.test.ts both paths against plain loops.
 *
 * Why hand-written rather than a library: the corruptions reproduce the reference libraries' arithmetic (scipy's
 * correlate1d sums and border modes, OpenCV's filter2D, Canny and chamfer distance, scipy's float32 zoom, Pillow's
 * fixed-point resampling, skimage's HSV) step for step, to stay bit-identical with imagecorruptions at truncation
 * boundaries and to give the same bytes on every machine. No npm package does that, and WebAssembly builds of
 * OpenCV are megabytes that sum in their own order. These kernels do exactly the JavaScript kernels' arithmetic,
 * lane by lane: f64x2 / f32x4 add, mul, div, promote and demote are IEEE-754 correctly rounded, so each lane gives
 * the bytes of the scalar JavaScript loop. No relaxed SIMD, no fused multiply-add, no transcendental functions
 * (weights and tables come from JavaScript).
 *
 * Memory: the JavaScript loader lays out every buffer (byte offsets passed as arguments) in the exported
 * memory, which it grows as needed, above the LAYOUT_BASE bytes it reserves for the SIMD generator's jump table and
 * output buffer (JUMP_TAB, RAW_BUF below); this module has no static data and allocates nothing.
 */

import { buildJumpTable, fillLanes, RAW, state4 } from './xoshiro-lanes';

// ---------------------------------------------------------------------------------------------------------
// Conversions

/** table[v] = v / 255 for the 256 byte values (correctly rounded, as JavaScript's v / 255): 2 KiB at `table`. */
function unitTable(table: usize): void {
  for (let v = 0; v < 256; v++) store<f64>(table + (<usize>v << 3), <f64>v / 255.0);
}

/** dst[i] = src[i] / 255 (uint8 → float64), looked up in a table built at `table` (2 KiB scratch): no division per value. */
export function u8ToUnitF64(src: usize, dst: usize, n: i32, table: usize): void {
  unitTable(table);
  let i = 0;
  // eight values per step: one 8-byte load of the indices, the table entries paired into vector stores
  for (; i + 8 <= n; i += 8) {
    const b = load<u64>(src + <usize>i);
    const d = dst + (<usize>i << 3);
    v128.store(d, v128.load64_lane(table + (<usize>((b >> 5) & 0x7f8)), v128.load64_zero(table + (<usize>((b << 3) & 0x7f8))), 1));
    v128.store(d, v128.load64_lane(table + (<usize>((b >> 21) & 0x7f8)), v128.load64_zero(table + (<usize>((b >> 13) & 0x7f8))), 1), 16);
    v128.store(d, v128.load64_lane(table + (<usize>((b >> 37) & 0x7f8)), v128.load64_zero(table + (<usize>((b >> 29) & 0x7f8))), 1), 32);
    v128.store(d, v128.load64_lane(table + (<usize>((b >> 53) & 0x7f8)), v128.load64_zero(table + (<usize>((b >> 45) & 0x7f8))), 1), 48);
  }
  for (; i < n; i++) store<f64>(dst + (<usize>i << 3), load<f64>(table + (<usize>load<u8>(src + <usize>i) << 3)));
}

/** dst[i] = f64(src[i]) (uint8 values, exact). */
export function u8ToF64(src: usize, dst: usize, n: i32): void {
  let i = 0;
  // eight values per step: one 8-byte load, bytes to int32 lanes by byte shuffles (byte 15 is 0), signed
  // conversions (values 0..255, exact)
  for (; i + 8 <= n; i += 8) {
    const v = v128.load64_zero(src + <usize>i);
    const d = dst + (<usize>i << 3);
    v128.store(d, f64x2.convert_low_i32x4_s(i8x16.shuffle(v, v, 0, 15, 15, 15, 1, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15)));
    v128.store(d, f64x2.convert_low_i32x4_s(i8x16.shuffle(v, v, 2, 15, 15, 15, 3, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15)), 16);
    v128.store(d, f64x2.convert_low_i32x4_s(i8x16.shuffle(v, v, 4, 15, 15, 15, 5, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15)), 32);
    v128.store(d, f64x2.convert_low_i32x4_s(i8x16.shuffle(v, v, 6, 15, 15, 15, 7, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15)), 48);
  }
  for (; i < n; i++) store<f64>(dst + (<usize>i << 3), <f64>load<u8>(src + <usize>i));
}

/**
 * dst[i] = uint8(clip(src[i], 0, hi) · scale), truncating as a Uint8Array store (and numpy's uint8 cast) of a
 * value in [0, 255] does. `scale` 255 with `hi` 1 is imagecorruptions' `np.clip(x, 0, 1) * 255`; `scale` 1
 * with `hi` 255 its `np.clip(x, 0, 255)` (hi · scale ≤ 255: the callers' two cases).
 */
export function clipScaleU8(src: usize, dst: usize, n: i32, hi: f64, scale: f64): void {
  const lo2 = f64x2.splat(0);
  const hi2 = f64x2.splat(hi);
  const s2 = f64x2.splat(scale);
  let i = 0;
  // sixteen values per iteration: the truncated lanes (0..255) are packed with saturating narrows, which
  // leave them unchanged, and stored as one vector instead of lane by lane
  for (; i + 16 <= n; i += 16) {
    const p = src + (<usize>i << 3);
    const q0 = v128.shuffle<i32>(clipScaleLanes(p, 0, lo2, hi2, s2), clipScaleLanes(p, 16, lo2, hi2, s2), 0, 1, 4, 5);
    const q1 = v128.shuffle<i32>(clipScaleLanes(p, 32, lo2, hi2, s2), clipScaleLanes(p, 48, lo2, hi2, s2), 0, 1, 4, 5);
    const q2 = v128.shuffle<i32>(clipScaleLanes(p, 64, lo2, hi2, s2), clipScaleLanes(p, 80, lo2, hi2, s2), 0, 1, 4, 5);
    const q3 = v128.shuffle<i32>(clipScaleLanes(p, 96, lo2, hi2, s2), clipScaleLanes(p, 112, lo2, hi2, s2), 0, 1, 4, 5);
    v128.store(dst + <usize>i, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q0, q1), i16x8.narrow_i32x4_u(q2, q3)));
  }
  for (; i + 4 <= n; i += 4) {
    const p = src + (<usize>i << 3);
    // pmax/pmin: no NaN here; −0 stays −0 and truncates to 0 like the JavaScript store
    const a = f64x2.mul(f64x2.pmin(f64x2.pmax(v128.load(p), lo2), hi2), s2);
    const b = f64x2.mul(f64x2.pmin(f64x2.pmax(v128.load(p, 16), lo2), hi2), s2);
    const ia = i32x4.trunc_sat_f64x2_u_zero(a);
    const ib = i32x4.trunc_sat_f64x2_u_zero(b);
    const q = dst + <usize>i;
    store<u8>(q, <u8>i32x4.extract_lane(ia, 0));
    store<u8>(q, <u8>i32x4.extract_lane(ia, 1), 1);
    store<u8>(q, <u8>i32x4.extract_lane(ib, 0), 2);
    store<u8>(q, <u8>i32x4.extract_lane(ib, 1), 3);
  }
  for (; i < n; i++) {
    let v = load<f64>(src + (<usize>i << 3));
    v = v < 0 ? 0 : v > hi ? hi : v;
    store<u8>(dst + <usize>i, <u8><u32>(v * scale));
  }
}

/** Lanes 0, 1 of i32x4: the two float64 at `p + off` clipped to [lo, hi], scaled and truncated, as clipScaleU8. */
@inline function clipScaleLanes(p: usize, off: usize, lo2: v128, hi2: v128, s2: v128): v128 {
  return i32x4.trunc_sat_f64x2_u_zero(f64x2.mul(f64x2.pmin(f64x2.pmax(v128.load(p + off), lo2), hi2), s2));
}

/** dst[i] = float32(src[i] · scale) (float64 in, float32 out: a Float32Array store of the float64 product). */
export function scaleToF32(src: usize, dst: usize, n: i32, scale: f64): void {
  const s2 = f64x2.splat(scale);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = src + (<usize>i << 3);
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(v128.load(p), s2));
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(v128.load(p, 16), s2));
    v128.store(dst + (<usize>i << 2), v128.shuffle<i64>(lo, hi, 0, 2));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>(load<f64>(src + (<usize>i << 3)) * scale));
}

/** p[i] = 0 where p[i] < threshold (float64, in place). */
export function zeroBelow(p: usize, n: i32, threshold: f64): void {
  const t2 = f64x2.splat(threshold);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const q = p + (<usize>i << 3);
    const v = v128.load(q);
    v128.store(q, v128.andnot(v, f64x2.lt(v, t2)));
  }
  for (; i < n; i++) {
    const q = p + (<usize>i << 3);
    if (load<f64>(q) < threshold) store<f64>(q, 0);
  }
}

/** Round every float64 to float32 in place (scipy stores a float32 filter's intermediate as float32). */
export function roundF32(p: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const q = p + (<usize>i << 3);
    store<f64>(q, <f64>(<f32>load<f64>(q)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// scipy.ndimage.correlate1d with symmetric weights (gaussian_filter): per output w₀·x₀, then + w_k·(x₋ₖ + x₊ₖ)
// for k = 1..r in that order, in float64 (../../kernels/gaussian.ts). Vectorised across neighbouring outputs.

/**
 * Along axis 0, output row y into `out`: `cen` points at the int32 entry of row y in `rows` (rows[i] = byte
 * offset from `src` of input row border(i − r)), `wts` holds w₀..w_r; rows of `n` float64.
 */
@inline function gaussYRow(src: usize, out: usize, n: i32, wts: usize, r: i32, cen: usize): void {
  const wc = v128.load64_splat(wts);
  const c0 = src + <usize>load<i32>(cen);
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const o = <usize>j << 3;
    let a0 = f64x2.mul(wc, v128.load(c0 + o));
    let a1 = f64x2.mul(wc, v128.load(c0 + o, 16));
    let a2 = f64x2.mul(wc, v128.load(c0 + o, 32));
    let a3 = f64x2.mul(wc, v128.load(c0 + o, 48));
    for (let k = 1; k <= r; k++) {
      const up = src + <usize>load<i32>(cen - (<usize>k << 2)) + o;
      const dn = src + <usize>load<i32>(cen + (<usize>k << 2)) + o;
      const g = v128.load64_splat(wts + (<usize>k << 3));
      a0 = f64x2.add(a0, f64x2.mul(g, f64x2.add(v128.load(up), v128.load(dn))));
      a1 = f64x2.add(a1, f64x2.mul(g, f64x2.add(v128.load(up, 16), v128.load(dn, 16))));
      a2 = f64x2.add(a2, f64x2.mul(g, f64x2.add(v128.load(up, 32), v128.load(dn, 32))));
      a3 = f64x2.add(a3, f64x2.mul(g, f64x2.add(v128.load(up, 48), v128.load(dn, 48))));
    }
    v128.store(out + o, a0);
    v128.store(out + o, a1, 16);
    v128.store(out + o, a2, 32);
    v128.store(out + o, a3, 48);
  }
  for (; j < n; j++) {
    const o = <usize>j << 3;
    let a = load<f64>(wts) * load<f64>(c0 + o);
    for (let k = 1; k <= r; k++) {
      const up = src + <usize>load<i32>(cen - (<usize>k << 2)) + o;
      const dn = src + <usize>load<i32>(cen + (<usize>k << 2)) + o;
      a += load<f64>(wts + (<usize>k << 3)) * (load<f64>(up) + load<f64>(dn));
    }
    store<f64>(out + o, a);
  }
}

/**
 * Along axis 1, one row of w × c float64 at `row` into `out`: the row is first copied into `line` padded by r
 * pixels per side (`cols[i]` = byte offset within the row of pixel border(i − r)), so `out` may equal `row`.
 */
@inline function gaussXRow(row: usize, out: usize, w: i32, c: i32, wts: usize, r: i32, cols: usize, line: usize): void {
  const n = w * c;
  const pixBytes = <usize>c << 3;
  const padded = w + 2 * r;
  const centre = line + <usize>r * pixBytes;
  if (c == 3) {
    for (let i = 0; i < padded; i++) {
      const s = row + <usize>load<i32>(cols + (<usize>i << 2));
      const d = line + <usize>i * 24;
      v128.store(d, v128.load(s));
      store<f64>(d, load<f64>(s, 16), 16);
    }
  } else {
    for (let i = 0; i < padded; i++) {
      const s = row + <usize>load<i32>(cols + (<usize>i << 2));
      const d = line + <usize>i * pixBytes;
      for (let ch = 0; ch < c; ch++) store<f64>(d + (<usize>ch << 3), load<f64>(s + (<usize>ch << 3)));
    }
  }
  gaussXLine(centre, out, n, pixBytes, wts, r);
}

@inline function gaussXLine(centre: usize, out: usize, n: i32, pixBytes: usize, wts: usize, r: i32): void {
  const wc = v128.load64_splat(wts);
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const m = centre + (<usize>j << 3);
    let a0 = f64x2.mul(wc, v128.load(m));
    let a1 = f64x2.mul(wc, v128.load(m, 16));
    let a2 = f64x2.mul(wc, v128.load(m, 32));
    let a3 = f64x2.mul(wc, v128.load(m, 48));
    for (let k = 1; k <= r; k++) {
      const d = <usize>k * pixBytes;
      const up = m - d;
      const dn = m + d;
      const g = v128.load64_splat(wts + (<usize>k << 3));
      a0 = f64x2.add(a0, f64x2.mul(g, f64x2.add(v128.load(up), v128.load(dn))));
      a1 = f64x2.add(a1, f64x2.mul(g, f64x2.add(v128.load(up, 16), v128.load(dn, 16))));
      a2 = f64x2.add(a2, f64x2.mul(g, f64x2.add(v128.load(up, 32), v128.load(dn, 32))));
      a3 = f64x2.add(a3, f64x2.mul(g, f64x2.add(v128.load(up, 48), v128.load(dn, 48))));
    }
    const o = out + (<usize>j << 3);
    v128.store(o, a0);
    v128.store(o, a1, 16);
    v128.store(o, a2, 32);
    v128.store(o, a3, 48);
  }
  for (; j < n; j++) {
    const m = centre + (<usize>j << 3);
    let a = load<f64>(wts) * load<f64>(m);
    for (let k = 1; k <= r; k++) {
      const d = <usize>k * pixBytes;
      a += load<f64>(wts + (<usize>k << 3)) * (load<f64>(m - d) + load<f64>(m + d));
    }
    store<f64>(out + (<usize>j << 3), a);
  }
}

/** Axis 0 only (the other sigma is 0): h rows of `n` float64 from `src` into `dst` (not overlapping). */
export function gaussY(src: usize, dst: usize, n: i32, h: i32, wts: usize, r: i32, rows: usize): void {
  for (let y = 0; y < h; y++) gaussYRow(src, dst + <usize>y * (<usize>n << 3), n, wts, r, rows + (<usize>(y + r) << 2));
}

/** Axis 1 only: h rows of w × c float64, in place allowed. */
export function gaussX(src: usize, dst: usize, h: i32, w: i32, c: i32, wts: usize, r: i32, cols: usize, line: usize): void {
  const rowBytes = <usize>(w * c) << 3;
  for (let y = 0; y < h; y++) gaussXRow(src + <usize>y * rowBytes, dst + <usize>y * rowBytes, w, c, wts, r, cols, line);
}

/**
 * Both axes row by row (axis 0 then axis 1 for each output row, the intermediate row in `tmp` — rounded to
 * float32 first when `f32`, as scipy stores a float32 filter's intermediate), so the intermediate image never
 * leaves the cache. `dst` must not overlap `src`.
 */
export function gaussYX(src: usize, dst: usize, h: i32, w: i32, c: i32, wy: usize, ry: i32, rows: usize, wx: usize, rx: i32, cols: usize, tmp: usize, line: usize, f32: bool): void {
  const n = w * c;
  const rowBytes = <usize>n << 3;
  const pixBytes = <usize>c << 3;
  const centre = line + <usize>rx * pixBytes;
  const padded = w + 2 * rx;
  for (let y = 0; y < h; y++) {
    // the axis-0 row goes straight into the centre of the padded line (interior cols are the identity), only
    // the 2·rx border pixels are copied, from the line's own centre
    gaussYRow(src, centre, n, wy, ry, rows + (<usize>(y + ry) << 2));
    if (f32) roundF32x2(centre, n);
    for (let i = 0; i < rx; i++) padPixel(line, centre, cols, i, pixBytes, c);
    for (let i = rx + w; i < padded; i++) padPixel(line, centre, cols, i, pixBytes, c);
    gaussXLine(centre, dst + <usize>y * rowBytes, n, pixBytes, wx, rx);
  }
}

@inline function padPixel(line: usize, centre: usize, cols: usize, i: i32, pixBytes: usize, c: i32): void {
  const s = centre + <usize>load<i32>(cols + (<usize>i << 2));
  const d = line + <usize>i * pixBytes;
  for (let ch = 0; ch < c; ch++) store<f64>(d + (<usize>ch << 3), load<f64>(s + (<usize>ch << 3)));
}

/** roundF32 with SIMD demote/promote (the same round-to-nearest-even as the scalar conversion). */
@inline function roundF32x2(p: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const q = p + (<usize>i << 3);
    v128.store(q, f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v128.load(q))));
  }
  for (; i < n; i++) {
    const q = p + (<usize>i << 3);
    store<f64>(q, <f64>(<f32>load<f64>(q)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// zoom_blur (../../kernels/zoom.ts zoomBlurSum): the mean of clipped zooms, scipy.ndimage.zoom order 1, in
// float32 as the reference. Pixels are held as RGBX (four lanes, the fourth zero) so a pixel is one f32x4 or
// two f64x2.

/** uint8 RGB → RGBX float32 through `table` (256 float32: float32(v/255)). */
export function rgbToRgbxF32(src: usize, dst: usize, npix: i32, table: usize): void {
  for (let i = 0; i < npix; i++) {
    const s = src + <usize>i * 3;
    let v = f32x4.splat(0);
    v = f32x4.replace_lane(v, 0, load<f32>(table + (<usize>load<u8>(s) << 2)));
    v = f32x4.replace_lane(v, 1, load<f32>(table + (<usize>load<u8>(s, 1) << 2)));
    v = f32x4.replace_lane(v, 2, load<f32>(table + (<usize>load<u8>(s, 2) << 2)));
    v128.store(dst + (<usize>i << 4), v);
  }
}

/**
 * out (h × w RGBX float32) += each zoom layer, layer by layer within each output row (the row stays in cache).
 * `layers` holds 12 int32 per layer: rows (−1: the identity, out += x), cols, j0, j1 (the crop's pixel
 * columns), then pointers to ra, rb (int32 byte offsets in x of the two source rows per output row), fy, gy
 * (float64 weights of rb and ra), xa, xb (int32 byte offsets in `blended` of the two source pixels per output
 * column), fx, gx (float64 weights of xb and xa). Per value, as zoomBlurSum: blended = x[ra]·gy + x[rb]·fy and
 * v = blended[xa]·gx + blended[xb]·fx in float64, v rounded to float32, then added to out in float32.
 */
export function zoomSum(x: usize, out: usize, blended: usize, h: i32, w: i32, layers: usize, nLayers: i32): void {
  const rowBytes = <usize>w << 4;
  for (let y = 0; y < h; y++) {
    const o = out + <usize>y * rowBytes;
    for (let l = 0; l < nLayers; l++) {
      const L = layers + <usize>l * 48;
      const rows = load<i32>(L);
      if (rows < 0) {
        const s = x + <usize>y * rowBytes;
        for (let p = 0; p < w; p++) {
          const q = <usize>p << 4;
          v128.store(o + q, f32x4.add(v128.load(o + q), v128.load(s + q)));
        }
        continue;
      }
      if (y >= rows) continue;
      const cols = load<i32>(L, 4);
      const j0 = load<i32>(L, 8);
      const j1 = load<i32>(L, 12);
      const yy = <usize>y;
      const ra = x + <usize>load<i32>(<usize>load<i32>(L, 16) + (yy << 2));
      const rb = x + <usize>load<i32>(<usize>load<i32>(L, 20) + (yy << 2));
      const fy = v128.load64_splat(<usize>load<i32>(L, 24) + (yy << 3));
      const gy = v128.load64_splat(<usize>load<i32>(L, 28) + (yy << 3));
      let j = j0;
      // two pixels per step: (R, G) of each and their two B in three f64x2; the X lanes of `blended` are not
      // written (no pass reads them)
      for (; j + 2 <= j1; j += 2) {
        const a0 = v128.load(ra + (<usize>j << 4));
        const a1 = v128.load(ra + (<usize>j << 4), 16);
        const b0 = v128.load(rb + (<usize>j << 4));
        const b1 = v128.load(rb + (<usize>j << 4), 16);
        const d = blended + (<usize>j << 5);
        v128.store(d, f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(a0), gy), f64x2.mul(f64x2.promote_low_f32x4(b0), fy)));
        v128.store(d, f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(a1), gy), f64x2.mul(f64x2.promote_low_f32x4(b1), fy)), 32);
        const ab = f64x2.promote_low_f32x4(v128.shuffle<f32>(a0, a1, 2, 6, 2, 6));
        const bb = f64x2.promote_low_f32x4(v128.shuffle<f32>(b0, b1, 2, 6, 2, 6));
        const bl = f64x2.add(f64x2.mul(ab, gy), f64x2.mul(bb, fy));
        v128.store64_lane(d, bl, 0, 16);
        v128.store64_lane(d, bl, 1, 48);
      }
      for (; j < j1; j++) {
        const a = v128.load(ra + (<usize>j << 4));
        const b = v128.load(rb + (<usize>j << 4));
        const d = blended + (<usize>j << 5);
        v128.store(d, f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(a), gy), f64x2.mul(f64x2.promote_low_f32x4(b), fy)));
        const ah = v128.shuffle<f32>(a, a, 2, 3, 0, 1);
        const bh = v128.shuffle<f32>(b, b, 2, 3, 0, 1);
        v128.store(d, f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(ah), gy), f64x2.mul(f64x2.promote_low_f32x4(bh), fy)), 16);
      }
      const xa = <usize>load<i32>(L, 32);
      const xb = <usize>load<i32>(L, 36);
      const fx = <usize>load<i32>(L, 40);
      const gx = <usize>load<i32>(L, 44);
      let c = 0;
      // two output pixels per step: (R, G) of each and their two B in three f64x2 (the X lanes, zero, are not
      // summed: each pixel's fourth float32 gets + 0 as before)
      for (; c + 2 <= cols; c += 2) {
        const cc = <usize>c;
        const pa0 = blended + <usize>load<i32>(xa + (cc << 2));
        const pa1 = blended + <usize>load<i32>(xa + (cc << 2), 4);
        const pb0 = blended + <usize>load<i32>(xb + (cc << 2));
        const pb1 = blended + <usize>load<i32>(xb + (cc << 2), 4);
        const fb = v128.load(fx + (cc << 3)); // fb0 fb1
        const fa = v128.load(gx + (cc << 3));
        const fb0 = v128.shuffle<f64>(fb, fb, 0, 0);
        const fb1 = v128.shuffle<f64>(fb, fb, 1, 1);
        const fa0 = v128.shuffle<f64>(fa, fa, 0, 0);
        const fa1 = v128.shuffle<f64>(fa, fa, 1, 1);
        const rg0 = f64x2.add(f64x2.mul(v128.load(pa0), fa0), f64x2.mul(v128.load(pb0), fb0));
        const rg1 = f64x2.add(f64x2.mul(v128.load(pa1), fa1), f64x2.mul(v128.load(pb1), fb1));
        const ba = v128.load64_lane(pa1 + 16, v128.load64_zero(pa0 + 16), 1);
        const bb = v128.load64_lane(pb1 + 16, v128.load64_zero(pb0 + 16), 1);
        const bl = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(ba, fa), f64x2.mul(bb, fb))); // B0 B1 0 0
        const d0 = f32x4.demote_f64x2_zero(rg0); // R0 G0 0 0
        const d1 = f32x4.demote_f64x2_zero(rg1);
        const q = o + (cc << 4);
        v128.store(q, f32x4.add(v128.load(q), v128.shuffle<f32>(d0, bl, 0, 1, 4, 2)));
        v128.store(q, f32x4.add(v128.load(q, 16), v128.shuffle<f32>(d1, bl, 0, 1, 5, 2)), 16);
      }
      for (; c < cols; c++) {
        const cc = <usize>c;
        const pa = blended + <usize>load<i32>(xa + (cc << 2));
        const pb = blended + <usize>load<i32>(xb + (cc << 2));
        const fb = v128.load64_splat(fx + (cc << 3));
        const fa = v128.load64_splat(gx + (cc << 3));
        const lo = f64x2.add(f64x2.mul(v128.load(pa), fa), f64x2.mul(v128.load(pb), fb));
        // (B, 0): `blended` holds no X
        const hi = f64x2.add(f64x2.mul(v128.load64_zero(pa + 16), fa), f64x2.mul(v128.load64_zero(pb + 16), fb));
        const v = v128.shuffle<i64>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
        const q = o + (cc << 4);
        v128.store(q, f32x4.add(v128.load(q), v));
      }
    }
  }
}

/**
 * zoom_blur's result as uint8 RGB: clip((x + out) / denom, 0, 1) · 255 in float32, truncated. Writes four
 * bytes per pixel (the fourth is overwritten by the next pixel): `dst` needs one spare byte.
 */
export function zoomFinish(x: usize, out: usize, dst: usize, npix: i32, denom: f32): void {
  const d = f32x4.splat(denom);
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const s255 = f32x4.splat(255);
  for (let i = 0; i < npix; i++) {
    const q = <usize>i << 4;
    let v = f32x4.div(f32x4.add(v128.load(x + q), v128.load(out + q)), d);
    v = f32x4.mul(f32x4.pmin(f32x4.pmax(v, zero), one), s255);
    // signed truncation (one instruction on x64; the unsigned one is a long sequence in V8): the same for [0, 255]
    const b = i32x4.trunc_sat_f32x4_s(v);
    const b16 = i16x8.narrow_i32x4_u(b, b);
    store<u32>(dst + <usize>i * 3, i32x4.extract_lane(i8x16.narrow_i16x8_u(b16, b16), 0));
  }
}

// ---------------------------------------------------------------------------------------------------------
// defocus_blur (../../kernels/defocus.ts defocusFilter): cv2.filter2D with the anti-aliased disk as flat-disk
// run sums over row prefix sums, a separable small Gaussian and a sparse residual. Channels stay interleaved
// (c values per pixel) and every element keeps defocusFilter's per-element order of operations.

/**
 * `src` h × w × c float64; `plane` (ph × pw pixels, ph = h + 2P) gets the BORDER_REFLECT_101-padded image
 * (`rowSrc[py]`: byte offset in src of the source row, `colSrc[px]`: byte offset in a row of the source pixel),
 * `prefix` (ph × (pw + 1) pixels) its per-row, per-channel prefix sums from 0.
 */
export function defocusPad(src: usize, plane: usize, prefix: usize, ph: i32, pw: i32, c: i32, rowSrc: usize, colSrc: usize): void {
  const pix = <usize>c << 3;
  let py = 0;
  if (c == 3) {
    // two rows at a time, channels 0–1 of a pixel as one f64x2 lane pair and channel 2 alone: four independent
    // running sums, each still accumulated in pixel order from 0
    const plRow = <usize>pw * 24;
    const prRow = <usize>(pw + 1) * 24;
    const z = f64x2.splat(0);
    for (; py + 2 <= ph; py += 2) {
      const sr0 = src + <usize>load<i32>(rowSrc + (<usize>py << 2));
      const sr1 = src + <usize>load<i32>(rowSrc + (<usize>py << 2), 4);
      const pl = plane + <usize>py * plRow;
      const pr = prefix + <usize>py * prRow;
      let a01 = z;
      let a2: f64 = 0;
      let b01 = z;
      let b2: f64 = 0;
      v128.store(pr, z);
      store<f64>(pr, 0, 16);
      v128.store(pr + prRow, z);
      store<f64>(pr + prRow, 0, 16);
      for (let px = 0; px < pw; px++) {
        const cs = <usize>load<i32>(colSrc + (<usize>px << 2));
        const s0 = sr0 + cs;
        const s1 = sr1 + cs;
        const u01 = v128.load(s0);
        const u2 = load<f64>(s0, 16);
        const w01 = v128.load(s1);
        const w2 = load<f64>(s1, 16);
        const d = pl + <usize>px * 24;
        v128.store(d, u01);
        store<f64>(d, u2, 16);
        v128.store(d + plRow, w01);
        store<f64>(d + plRow, w2, 16);
        a01 = f64x2.add(a01, u01);
        a2 += u2;
        b01 = f64x2.add(b01, w01);
        b2 += w2;
        const q = pr + <usize>(px + 1) * 24;
        v128.store(q, a01);
        store<f64>(q, a2, 16);
        v128.store(q + prRow, b01);
        store<f64>(q + prRow, b2, 16);
      }
    }
  }
  for (; py < ph; py++) {
    const sr = src + <usize>load<i32>(rowSrc + (<usize>py << 2));
    const pl = plane + <usize>py * <usize>pw * pix;
    const pr = prefix + <usize>py * <usize>(pw + 1) * pix;
    if (c == 3) {
      // the three channels' running sums side by side (each still accumulated in pixel order from 0)
      let a0: f64 = 0;
      let a1: f64 = 0;
      let a2: f64 = 0;
      store<f64>(pr, 0);
      store<f64>(pr, 0, 8);
      store<f64>(pr, 0, 16);
      for (let px = 0; px < pw; px++) {
        const s = sr + <usize>load<i32>(colSrc + (<usize>px << 2));
        const v0 = load<f64>(s);
        const v1 = load<f64>(s, 8);
        const v2 = load<f64>(s, 16);
        const d = pl + <usize>px * 24;
        store<f64>(d, v0);
        store<f64>(d, v1, 8);
        store<f64>(d, v2, 16);
        a0 += v0;
        a1 += v1;
        a2 += v2;
        const q = pr + <usize>(px + 1) * 24;
        store<f64>(q, a0);
        store<f64>(q, a1, 8);
        store<f64>(q, a2, 16);
      }
      continue;
    }
    for (let ch = 0; ch < c; ch++) {
      const o = <usize>ch << 3;
      let acc: f64 = 0;
      store<f64>(pr + o, 0);
      for (let px = 0; px < pw; px++) {
        const v = load<f64>(sr + <usize>load<i32>(colSrc + (<usize>px << 2)) + o);
        store<f64>(pl + <usize>px * pix + o, v);
        acc += v;
        store<f64>(pr + <usize>(px + 1) * pix + o, acc);
      }
    }
  }
}

const DEFOCUS_STRIP: i32 = 240;

/**
 * mid (mh rows of `n` = mw·c values) = the flat disk's sum at each position: Σ_k prefix[hi_k] − prefix[lo_k],
 * `lo`/`hi` byte offsets from the row's start in `prefix` (rows of `prefixRow` bytes), summed from 0 in run order.
 */
export function defocusRuns(prefix: usize, mid: usize, mh: i32, n: i32, prefixRow: i32, nRuns: i32, lo: usize, hi: usize): void {
  // column strips of DEFOCUS_STRIP values, all rows of a strip before the next: the disk's prefix rows of a strip
  // stay in L1 from one output row to the next (the same sums per element)
  for (let j0 = 0; j0 < n; j0 += DEFOCUS_STRIP) {
  const j1 = min(j0 + DEFOCUS_STRIP, n);
  for (let my = 0; my < mh; my++) {
    const rb = prefix + <usize>my * <usize>prefixRow;
    const o = mid + (<usize>my * <usize>n << 3);
    let j = j0;
    for (; j + 8 <= j1; j += 8) {
      const e = rb + (<usize>j << 3);
      let a0 = f64x2.splat(0);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      for (let k = 0; k < nRuns; k++) {
        const l = e + <usize>load<i32>(lo + (<usize>k << 2));
        const u = e + <usize>load<i32>(hi + (<usize>k << 2));
        a0 = f64x2.add(a0, f64x2.sub(v128.load(u), v128.load(l)));
        a1 = f64x2.add(a1, f64x2.sub(v128.load(u, 16), v128.load(l, 16)));
        a2 = f64x2.add(a2, f64x2.sub(v128.load(u, 32), v128.load(l, 32)));
        a3 = f64x2.add(a3, f64x2.sub(v128.load(u, 48), v128.load(l, 48)));
      }
      const d = o + (<usize>j << 3);
      v128.store(d, a0);
      v128.store(d, a1, 16);
      v128.store(d, a2, 32);
      v128.store(d, a3, 48);
    }
    for (; j < j1; j++) {
      const e = rb + (<usize>j << 3);
      let a: f64 = 0;
      for (let k = 0; k < nRuns; k++) a += load<f64>(e + <usize>load<i32>(hi + (<usize>k << 2))) - load<f64>(e + <usize>load<i32>(lo + (<usize>k << 2)));
      store<f64>(o + (<usize>j << 3), a);
    }
  }
  }
}

/** tmp (rows × n values) = (Σ_j g_j · mid[x + j pixels], from 0) · dval, along each row; mid rows hold n + (ks − 1)·c values. */
export function defocusRowG(mid: usize, tmp: usize, rows: i32, n: i32, c: i32, g: usize, ks: i32, dval: f64): void {
  const midRow = <usize>(n + (ks - 1) * c) << 3;
  const pix = <usize>c << 3;
  const dv = f64x2.splat(dval);
  for (let y = 0; y < rows; y++) {
    const m = mid + <usize>y * midRow;
    const t = tmp + (<usize>y * <usize>n << 3);
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const e = m + (<usize>j << 3);
      let a0 = f64x2.splat(0);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      for (let i = 0; i < ks; i++) {
        const gi = v128.load64_splat(g + (<usize>i << 3));
        const p = e + <usize>i * pix;
        a0 = f64x2.add(a0, f64x2.mul(gi, v128.load(p)));
        a1 = f64x2.add(a1, f64x2.mul(gi, v128.load(p, 16)));
        a2 = f64x2.add(a2, f64x2.mul(gi, v128.load(p, 32)));
        a3 = f64x2.add(a3, f64x2.mul(gi, v128.load(p, 48)));
      }
      const d = t + (<usize>j << 3);
      v128.store(d, f64x2.mul(a0, dv));
      v128.store(d, f64x2.mul(a1, dv), 16);
      v128.store(d, f64x2.mul(a2, dv), 32);
      v128.store(d, f64x2.mul(a3, dv), 48);
    }
    for (; j < n; j++) {
      const e = m + (<usize>j << 3);
      let a: f64 = 0;
      for (let i = 0; i < ks; i++) a += load<f64>(g + (<usize>i << 3)) * load<f64>(e + <usize>i * pix);
      store<f64>(t + (<usize>j << 3), a * dval);
    }
  }
}

/**
 * out (h rows × n values) = Σ_i g_i · tmp[y + i] (from 0), then + Σ_k resV_k · plane[y·planeRow + resOff_k]
 * (byte offsets) in list order.
 */
export function defocusColG(tmp: usize, plane: usize, out: usize, h: i32, n: i32, planeRow: i32, g: usize, ks: i32, nRes: i32, resV: usize, resOff: usize): void {
  const tRow = <usize>n << 3;
  for (let y = 0; y < h; y++) {
    const t = tmp + <usize>y * tRow;
    const pb = plane + <usize>y * <usize>planeRow;
    const o = out + <usize>y * tRow;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const jb = <usize>j << 3;
      let a0 = f64x2.splat(0);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      for (let i = 0; i < ks; i++) {
        const gi = v128.load64_splat(g + (<usize>i << 3));
        const p = t + <usize>i * tRow + jb;
        a0 = f64x2.add(a0, f64x2.mul(gi, v128.load(p)));
        a1 = f64x2.add(a1, f64x2.mul(gi, v128.load(p, 16)));
        a2 = f64x2.add(a2, f64x2.mul(gi, v128.load(p, 32)));
        a3 = f64x2.add(a3, f64x2.mul(gi, v128.load(p, 48)));
      }
      for (let k = 0; k < nRes; k++) {
        const v = v128.load64_splat(resV + (<usize>k << 3));
        const p = pb + <usize>load<i32>(resOff + (<usize>k << 2)) + jb;
        a0 = f64x2.add(a0, f64x2.mul(v, v128.load(p)));
        a1 = f64x2.add(a1, f64x2.mul(v, v128.load(p, 16)));
        a2 = f64x2.add(a2, f64x2.mul(v, v128.load(p, 32)));
        a3 = f64x2.add(a3, f64x2.mul(v, v128.load(p, 48)));
      }
      const d = o + jb;
      v128.store(d, a0);
      v128.store(d, a1, 16);
      v128.store(d, a2, 32);
      v128.store(d, a3, 48);
    }
    for (; j < n; j++) {
      const jb = <usize>j << 3;
      let a: f64 = 0;
      for (let i = 0; i < ks; i++) a += load<f64>(g + (<usize>i << 3)) * load<f64>(t + <usize>i * tRow + jb);
      for (let k = 0; k < nRes; k++) a += load<f64>(resV + (<usize>k << 3)) * load<f64>(pb + <usize>load<i32>(resOff + (<usize>k << 2)) + jb);
      store<f64>(o + jb, a);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// motion_blur and snow's blur (../../kernels/motion.ts): taps of edge-replicated shifted copies, summed from 0
// in kernel order per element.

/** Rows of `src` (h × w × c float64) into `padded` with padL / padR edge pixels each side. */
export function motionPad(src: usize, padded: usize, h: i32, w: i32, c: i32, padL: i32, padR: i32): void {
  const pix = <usize>c << 3;
  const rowBytes = <usize>w * pix;
  const pRow = <usize>(w + padL + padR) * pix;
  for (let y = 0; y < h; y++) {
    const s = src + <usize>y * rowBytes;
    const d = padded + <usize>y * pRow;
    memory.copy(d + <usize>padL * pix, s, rowBytes);
    for (let x = 0; x < padL; x++) memory.copy(d + <usize>x * pix, s, pix);
    const last = s + rowBytes - pix;
    const e = d + <usize>(padL + w) * pix;
    for (let x = 0; x < padR; x++) memory.copy(e + <usize>x * pix, last, pix);
  }
}

const MOTION_STRIP: i32 = 240;

/**
 * out (h rows × n values) = Σ_i k_i · padded[clamp(y − shiftY_i)·pRow + offX_i + value] from 0 in tap order
 * (`offX` byte offsets of the horizontal shift within a padded row, `offs` scratch for `taps` int32).
 */
export function motionTaps(padded: usize, out: usize, h: i32, n: i32, pRow: i32, taps: i32, k: usize, shiftY: usize, offX: usize, offs: usize): void {
  // column strips of MOTION_STRIP values, all rows of a strip before the next: the rows a strip's taps read stay
  // in cache from one output row to the next (the same sums per element)
  for (let j0 = 0; j0 < n; j0 += MOTION_STRIP) {
  const j1 = min(j0 + MOTION_STRIP, n);
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < taps; i++) {
      let sy = y - load<i32>(shiftY + (<usize>i << 2));
      sy = sy < 0 ? 0 : sy > h - 1 ? h - 1 : sy;
      store<i32>(offs + (<usize>i << 2), sy * pRow + load<i32>(offX + (<usize>i << 2)));
    }
    const o = out + (<usize>y * <usize>n << 3);
    let j = j0;
    for (; j + 8 <= j1; j += 8) {
      const e = padded + (<usize>j << 3);
      let a0 = f64x2.splat(0);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      for (let i = 0; i < taps; i++) {
        const ki = v128.load64_splat(k + (<usize>i << 3));
        const p = e + <usize>load<i32>(offs + (<usize>i << 2));
        a0 = f64x2.add(a0, f64x2.mul(ki, v128.load(p)));
        a1 = f64x2.add(a1, f64x2.mul(ki, v128.load(p, 16)));
        a2 = f64x2.add(a2, f64x2.mul(ki, v128.load(p, 32)));
        a3 = f64x2.add(a3, f64x2.mul(ki, v128.load(p, 48)));
      }
      const d = o + (<usize>j << 3);
      v128.store(d, a0);
      v128.store(d, a1, 16);
      v128.store(d, a2, 32);
      v128.store(d, a3, 48);
    }
    for (; j < j1; j++) {
      const e = padded + (<usize>j << 3);
      let a: f64 = 0;
      for (let i = 0; i < taps; i++) a += load<f64>(k + (<usize>i << 3)) * load<f64>(e + <usize>load<i32>(offs + (<usize>i << 2)));
      store<f64>(o + (<usize>j << 3), a);
    }
  }
  }
}

// ---------------------------------------------------------------------------------------------------------
// glass_blur's local pixel moves (../../blur.ts glassBlur) and elastic_transform's uniform fields, drawn here from
// the project Rng (xoshiro128**, src/random.ts): the loader saves the Rng's 128-bit state at `st`
// (Rng.saveState), a kernel continues that stream in four locals and writes the advanced state back, which the
// loader hands to the Rng (Rng.loadState). The same draws in the same order as the JavaScript loops.

// ---------------------------------------------------------------------------------------------------------
// Four lanes of the one xoshiro128** stream (./xoshiro-lanes.ts, shared with noise.ts): one fill = RAW
// consecutive outputs of the stream into RAW_BUF, for one SIMD step per 4 outputs. The jump table (8 KiB at
// JUMP_TAB) and the output buffer (16 KiB at RAW_BUF) are the memory the loader reserves below every layout
// (../loader.ts LAYOUT_BASE); `initRaw` builds the table once per instance.

const JUMP_TAB: usize = 0;
const RAW_BUF: usize = 8192;

// the generator state while a kernel fills (hot loops keep it in locals)
let g0: u32 = 0;
let g1: u32 = 0;
let g2: u32 = 0;
let g3: u32 = 0;

/** Build the jump table at JUMP_TAB. Once per instance (../loader.ts). */
export function initRaw(): void {
  buildJumpTable(JUMP_TAB);
}

/** RAW consecutive outputs of the generator g0..g3 into RAW_BUF (u32); g0..g3 advance by RAW steps. */
function fillRaw(): void {
  const v = fillLanes(JUMP_TAB, RAW_BUF, state4(g0, g1, g2, g3));
  g0 = i32x4.extract_lane(v, 0);
  g1 = i32x4.extract_lane(v, 1);
  g2 = i32x4.extract_lane(v, 2);
  g3 = i32x4.extract_lane(v, 3);
}

/** The next m (< RAW) outputs of g0..g3 into RAW_BUF one at a time (Rng.nextUint32). */
function fillScalar(m: i32): void {
  let s0 = g0;
  let s1 = g1;
  let s2 = g2;
  let s3 = g3;
  for (let i = 0; i < m; i++) {
    store<u32>(RAW_BUF + (<usize>i << 2), rotl<u32>(s1 * 5, 7) * 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
  }
  g0 = s0;
  g1 = s1;
  g2 = s2;
  g3 = s3;
}

// @ts-ignore: decorator
@inline
function loadState(st: usize): void {
  g0 = load<u32>(st);
  g1 = load<u32>(st, 4);
  g2 = load<u32>(st, 8);
  g3 = load<u32>(st, 12);
}

// @ts-ignore: decorator
@inline
function saveState(st: usize): void {
  store<u32>(st, g0);
  store<u32>(st, g1, 4);
  store<u32>(st, g2, 8);
  store<u32>(st, g3, 12);
}

/**
 * `iterations` sweeps over rows h − δ … δ + 1 and columns w − δ … δ + 1 of an h × w RGB uint8 image: per pixel
 * dx, dy = floor(u · 2δ / 2³²) − δ from the next two 32-bit draws (Rng.nextUint32, in that order), then
 * x[h, w] ← x[h + dy, w + dx] (the reference's view-aliased "swap" is in effect this copy). The draws stay
 * scalar and interleaved with the moves: drawing them in blocks from the SIMD generator below measured slower
 * (224×224, δ 2, 3 sweeps: 0.56 → 0.65 ms), the moves' loads and stores being the cost.
 */
export function glassMoves(x: usize, h: i32, w: i32, delta: i32, iterations: i32, st: usize): void {
  let s0 = load<u32>(st);
  let s1 = load<u32>(st, 4);
  let s2 = load<u32>(st, 8);
  let s3 = load<u32>(st, 12);
  const rowStep = w * 3;
  const span = <u64>(2 * delta);
  for (let it = 0; it < iterations; it++) {
    for (let hh = h - delta; hh > delta; hh--) {
      let a = (hh * w + w - delta) * 3;
      for (let ww = w - delta; ww > delta; ww--, a -= 3) {
        const u = rotl<u32>(s1 * 5, 7) * 9;
        let t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl<u32>(s3, 11);
        const v = rotl<u32>(s1 * 5, 7) * 9;
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl<u32>(s3, 11);
        // floor(u · 2δ / 2³²) in integers: the same value as blur.ts's exact float64 product, floored
        const dx = <i32>((<u64>u * span) >> 32) - delta;
        const dy = <i32>((<u64>v * span) >> 32) - delta;
        const d = x + <usize>a;
        const s = x + <usize>(a + dy * rowStep + dx * 3);
        store<u16>(d, load<u16>(s));
        store<u8>(d, load<u8>(s, 2), 2);
      }
    }
  }
  store<u32>(st, s0);
  store<u32>(st, s1, 4);
  store<u32>(st, s2, 8);
  store<u32>(st, s3, 12);
}

/**
 * dst[i] = lo + span · Rng.next() for n float64 values (Rng.uniform(lo, hi) with span = hi − lo computed by the
 * caller as JavaScript does): next() is (a >>> 5)·2²⁶ + (b >>> 6) over 2⁵³ from two 32-bit draws, and scaling
 * by the power of two 2⁻⁵³ is exact, as the division. RAW / 2 values per fill of the SIMD generator, two per
 * f64x2 step (the integer parts convert exactly), then the rest one draw pair at a time.
 */
export function uniformFill(dst: usize, n: i32, lo: f64, span: f64, st: usize): void {
  loadState(st);
  const half = RAW >> 1;
  const lo2 = f64x2.splat(lo);
  const span2 = f64x2.splat(span);
  const k26 = f64x2.splat(67108864.0);
  const k53 = f64x2.splat(1.0 / 9007199254740992.0);
  for (let i = 0; i < n; ) {
    const m = min(half, n - i);
    if (m == half) fillRaw();
    else fillScalar(2 * m);
    const out = dst + (<usize>i << 3);
    let j = 0;
    for (; j + 2 <= m; j += 2) {
      const r = v128.load(RAW_BUF + (<usize>j << 3)); // a0 b0 a1 b1
      const ab = v128.shuffle<u32>(i32x4.shr_u(r, 5), i32x4.shr_u(r, 6), 0, 2, 5, 7); // a0>>>5 a1>>>5 b0>>>6 b1>>>6
      const fa = f64x2.convert_low_i32x4_u(ab);
      const fb = f64x2.convert_low_i32x4_u(v128.shuffle<u32>(ab, ab, 2, 3, 0, 1));
      const u = f64x2.mul(f64x2.add(f64x2.mul(fa, k26), fb), k53);
      v128.store(out + (<usize>j << 3), f64x2.add(lo2, f64x2.mul(span2, u)));
    }
    for (; j < m; j++) {
      const a = load<u32>(RAW_BUF + (<usize>j << 3));
      const b = load<u32>(RAW_BUF + (<usize>j << 3), 4);
      const u = (<f64>(a >>> 5) * 67108864.0 + <f64>(b >>> 6)) * (1.0 / 9007199254740992.0);
      store<f64>(out + (<usize>j << 3), lo + span * u);
    }
    i += m;
  }
  saveState(st);
}

// ---------------------------------------------------------------------------------------------------------
// elastic_transform's resampling (../../elastic.ts): scipy map_coordinates(order=1, mode='reflect') of an RGBX
// float32 image at (y + dy, x + dx), float64 interpolation rounded to float32, then clip · 255 to uint8.

@inline function reflectIndex(i: i32, n: i32): i32 {
  if (i >= 0 && i < n) return i;
  if (n == 1) return 0;
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/** `img` h × w RGBX float32, `dxp`/`dyp` h × w float32 displacements, `dst` h × w RGB uint8. */
export function elasticSample(img: usize, dxp: usize, dyp: usize, dst: usize, h: i32, w: i32): void {
  const one = f64x2.splat(1);
  const zero = f64x2.splat(0);
  const s255 = f64x2.splat(255);
  const k52 = f64x2.splat(4503599627370496.0);
  const k16 = f64x2.splat(65536.0);
  const rowBytes = <usize>w << 4;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const q = <usize>(y * w + x);
      const sy = <f64>y + <f64>load<f32>(dyp + (q << 2));
      const sx = <f64>x + <f64>load<f32>(dxp + (q << 2));
      // floor by truncation and a step down (exact for |s| < 2³¹; measured faster here than f64.floor)
      let y0 = <i32>sy;
      if (<f64>y0 > sy) y0--;
      let x0 = <i32>sx;
      if (<f64>x0 > sx) x0--;
      const fy0 = <f64>y0;
      const fx0 = <f64>x0;
      const fy = sy - fy0;
      const fx = sx - fx0;
      let pa: usize;
      let pb: usize;
      let pc: usize;
      let pd: usize;
      if (y0 >= 0 && y0 + 1 < h && x0 >= 0 && x0 + 1 < w) {
        pa = img + <usize>y0 * rowBytes + (<usize>x0 << 4);
        pb = pa + 16;
        pc = pa + rowBytes;
        pd = pc + 16;
      } else {
        const ya = <usize>reflectIndex(y0, h) * rowBytes;
        const yb = <usize>reflectIndex(y0 + 1, h) * rowBytes;
        const xa = <usize>reflectIndex(x0, w) << 4;
        const xb = <usize>reflectIndex(x0 + 1, w) << 4;
        pa = img + ya + xa;
        pb = img + ya + xb;
        pc = img + yb + xa;
        pd = img + yb + xb;
      }
      // (a·(1 − fx) + b·fx)·(1 − fy) + (c·(1 − fx) + d·fx)·fy per channel, as elastic.ts
      const FX = f64x2.splat(fx);
      const GX = f64x2.splat(1 - fx);
      const FY = f64x2.splat(fy);
      const GY = f64x2.splat(1 - fy);
      const a = v128.load(pa);
      const b = v128.load(pb);
      const c = v128.load(pc);
      const d = v128.load(pd);
      const a1 = v128.shuffle<f32>(a, a, 2, 3, 0, 1);
      const b1 = v128.shuffle<f32>(b, b, 2, 3, 0, 1);
      const c1 = v128.shuffle<f32>(c, c, 2, 3, 0, 1);
      const d1 = v128.shuffle<f32>(d, d, 2, 3, 0, 1);
      const top0 = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(a), GX), f64x2.mul(f64x2.promote_low_f32x4(b), FX));
      const bot0 = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(c), GX), f64x2.mul(f64x2.promote_low_f32x4(d), FX));
      const top1 = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(a1), GX), f64x2.mul(f64x2.promote_low_f32x4(b1), FX));
      const bot1 = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(c1), GX), f64x2.mul(f64x2.promote_low_f32x4(d1), FX));
      // rounded to float32 (the reference's float32 output), then clip · 255 in float64 and truncated
      let v0 = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(top0, GY), f64x2.mul(bot0, FY))));
      let v1 = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(top1, GY), f64x2.mul(bot1, FY))));
      v0 = f64x2.mul(f64x2.pmin(f64x2.pmax(v0, zero), one), s255);
      v1 = f64x2.mul(f64x2.pmin(f64x2.pmax(v1, zero), one), s255);
      // truncation of values in [0, 255] = floor; floor·256ᵏ + 2⁵² (exact) holds it in mantissa byte k: R in
      // byte 0, G in byte 8, B (k = 2) in byte 2 of the or, gathered and stored as 2 + 1 bytes
      const i0 = f64x2.add(f64x2.floor(v0), k52);
      const i1 = f64x2.add(f64x2.mul(f64x2.floor(v1), k16), k52);
      const rgb = v128.or(i0, i1);
      const out3 = v128.shuffle<u8>(rgb, rgb, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
      const o = dst + q * 3;
      v128.store16_lane(o, out3, 0);
      v128.store8_lane(o, out3, 2, 2);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// frost's texture resize (../../kernels/resize.ts cvResizeRegion): separable cubic / linear taps in float64,
// horizontal then vertical, each sum from 0 in tap order; rounded as JavaScript's Math.round and saturated.

/**
 * tmp (rows × rw·c float64) from `rows` uint8 source rows of `srcRow` bytes: per output pixel x and tap k,
 * weight xw[x·taps + k] times the source value at byte offset xo[x·taps + k] (+ channel).
 */
export function resizeH(src: usize, srcRow: i32, rows: i32, tmp: usize, rw: i32, c: i32, xo: usize, xw: usize, taps: i32): void {
  const n = rw * c;
  for (let y = 0; y < rows; y++) {
    const s = src + <usize>y * <usize>srcRow;
    const d = tmp + (<usize>y * <usize>n << 3);
    if (c == 3) {
      // two output pixels per step: lanes (a0, b0), (e0, a1), (b1, e1) — the six float64 in output order, each
      // still its own sum from 0 in tap order. Source bytes as int32 lanes via one byte shuffle (byte 15 of the
      // loaded vector is 0), converted signed (values 0..255). The 4-byte loads read one byte past a pixel: the
      // window is followed by tmp in the same memory.
      let x = 0;
      for (; x + 2 <= rw; x += 2) {
        let v0 = f64x2.splat(0);
        let v1 = v0;
        let v2 = v0;
        const t0 = <usize>(x * taps);
        const t1 = t0 + <usize>taps;
        for (let k: usize = 0; k < <usize>taps; k++) {
          const w0 = v128.load64_splat(xw + ((t0 + k) << 3));
          const w1 = v128.load64_splat(xw + ((t1 + k) << 3));
          const wm = i64x2.shuffle(w0, w1, 0, 3);
          let v = v128.load32_zero(s + <usize>load<i32>(xo + ((t0 + k) << 2)));
          v = v128.load32_lane(s + <usize>load<i32>(xo + ((t1 + k) << 2)), v, 1);
          const p0 = f64x2.convert_low_i32x4_s(i8x16.shuffle(v, v, 0, 15, 15, 15, 1, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15));
          const p1 = f64x2.convert_low_i32x4_s(i8x16.shuffle(v, v, 2, 15, 15, 15, 4, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15));
          const p2 = f64x2.convert_low_i32x4_s(i8x16.shuffle(v, v, 5, 15, 15, 15, 6, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15));
          v0 = f64x2.add(v0, f64x2.mul(w0, p0));
          v1 = f64x2.add(v1, f64x2.mul(wm, p1));
          v2 = f64x2.add(v2, f64x2.mul(w1, p2));
        }
        const q = d + <usize>x * 24;
        v128.store(q, v0);
        v128.store(q, v1, 16);
        v128.store(q, v2, 32);
      }
      for (; x < rw; x++) {
        let a: f64 = 0;
        let b: f64 = 0;
        let e: f64 = 0;
        const t = <usize>(x * taps);
        for (let k: usize = 0; k < <usize>taps; k++) {
          const wk = load<f64>(xw + ((t + k) << 3));
          const p = s + <usize>load<i32>(xo + ((t + k) << 2));
          a += wk * <f64>load<u8>(p);
          b += wk * <f64>load<u8>(p, 1);
          e += wk * <f64>load<u8>(p, 2);
        }
        const q = d + <usize>x * 24;
        store<f64>(q, a);
        store<f64>(q, b, 8);
        store<f64>(q, e, 16);
      }
      continue;
    }
    for (let x = 0; x < rw; x++) {
      const t = <usize>(x * taps);
      for (let ch = 0; ch < c; ch++) {
        let a: f64 = 0;
        for (let k: usize = 0; k < <usize>taps; k++) a += load<f64>(xw + ((t + k) << 3)) * <f64>load<u8>(s + <usize>load<i32>(xo + ((t + k) << 2)) + <usize>ch);
        store<f64>(d + (<usize>(x * c + ch) << 3), a);
      }
    }
  }
}

/**
 * JavaScript's Math.round (ties towards +∞) per lane: r = ceil(a), r − 1 when a < r − 0.5. The comparison is exact
 * (r − 0.5 is a double for |r| ≤ 2^52, and larger a are integers): `r − a > 0.5` is not, as r − a rounds
 * (a = 0.49999999999999994 gives 1 − a = 0.5, so 1 where Math.round gives 0).
 */
@inline function jsRound2(a: v128): v128 {
  const r = f64x2.ceil(a);
  return f64x2.sub(r, v128.and(f64x2.gt(f64x2.sub(r, f64x2.splat(0.5)), a), f64x2.splat(1)));
}

/**
 * out (rh × n uint8) = saturate(round(Σ_k wts[y·taps + k] · tmp[row k])), `rowOff[y·taps + k]` the byte offset
 * in tmp of that tap's row.
 */
export function resizeV(tmp: usize, out: usize, rh: i32, n: i32, taps: i32, rowOff: usize, wts: usize): void {
  const zero = f64x2.splat(0);
  const top = f64x2.splat(255);
  for (let y = 0; y < rh; y++) {
    const t = <usize>(y * taps);
    const o = out + <usize>y * <usize>n;
    let j = 0;
    // eight outputs per step (one weight and row offset per tap for four vectors); round, then int32 by signed
    // truncation and two saturating narrows (int32 → int16 signed, int16 → uint8 unsigned): for the integral,
    // finite rounded sums this is the clamp to [0, 255] of the four-lane path below
    for (; j + 8 <= n; j += 8) {
      const jb = <usize>j << 3;
      let a0 = zero;
      let a1 = zero;
      let a2 = zero;
      let a3 = zero;
      for (let k: usize = 0; k < <usize>taps; k++) {
        const wk = v128.load64_splat(wts + ((t + k) << 3));
        const p = tmp + <usize>load<i32>(rowOff + ((t + k) << 2)) + jb;
        a0 = f64x2.add(a0, f64x2.mul(wk, v128.load(p)));
        a1 = f64x2.add(a1, f64x2.mul(wk, v128.load(p, 16)));
        a2 = f64x2.add(a2, f64x2.mul(wk, v128.load(p, 32)));
        a3 = f64x2.add(a3, f64x2.mul(wk, v128.load(p, 48)));
      }
      const r0 = i32x4.trunc_sat_f64x2_s_zero(jsRound2(a0));
      const r1 = i32x4.trunc_sat_f64x2_s_zero(jsRound2(a1));
      const r2 = i32x4.trunc_sat_f64x2_s_zero(jsRound2(a2));
      const r3 = i32x4.trunc_sat_f64x2_s_zero(jsRound2(a3));
      const h = i16x8.narrow_i32x4_s(i32x4.shuffle(r0, r1, 0, 1, 4, 5), i32x4.shuffle(r2, r3, 0, 1, 4, 5));
      v128.store64_lane(o + <usize>j, i8x16.narrow_i16x8_u(h, h), 0);
    }
    for (; j + 4 <= n; j += 4) {
      const jb = <usize>j << 3;
      let a0 = zero;
      let a1 = zero;
      for (let k: usize = 0; k < <usize>taps; k++) {
        const wk = v128.load64_splat(wts + ((t + k) << 3));
        const p = tmp + <usize>load<i32>(rowOff + ((t + k) << 2)) + jb;
        a0 = f64x2.add(a0, f64x2.mul(wk, v128.load(p)));
        a1 = f64x2.add(a1, f64x2.mul(wk, v128.load(p, 16)));
      }
      // a ≤ 0 → 0 and a ≥ 255 → 255 as cvResizeRegion: round first, then clamp, gives the same
      const r0 = i32x4.trunc_sat_f64x2_u_zero(f64x2.pmin(f64x2.pmax(jsRound2(a0), zero), top));
      const r1 = i32x4.trunc_sat_f64x2_u_zero(f64x2.pmin(f64x2.pmax(jsRound2(a1), zero), top));
      const q = o + <usize>j;
      store<u8>(q, <u8>i32x4.extract_lane(r0, 0));
      store<u8>(q, <u8>i32x4.extract_lane(r0, 1), 1);
      store<u8>(q, <u8>i32x4.extract_lane(r1, 0), 2);
      store<u8>(q, <u8>i32x4.extract_lane(r1, 1), 3);
    }
    for (; j < n; j++) {
      let a: f64 = 0;
      for (let k: usize = 0; k < <usize>taps; k++) a += load<f64>(wts + ((t + k) << 3)) * load<f64>(tmp + <usize>load<i32>(rowOff + ((t + k) << 2)) + (<usize>j << 3));
      const r = jsRound(a);
      store<u8>(o + <usize>j, <u8><u32>(r < 0 ? 0 : r > 255 ? 255 : r));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// snow's compositing (../../weather.ts snow), per pixel in the same float64 / float32 steps.

/** JavaScript's Math.round (ties towards +∞): r = ceil(a), r − 1 when a < r − 0.5 (exact; see jsRound2). */
@inline function jsRound(a: f64): f64 {
  const r = Math.ceil(a);
  return r - 0.5 > a ? r - 1 : r;
}

/**
 * Two RGB pixels' bytes from (R0, R1), (G0, G1), (B0, B1) in [0, 255] (or −0): their truncations = floors, each
 * ·256ᵏ + 2⁵² (exact, < 2⁵³) so that channel k's integer sits in mantissa byte k, or-ed: bytes 0 … 2 and 8 … 10,
 * gathered into bytes 0 … 5 (store them as 4 + 2).
 */
@inline function packRgb2(r: v128, g: v128, b: v128): v128 {
  const k52 = f64x2.splat(4503599627370496.0);
  const x = v128.or(
    v128.or(f64x2.add(f64x2.floor(r), k52), f64x2.add(f64x2.mul(f64x2.floor(g), f64x2.splat(256.0)), k52)),
    f64x2.add(f64x2.mul(f64x2.floor(b), f64x2.splat(65536.0)), k52),
  );
  return v128.shuffle<u8>(x, x, 0, 1, 2, 8, 9, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

/**
 * `blurred` (lh × lw float64, the motion-blurred flakes) → layer = clip(round(v·255), 0, 255) / 255 on the top-left
 * h × w, then per pixel (RGB uint8 `src`, float32(v/255) from `table`): gray = f32(f32(0.299r + 0.587g + 0.114b)·1.5
 * + 0.5), v = f32(f32(keep·x) + f32(mix·max(x, gray))) + layer[p] + layer[n − 1 − p], clip · 255 into `dst`.
 */
export function snowFinish(src: usize, blurred: usize, layer: usize, dst: usize, h: i32, w: i32, lw: i32, keep: f64, mix: f64, table: usize): void {
  const z2 = f64x2.splat(0);
  const t2 = f64x2.splat(255);
  for (let y = 0; y < h; y++) {
    const bRow = blurred + (<usize>(y * lw) << 3);
    const lRow = layer + (<usize>(y * w) << 3);
    let x = 0;
    // two columns per f64x2 (round, clamp and divide lane by lane: the scalar steps below)
    for (; x + 2 <= w; x += 2) {
      const o = <usize>x << 3;
      v128.store(lRow + o, f64x2.div(f64x2.pmin(f64x2.pmax(jsRound2(f64x2.mul(v128.load(bRow + o), t2)), z2), t2), t2));
    }
    for (; x < w; x++) {
      let v = jsRound(load<f64>(bRow + (<usize>x << 3)) * 255);
      v = v < 0 ? 0 : v > 255 ? 255 : v;
      store<f64>(lRow + (<usize>x << 3), v / 255);
    }
  }
  const n = h * w;
  // two pixels per iteration, one per f64x2 lane (the per-lane operations are the scalar ones)
  const c299 = f64x2.splat(0.299);
  const c587 = f64x2.splat(0.587);
  const c114 = f64x2.splat(0.114);
  const c15 = f64x2.splat(1.5);
  const c05 = f64x2.splat(0.5);
  const K = f64x2.splat(keep);
  const M = f64x2.splat(mix);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const s255 = f64x2.splat(255);
  let p = 0;
  for (; p + 2 <= n; p += 2) {
    const s = src + <usize>p * 3;
    const r = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(table + (<usize>load<u8>(s) << 2))), 1, <f64>load<f32>(table + (<usize>load<u8>(s, 3) << 2)));
    const g = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(table + (<usize>load<u8>(s, 1) << 2))), 1, <f64>load<f32>(table + (<usize>load<u8>(s, 4) << 2)));
    const b = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(table + (<usize>load<u8>(s, 2) << 2))), 1, <f64>load<f32>(table + (<usize>load<u8>(s, 5) << 2)));
    const lum = f64x2.add(f64x2.add(f64x2.mul(c299, r), f64x2.mul(c587, g)), f64x2.mul(c114, b));
    const gray = round32x2(f64x2.add(f64x2.mul(round32x2(lum), c15), c05));
    const back = layer + (<usize>(n - 2 - p) << 3);
    const sn = f64x2.add(v128.load(layer + (<usize>p << 3)), v128.shuffle<f64>(v128.load(back), v128.load(back), 1, 0));
    let v0 = f64x2.add(round32x2(f64x2.add(round32x2(f64x2.mul(K, r)), round32x2(f64x2.mul(M, f64x2.pmax(r, gray))))), sn);
    let v1 = f64x2.add(round32x2(f64x2.add(round32x2(f64x2.mul(K, g)), round32x2(f64x2.mul(M, f64x2.pmax(g, gray))))), sn);
    let v2 = f64x2.add(round32x2(f64x2.add(round32x2(f64x2.mul(K, b)), round32x2(f64x2.mul(M, f64x2.pmax(b, gray))))), sn);
    const o6 = packRgb2(
      f64x2.mul(f64x2.pmin(f64x2.pmax(v0, zero), one), s255),
      f64x2.mul(f64x2.pmin(f64x2.pmax(v1, zero), one), s255),
      f64x2.mul(f64x2.pmin(f64x2.pmax(v2, zero), one), s255),
    );
    const o = dst + <usize>p * 3;
    v128.store32_lane(o, o6, 0);
    v128.store16_lane(o, o6, 2, 4);
  }
  for (; p < n; p++) {
    const s = src + <usize>p * 3;
    const r = <f64>load<f32>(table + (<usize>load<u8>(s) << 2));
    const g = <f64>load<f32>(table + (<usize>load<u8>(s, 1) << 2));
    const b = <f64>load<f32>(table + (<usize>load<u8>(s, 2) << 2));
    const gray = <f64>(<f32>(<f64>(<f32>(0.299 * r + 0.587 * g + 0.114 * b)) * 1.5 + 0.5));
    const sn = load<f64>(layer + (<usize>p << 3)) + load<f64>(layer + (<usize>(n - 1 - p) << 3));
    let v0 = <f64>(<f32>(<f64>(<f32>(keep * r)) + <f64>(<f32>(mix * max(r, gray))))) + sn;
    let v1 = <f64>(<f32>(<f64>(<f32>(keep * g)) + <f64>(<f32>(mix * max(g, gray))))) + sn;
    let v2 = <f64>(<f32>(<f64>(<f32>(keep * b)) + <f64>(<f32>(mix * max(b, gray))))) + sn;
    v0 = v0 < 0 ? 0 : v0 > 1 ? 1 : v0;
    v1 = v1 < 0 ? 0 : v1 > 1 ? 1 : v1;
    v2 = v2 < 0 ? 0 : v2 > 1 ? 1 : v2;
    const o = dst + <usize>p * 3;
    store<u8>(o, <u8><u32>(v0 * 255));
    store<u8>(o, <u8><u32>(v1 * 255), 1);
    store<u8>(o, <u8><u32>(v2 * 255), 2);
  }
}

/** Both lanes rounded to float32 and back (Math.fround per lane). */
@inline function round32x2(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
}

// ---------------------------------------------------------------------------------------------------------
// spatter's water mode (../../spatter.ts, ../../kernels/cv-morph.ts): uint8 layer → Canny → chamfer distance →
// box blur → equalised histogram → emboss → box blur → shading, each step as its JavaScript twin (integer
// arithmetic where that one is integer, the same float64 / float32 steps elsewhere).

/** l8 = uint8(trunc(liquid · 255)), wrapping as numpy's astype(uint8) (and JavaScript's `& 255`) does. */
export function spatterL8(liquid: usize, l8: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u8>(l8 + <usize>i, <u8>(<i32>(load<f64>(liquid + (<usize>i << 3)) * 255) & 255));
}

/** A one-pixel border copy of an h × w uint8 plane into `p` ((h + 2) × (w + 2)): edge replicated, or reflect-101 when `mirror`. */
function pad1(src: usize, p: usize, h: i32, w: i32, mirror: bool): void {
  const PW = w + 2;
  const x0 = mirror && w > 1 ? 1 : 0;
  const x1 = mirror && w > 1 ? w - 2 : w - 1;
  const y0 = mirror && h > 1 ? 1 : 0;
  const y1 = mirror && h > 1 ? h - 2 : h - 1;
  for (let y = -1; y <= h; y++) {
    const sy = src + <usize>((y < 0 ? y0 : y >= h ? y1 : y) * w);
    const o = p + <usize>((y + 1) * PW);
    memory.copy(o + 1, sy, <usize>w);
    store<u8>(o, load<u8>(sy + <usize>x0));
    store<u8>(o + <usize>(w + 1), load<u8>(sy + <usize>x1));
  }
}

/**
 * cv-morph.ts canny(l8, 50, 150) → `map` (h × w: 2 on edges), then the chamfer distance to the edges
 * (distanceTransform5, clipped at 20 as spatter does) into `dist` (h × w float32).
 * Scratch: pad ((h+2)(w+2) bytes), gx, gy (h·w int32), mag ((h+2)(w+2) int32), stack (h·w int32),
 * plane ((h+4)(w+4) float64).
 */
export function spatterEdgesDistance(l8: usize, map: usize, dist: usize, h: i32, w: i32, lo: i32, hi: i32, tg22: i32, pad: usize, gxp: usize, gyp: usize, mag: usize, stack: usize, plane: usize): void {
  const W = w + 2;
  const n = h * w;
  pad1(l8, pad, h, w, false);
  memory.fill(mag, 0, <usize>((h + 2) * W) << 2);
  memory.fill(map, 0, <usize>n);
  for (let y = 0; y < h; y++) {
    const t = pad + <usize>(y * W);
    const m = t + <usize>W;
    const b = m + <usize>W;
    let x0 = 0;
    // eight pixels per iteration in i16 lanes (|gx|, |gy| ≤ 1020), widened to the int32 outputs: the integer
    // values of the scalar loop below
    for (; x0 + 8 <= w; x0 += 8) {
      const xx = <usize>x0;
      const tl = v128.load8x8_u(t + xx);
      const tc = v128.load8x8_u(t + xx + 1);
      const tr = v128.load8x8_u(t + xx + 2);
      const ml = v128.load8x8_u(m + xx);
      const mr = v128.load8x8_u(m + xx + 2);
      const bl = v128.load8x8_u(b + xx);
      const bc = v128.load8x8_u(b + xx + 1);
      const br = v128.load8x8_u(b + xx + 2);
      const gx = i16x8.sub(i16x8.add(i16x8.add(tr, i16x8.shl(mr, 1)), br), i16x8.add(i16x8.add(tl, i16x8.shl(ml, 1)), bl));
      const gy = i16x8.add(i16x8.add(i16x8.sub(bl, tl), i16x8.shl(i16x8.sub(bc, tc), 1)), i16x8.sub(br, tr));
      const mg = i16x8.add(i16x8.abs(gx), i16x8.abs(gy));
      const q = <usize>(y * w + x0) << 2;
      v128.store(gxp + q, i32x4.extend_low_i16x8_s(gx));
      v128.store(gxp + q, i32x4.extend_high_i16x8_s(gx), 16);
      v128.store(gyp + q, i32x4.extend_low_i16x8_s(gy));
      v128.store(gyp + q, i32x4.extend_high_i16x8_s(gy), 16);
      const mq = mag + (<usize>((y + 1) * W + x0 + 1) << 2);
      v128.store(mq, i32x4.extend_low_i16x8_s(mg));
      v128.store(mq, i32x4.extend_high_i16x8_s(mg), 16);
    }
    const t0 = t + <usize>x0;
    const m0 = m + <usize>x0;
    const b0 = b + <usize>x0;
    let vl = <i32>load<u8>(t0) + 2 * <i32>load<u8>(m0) + <i32>load<u8>(b0);
    let el = <i32>load<u8>(b0) - <i32>load<u8>(t0);
    let vc = <i32>load<u8>(t0, 1) + 2 * <i32>load<u8>(m0, 1) + <i32>load<u8>(b0, 1);
    let ec = <i32>load<u8>(b0, 1) - <i32>load<u8>(t0, 1);
    for (let x = x0; x < w; x++) {
      const xx = <usize>x;
      const tr = <i32>load<u8>(t + xx, 2);
      const mr = <i32>load<u8>(m + xx, 2);
      const br = <i32>load<u8>(b + xx, 2);
      const vr = tr + 2 * mr + br;
      const er = br - tr;
      const gx = vr - vl;
      const gy = el + 2 * ec + er;
      const q = <usize>(y * w + x) << 2;
      store<i32>(gxp + q, gx);
      store<i32>(gyp + q, gy);
      store<i32>(mag + (<usize>((y + 1) * W + x + 1) << 2), abs(gx) + abs(gy));
      vl = vc;
      el = ec;
      vc = vr;
      ec = er;
    }
  }
  let top = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = mag + (<usize>((y + 1) * W + x + 1) << 2);
      const mv = load<i32>(j);
      if (mv <= lo) continue;
      const q = y * w + x;
      const xs = load<i32>(gxp + (<usize>q << 2));
      const ys = load<i32>(gyp + (<usize>q << 2));
      const ax = abs(xs);
      const ay = abs(ys) << 15;
      const tg22x = ax * tg22;
      let keep: bool;
      const W4 = <usize>W << 2;
      if (ay < tg22x) keep = mv > load<i32>(j - 4) && mv >= load<i32>(j + 4);
      else {
        const tg67x = tg22x + (ax << 16);
        if (ay > tg67x) keep = mv > load<i32>(j - W4) && mv >= load<i32>(j + W4);
        else {
          const s: isize = (xs ^ ys) < 0 ? -4 : 4;
          keep = mv > load<i32>(<usize>(<isize>(j - W4) - s)) && mv > load<i32>(<usize>(<isize>(j + W4) + s));
        }
      }
      if (!keep) continue;
      if (mv > hi) {
        store<u8>(map + <usize>q, 2);
        store<i32>(stack + (<usize>top << 2), q);
        top++;
      } else store<u8>(map + <usize>q, 1);
    }
  }
  while (top > 0) {
    top--;
    const q0 = load<i32>(stack + (<usize>top << 2));
    const y = q0 / w;
    const x = q0 - y * w;
    for (let oy = -1; oy <= 1; oy++) {
      const yy = y + oy;
      if (yy < 0 || yy >= h) continue;
      for (let ox = -1; ox <= 1; ox++) {
        const xx = x + ox;
        if (xx < 0 || xx >= w) continue;
        const q = yy * w + xx;
        if (load<u8>(map + <usize>q) == 1) {
          store<u8>(map + <usize>q, 2);
          store<i32>(stack + (<usize>top << 2), q);
          top++;
        }
      }
    }
  }
  // chamfer distance (distanceTransform5): far cells around, 0 on edges
  const PW = w + 4;
  const total = (h + 4) * PW;
  const far = f64x2.splat(1e20);
  let i = 0;
  for (; i + 2 <= total; i += 2) v128.store(plane + (<usize>i << 3), far);
  for (; i < total; i++) store<f64>(plane + (<usize>i << 3), 1e20);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (load<u8>(map + <usize>(y * w + x)) == 2) store<f64>(plane + (<usize>((y + 2) * PW + x + 2) << 3), 0);
    }
  }
  // the row candidates' scratch: the `stack`, no longer needed once hysteresis is done (the caller sizes it for max(h·w int32, w float64): one-row images need the latter)
  for (let y = 2; y < h + 2; y++) chamferRow(plane, y * PW, y * PW - PW, y * PW - 2 * PW, w, 1, stack);
  for (let y = h + 1; y >= 2; y--) chamferRow(plane, y * PW, y * PW + PW, y * PW + 2 * PW, w, -1, stack);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = <f32>load<f64>(plane + (<usize>((y + 2) * PW + x + 2) << 3));
      if (v > 20) v = 20;
      store<f32>(dist + (<usize>(y * w + x) << 2), v);
    }
  }
}

/**
 * cv-morph.ts chamferRow: one raster pass of the 5×5 chamfer (weights A 1, B 1.4, C 2.1969) over the w cells
 * of row r from column 2 (element indices; r1, r2 the rows one and two back in the pass direction `dir`).
 * The JavaScript keeps the minimum of the cell and nine candidates; a minimum is exact and order-free, and the
 * eight candidates from rows r1 and r2 are the same cells with the same weights in both directions (the
 * neighbourhood is symmetric), so they are taken first for the whole row, two cells per f64x2, into `m`, and
 * only the candidate from the previous cell (+A) runs sequentially. A cell that is 0 stays 0 either way.
 * pmin (b < a ? b : a, one instruction) is min here: the values are never NaN and never −0 (0, 1e20 and sums
 * of positive weights), and equal values are the same value.
 */
function chamferRow(d: usize, r: i32, r1: i32, r2: i32, w: i32, dir: i32, m: usize): void {
  const A = f64x2.splat(1);
  const B = f64x2.splat(1.4);
  const C = f64x2.splat(2.1969);
  const row = d + (<usize>(r + 2) << 3);
  const q = d + (<usize>(r1 + 2) << 3);
  const p = d + (<usize>(r2 + 2) << 3);
  let x = 0;
  for (; x + 2 <= w; x += 2) {
    const o = <usize>x << 3;
    let v = v128.load(row + o);
    v = f64x2.pmin(v, f64x2.add(v128.load(p + o - 8), C));
    v = f64x2.pmin(v, f64x2.add(v128.load(p + o + 8), C));
    v = f64x2.pmin(v, f64x2.add(v128.load(q + o - 16), C));
    v = f64x2.pmin(v, f64x2.add(v128.load(q + o - 8), B));
    v = f64x2.pmin(v, f64x2.add(v128.load(q + o), A));
    v = f64x2.pmin(v, f64x2.add(v128.load(q + o + 8), B));
    v = f64x2.pmin(v, f64x2.add(v128.load(q + o + 16), C));
    v128.store(m + o, v);
  }
  for (; x < w; x++) {
    const o = <usize>x << 3;
    let v = load<f64>(row + o);
    v = min(v, load<f64>(p + o - 8) + 2.1969);
    v = min(v, load<f64>(p + o + 8) + 2.1969);
    v = min(v, load<f64>(q + o - 16) + 2.1969);
    v = min(v, load<f64>(q + o - 8) + 1.4);
    v = min(v, load<f64>(q + o) + 1.0);
    v = min(v, load<f64>(q + o + 8) + 1.4);
    v = min(v, load<f64>(q + o + 16) + 2.1969);
    store<f64>(m + o, v);
  }
  if (dir > 0) {
    let prev = load<f64>(row - 8);
    for (let i = 0; i < w; i++) {
      const o = <usize>i << 3;
      const t = prev + 1.0;
      const v = load<f64>(m + o);
      prev = t < v ? t : v;
      store<f64>(row + o, prev);
    }
  } else {
    let prev = load<f64>(row + (<usize>w << 3));
    for (let i = w - 1; i >= 0; i--) {
      const o = <usize>i << 3;
      const t = prev + 1.0;
      const v = load<f64>(m + o);
      prev = t < v ? t : v;
      store<f64>(row + o, prev);
    }
  }
}

/**
 * From the clipped distances (h × w float32) to the shading m = l8 · round(blur(emboss(equalise(trunc(blur(dist))))))
 * (h × w float64, exact integers); returns max(m). Scratch: plane ((h+2)(w+2) float64), d8, eq, emb (h·w bytes),
 * pad ((h+2)(w+2) bytes), hist (256 int32 + 256 bytes).
 */
export function spatterShade(dist: usize, l8: usize, m: usize, h: i32, w: i32, plane: usize, d8: usize, eq: usize, emb: usize, pad: usize, hist: usize): f64 {
  const n = h * w;
  const PW = w + 2;
  // boxBlur3F32: reflect-101 padded float64 copy, the nine values summed row by row, / 9, float32; then trunc
  const x0 = w > 1 ? 1 : 0;
  const x1 = w > 1 ? w - 2 : w - 1;
  const y0 = h > 1 ? 1 : 0;
  const y1 = h > 1 ? h - 2 : h - 1;
  for (let y = -1; y <= h; y++) {
    const sy = dist + (<usize>((y < 0 ? y0 : y >= h ? y1 : y) * w) << 2);
    const o = plane + (<usize>((y + 1) * PW) << 3);
    let x = 0;
    for (; x + 2 <= w; x += 2) v128.store(o + (<usize>(x + 1) << 3), f64x2.promote_low_f32x4(v128.load64_zero(sy + (<usize>x << 2))));
    for (; x < w; x++) store<f64>(o + (<usize>(x + 1) << 3), <f64>load<f32>(sy + (<usize>x << 2)));
    store<f64>(o, <f64>load<f32>(sy + (<usize>x0 << 2)));
    store<f64>(o + (<usize>(w + 1) << 3), <f64>load<f32>(sy + (<usize>x1 << 2)));
  }
  const nine = f64x2.splat(9);
  for (let y = 0; y < h; y++) {
    const t = plane + (<usize>(y * PW) << 3);
    const mm = t + (<usize>PW << 3);
    const b = mm + (<usize>PW << 3);
    const d = d8 + <usize>(y * w);
    let x = 0;
    // four pixels per iteration, two per f64x2: each lane sums its nine values in the scalar order below, and
    // the two independent chains of eight dependent additions overlap
    for (; x + 4 <= w; x += 4) {
      const o = <usize>x << 3;
      const p = t + o;
      const q = mm + o;
      const r = b + o;
      let s0 = f64x2.add(f64x2.add(v128.load(p), v128.load(p, 8)), v128.load(p, 16));
      let s1 = f64x2.add(f64x2.add(v128.load(p, 16), v128.load(p, 24)), v128.load(p, 32));
      s0 = f64x2.add(f64x2.add(f64x2.add(s0, v128.load(q)), v128.load(q, 8)), v128.load(q, 16));
      s1 = f64x2.add(f64x2.add(f64x2.add(s1, v128.load(q, 16)), v128.load(q, 24)), v128.load(q, 32));
      s0 = f64x2.add(f64x2.add(f64x2.add(s0, v128.load(r)), v128.load(r, 8)), v128.load(r, 16));
      s1 = f64x2.add(f64x2.add(f64x2.add(s1, v128.load(r, 16)), v128.load(r, 24)), v128.load(r, 32));
      // float32(s / 9) in 0..20, truncated (signed: the same there, shorter than the unsigned in V8): lanes packed
      // to bytes (unchanged by the saturating narrows)
      const v0 = i32x4.trunc_sat_f32x4_s(f32x4.demote_f64x2_zero(f64x2.div(s0, nine)));
      const v1 = i32x4.trunc_sat_f32x4_s(f32x4.demote_f64x2_zero(f64x2.div(s1, nine)));
      const v = v128.shuffle<i32>(v0, v1, 0, 1, 4, 5);
      const b16 = i16x8.narrow_i32x4_u(v, v);
      store<u32>(d + <usize>x, i32x4.extract_lane(i8x16.narrow_i16x8_u(b16, b16), 0));
    }
    for (; x < w; x++) {
      const o = <usize>x << 3;
      const s = load<f64>(t + o) + load<f64>(t + o, 8) + load<f64>(t + o, 16) + load<f64>(mm + o) + load<f64>(mm + o, 8) + load<f64>(mm + o, 16) + load<f64>(b + o) + load<f64>(b + o, 8) + load<f64>(b + o, 16);
      store<u8>(d + <usize>x, <u8><u32>(<f32>(s / 9)));
    }
  }
  // equalizeHist
  const lut = hist + 1024;
  memory.fill(hist, 0, 1024);
  for (let i = 0; i < n; i++) {
    const a = hist + (<usize>load<u8>(d8 + <usize>i) << 2);
    store<i32>(a, load<i32>(a) + 1);
  }
  let i0 = 0;
  while (i0 < 256 && load<i32>(hist + (<usize>i0 << 2)) == 0) i0++;
  memory.fill(lut, 0, 256);
  if (i0 < 256 && load<i32>(hist + (<usize>i0 << 2)) == n) memory.fill(lut, <u8>i0, 256);
  else if (i0 < 256) {
    const scale = 255 / <f64>(n - load<i32>(hist + (<usize>i0 << 2)));
    let sum = 0;
    for (let j = i0 + 1; j < 256; j++) {
      sum += load<i32>(hist + (<usize>j << 2));
      store<u8>(lut + <usize>j, <u8><u32>min<f64>(255, jsRound(<f64>sum * scale)));
    }
  }
  for (let i = 0; i < n; i++) store<u8>(eq + <usize>i, load<u8>(lut + <usize>load<u8>(d8 + <usize>i)));
  // emboss: filter3x3U8 with [−2 −1 0; −1 1 1; 0 1 2], integer, saturated
  pad1(eq, pad, h, w, true);
  for (let y = 0; y < h; y++) {
    const t = pad + <usize>(y * PW);
    const mm = t + <usize>PW;
    const b = mm + <usize>PW;
    let x = 0;
    // eight pixels in i16 lanes (|s| ≤ 1020); the unsigned saturating narrow is the clamp to 0..255
    for (; x + 8 <= w; x += 8) {
      const xx = <usize>x;
      const s = i16x8.add(
        i16x8.sub(i16x8.sub(i16x8.sub(i16x8.add(v128.load8x8_u(mm + xx + 1), v128.load8x8_u(mm + xx + 2)), i16x8.shl(v128.load8x8_u(t + xx), 1)), v128.load8x8_u(t + xx + 1)), v128.load8x8_u(mm + xx)),
        i16x8.add(v128.load8x8_u(b + xx + 1), i16x8.shl(v128.load8x8_u(b + xx + 2), 1)),
      );
      store<u64>(emb + <usize>(y * w + x), i64x2.extract_lane(i8x16.narrow_i16x8_u(s, s), 0));
    }
    for (; x < w; x++) {
      const xx = <usize>x;
      const s = -2 * <i32>load<u8>(t + xx) - <i32>load<u8>(t + xx, 1) - <i32>load<u8>(mm + xx) + <i32>load<u8>(mm + xx, 1) + <i32>load<u8>(mm + xx, 2) + <i32>load<u8>(b + xx, 1) + 2 * <i32>load<u8>(b + xx, 2);
      store<u8>(emb + <usize>(y * w + x), <u8>(s <= 0 ? 0 : s >= 255 ? 255 : s));
    }
  }
  // boxBlur3U8 (integer 3×3 sum / 9), rounded, times l8, as float32 (exact: integers below 2²⁴)
  pad1(emb, pad, h, w, true);
  let max: f64 = 0;
  // round(s / 9) of an integer s in 0..2295 is floor((s + 4) / 9) (s / 9 is never a tie, and its float64
  // quotient is far from one), and that is ((s + 4) · 7282) >> 16 for all those s (checked exhaustively); the
  // product l8 · round(s / 9) ≤ 65025 is an exact integer in float32 and float64: so the vector path is integer
  const four = i32x4.splat(4);
  const magic = i32x4.splat(7282);
  let vmax = i32x4.splat(0);
  for (let y = 0; y < h; y++) {
    const t = pad + <usize>(y * PW);
    const mm = t + <usize>PW;
    const b = mm + <usize>PW;
    let x = 0;
    for (; x + 8 <= w; x += 8) {
      const xx = <usize>x;
      const s = i16x8.add(
        i16x8.add(i16x8.add(v128.load8x8_u(t + xx), v128.load8x8_u(mm + xx)), v128.load8x8_u(b + xx)),
        i16x8.add(
          i16x8.add(i16x8.add(v128.load8x8_u(t + xx + 1), v128.load8x8_u(mm + xx + 1)), v128.load8x8_u(b + xx + 1)),
          i16x8.add(i16x8.add(v128.load8x8_u(t + xx + 2), v128.load8x8_u(mm + xx + 2)), v128.load8x8_u(b + xx + 2)),
        ),
      );
      const q = y * w + x;
      const l = v128.load8x8_u(l8 + <usize>q);
      const vlo = i32x4.mul(i32x4.extend_low_i16x8_u(l), i32x4.shr_u(i32x4.mul(i32x4.add(i32x4.extend_low_i16x8_u(s), four), magic), 16));
      const vhi = i32x4.mul(i32x4.extend_high_i16x8_u(l), i32x4.shr_u(i32x4.mul(i32x4.add(i32x4.extend_high_i16x8_u(s), four), magic), 16));
      vmax = i32x4.max_s(vmax, i32x4.max_s(vlo, vhi));
      const o = m + (<usize>q << 3);
      v128.store(o, f64x2.convert_low_i32x4_s(vlo));
      v128.store(o, f64x2.convert_low_i32x4_s(v128.shuffle<i32>(vlo, vlo, 2, 3, 0, 1)), 16);
      v128.store(o, f64x2.convert_low_i32x4_s(vhi), 32);
      v128.store(o, f64x2.convert_low_i32x4_s(v128.shuffle<i32>(vhi, vhi, 2, 3, 0, 1)), 48);
    }
    for (; x < w; x++) {
      const xx = <usize>x;
      const s = <i32>load<u8>(t + xx) + <i32>load<u8>(mm + xx) + <i32>load<u8>(b + xx) + (<i32>load<u8>(t + xx, 1) + <i32>load<u8>(mm + xx, 1) + <i32>load<u8>(b + xx, 1)) + (<i32>load<u8>(t + xx, 2) + <i32>load<u8>(mm + xx, 2) + <i32>load<u8>(b + xx, 2));
      const q = y * w + x;
      const v = <f64>(<f32>(<f64>load<u8>(l8 + <usize>q) * <f64>(<f32>jsRound(<f64>s / 9))));
      store<f64>(m + (<usize>q << 3), v);
      if (v > max) max = v;
    }
  }
  for (let lane = 0; lane < 4; lane++) {
    const vm = <f64>i32x4.extract_lane(v128.shuffle<i32>(vmax, vmax, 0, 1, 2, 3), 0);
    if (vm > max) max = vm;
    vmax = v128.shuffle<i32>(vmax, vmax, 1, 2, 3, 0);
  }
  return max;
}

/** spatter's water blend: out = clip(x + m/max·intensity·(175, 238, 238)/255, 0, 1)·255 per pixel (`table`: float32(v/255)). */
export function spatterWaterBlend(src: usize, m: usize, dst: usize, n: i32, max: f64, intensity: f64, table: usize): void {
  const c0: f64 = 175.0 / 255.0;
  const c1: f64 = 238.0 / 255.0;
  // two pixels per iteration, one per f64x2 lane (the per-lane operations are the scalar ones below)
  const MAX = f64x2.splat(max);
  const INT = f64x2.splat(intensity);
  const C0 = f64x2.splat(c0);
  const C1 = f64x2.splat(c1);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const s255 = f64x2.splat(255);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const mi = max > 0 ? f64x2.mul(f64x2.div(v128.load(m + (<usize>i << 3)), MAX), INT) : zero;
    const s = src + <usize>i * 3;
    const r = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(table + (<usize>load<u8>(s) << 2))), 1, <f64>load<f32>(table + (<usize>load<u8>(s, 3) << 2)));
    const g = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(table + (<usize>load<u8>(s, 1) << 2))), 1, <f64>load<f32>(table + (<usize>load<u8>(s, 4) << 2)));
    const b = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(table + (<usize>load<u8>(s, 2) << 2))), 1, <f64>load<f32>(table + (<usize>load<u8>(s, 5) << 2)));
    const o6 = packRgb2(
      f64x2.mul(f64x2.pmin(f64x2.pmax(f64x2.add(r, f64x2.mul(mi, C0)), zero), one), s255),
      f64x2.mul(f64x2.pmin(f64x2.pmax(f64x2.add(g, f64x2.mul(mi, C1)), zero), one), s255),
      f64x2.mul(f64x2.pmin(f64x2.pmax(f64x2.add(b, f64x2.mul(mi, C1)), zero), one), s255),
    );
    const o = dst + <usize>i * 3;
    v128.store32_lane(o, o6, 0);
    v128.store16_lane(o, o6, 2, 4);
  }
  for (; i < n; i++) {
    const mi = max > 0 ? (load<f64>(m + (<usize>i << 3)) / max) * intensity : 0;
    const s = src + <usize>i * 3;
    let v0 = <f64>load<f32>(table + (<usize>load<u8>(s) << 2)) + mi * c0;
    let v1 = <f64>load<f32>(table + (<usize>load<u8>(s, 1) << 2)) + mi * c1;
    let v2 = <f64>load<f32>(table + (<usize>load<u8>(s, 2) << 2)) + mi * c1;
    v0 = v0 < 0 ? 0 : v0 > 1 ? 1 : v0;
    v1 = v1 < 0 ? 0 : v1 > 1 ? 1 : v1;
    v2 = v2 < 0 ? 0 : v2 > 1 ? 1 : v2;
    const o = dst + <usize>i * 3;
    store<u8>(o, <u8><u32>(v0 * 255));
    store<u8>(o, <u8><u32>(v1 * 255), 1);
    store<u8>(o, <u8><u32>(v2 * 255), 2);
  }
}

// ---------------------------------------------------------------------------------------------------------
// brightness and saturate (../../kernels/hsv.ts adjustHsv): skimage rgb2hsv → adjust → hsv2rgb per pixel, in
// the same float64 steps and branch order.

/**
 * `n` RGB pixels; s ← clip(s·sMul + sAdd) when adjustS, v ← clip(v + vAdd) when adjustV; clip · 255 to uint8.
 * Two pixels per iteration, one per f64x2 lane: every branch of adjustHsv is computed and the lane's case
 * selected (the selected value is the branch's own, so the result is the scalar one).
 */
export function hsvAdjust(src: usize, dst: usize, n: i32, adjustS: bool, sMul: f64, sAdd: f64, adjustV: bool, vAdd: f64, table: usize): void {
  unitTable(table);
  const c255 = f64x2.splat(255);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const two = f64x2.splat(2);
  const four = f64x2.splat(4);
  const six = f64x2.splat(6);
  const SM = f64x2.splat(sMul);
  const SA = f64x2.splat(sAdd);
  const VA = f64x2.splat(vAdd);
  const k52 = f64x2.splat(4503599627370496.0);
  const k8 = f64x2.splat(256.0);
  const k16 = f64x2.splat(65536.0);
  const k24 = f64x2.splat(16777216.0);
  // R's candidate (v 0, t 1, p 2, q 3) for sector e mod 6, e = 0 … 10; the sector offsets of R, G, B; pixel 1's bytes
  const sel = i8x16(0, 3, 2, 2, 1, 0, 0, 3, 2, 2, 1, 0, 0, 0, 0, 0);
  const rot = i8x16(0, 4, 2, 0, 4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const offPix = i8x16(0, 0, 0, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const p = src + <usize>i * 3;
    // v / 255 looked up (the table holds the divisions' results)
    const r = v128.load64_lane(table + (<usize>load<u8>(p, 3) << 3), v128.load64_splat(table + (<usize>load<u8>(p) << 3)), 1);
    const g = v128.load64_lane(table + (<usize>load<u8>(p, 4) << 3), v128.load64_splat(table + (<usize>load<u8>(p, 1) << 3)), 1);
    const b = v128.load64_lane(table + (<usize>load<u8>(p, 5) << 3), v128.load64_splat(table + (<usize>load<u8>(p, 2) << 3)), 1);
    let v = f64x2.pmax(f64x2.pmax(g, r), b);
    const mn = f64x2.pmin(f64x2.pmin(g, r), b);
    const delta = f64x2.sub(v, mn);
    const some = f64x2.ne(delta, zero);
    // hue: blue wins over green over red where several equal the max; one division with the case's
    // numerator (red's case adds 0, which only turns −0 into +0, and h − floor(h) below gives +0 for both)
    const isB = f64x2.eq(b, v);
    const isG = f64x2.eq(g, v);
    const num = v128.bitselect(f64x2.sub(r, g), v128.bitselect(f64x2.sub(b, r), f64x2.sub(g, b), isG), isB);
    const off = v128.bitselect(four, v128.and(two, isG), isB);
    let h = f64x2.add(off, f64x2.div(num, delta));
    h = f64x2.div(h, six);
    h = v128.and(f64x2.sub(h, f64x2.floor(h)), some);
    let s = v128.and(f64x2.div(delta, v), some);
    if (adjustS) s = f64x2.min(one, f64x2.max(zero, f64x2.add(f64x2.mul(s, SM), SA)));
    if (adjustV) v = f64x2.min(one, f64x2.max(zero, f64x2.add(v, VA)));
    const h6 = f64x2.mul(h, six);
    const hi6 = f64x2.floor(h6);
    const f = f64x2.sub(h6, hi6);
    const pp = f64x2.mul(v, f64x2.sub(one, s));
    const q = f64x2.mul(v, f64x2.sub(one, f64x2.mul(f, s)));
    const t = f64x2.mul(v, f64x2.sub(one, f64x2.mul(f64x2.sub(one, f), s)));
    // The four candidates v, t, p, q as bytes: truncation of clip(x, 0, 1)·255 ∈ [0, 255] is its floor, so
    // each candidate gives the byte its selection would. floor·256ᵏ + 2⁵² (exact, < 2⁵³) holds that integer in
    // byte k of its lane's mantissa, zeros in its other bytes below 6: or-ed, bytes 0 … 3 (pixel 0) and 8 … 11
    // (pixel 1) are v t p q.
    const bv = f64x2.add(f64x2.floor(f64x2.mul(f64x2.pmin(f64x2.pmax(v, zero), one), c255)), k52);
    const bt = f64x2.add(f64x2.mul(f64x2.floor(f64x2.mul(f64x2.pmin(f64x2.pmax(t, zero), one), c255)), k8), k52);
    const bp = f64x2.add(f64x2.mul(f64x2.floor(f64x2.mul(f64x2.pmin(f64x2.pmax(pp, zero), one), c255)), k16), k52);
    const bq = f64x2.add(f64x2.mul(f64x2.floor(f64x2.mul(f64x2.pmin(f64x2.pmax(q, zero), one), c255)), k24), k52);
    const cand = v128.or(v128.or(bv, bt), v128.or(bp, bq));
    // Selected by the sector hi6 ∈ {0, …, 5} (h < 1; 6 is sector 0, as ((hi6 % 6) + 6) % 6): per sector R is
    // v q p p t v, G that of sector + 4 and B of sector + 2 (mod 6), so one 11-entry table (sel) serves all three.
    // The sector's byte is in bytes 0 and 8 of hi6 + 2⁵², spread to each pixel's three output bytes.
    const h52 = f64x2.add(hi6, k52);
    const sec = i8x16.add(v128.shuffle<u8>(h52, h52, 0, 0, 0, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), rot);
    const o6 = i8x16.swizzle(cand, i8x16.add(i8x16.swizzle(sel, sec), offPix));
    const o = dst + <usize>i * 3;
    v128.store32_lane(o, o6, 0);
    v128.store16_lane(o, o6, 2, 4);
  }
  if (i < n) hsvAdjustScalar(src + <usize>i * 3, dst + <usize>i * 3, n - i, adjustS, sMul, sAdd, adjustV, vAdd);
}

/** hsvAdjust one pixel at a time, branch for branch as adjustHsv (the odd last pixel). */
function hsvAdjustScalar(src: usize, dst: usize, n: i32, adjustS: bool, sMul: f64, sAdd: f64, adjustV: bool, vAdd: f64): void {
  for (let i = 0; i < n; i++) {
    const p = src + <usize>i * 3;
    const r = <f64>load<u8>(p) / 255;
    const g = <f64>load<u8>(p, 1) / 255;
    const b = <f64>load<u8>(p, 2) / 255;
    let v = r > g ? r : g;
    if (b > v) v = b;
    let mn = r < g ? r : g;
    if (b < mn) mn = b;
    const delta = v - mn;
    let h: f64 = 0;
    let s: f64 = 0;
    if (delta != 0) {
      s = delta / v;
      if (b == v) h = 4 + (r - g) / delta;
      else if (g == v) h = 2 + (b - r) / delta;
      else h = (g - b) / delta;
      h = h / 6;
      h = h - Math.floor(h);
    }
    if (adjustS) s = min<f64>(1, max<f64>(0, s * sMul + sAdd));
    if (adjustV) v = min<f64>(1, max<f64>(0, v + vAdd));
    const hi6 = Math.floor(h * 6);
    const f = h * 6 - hi6;
    const pp = v * (1 - s);
    const q = v * (1 - f * s);
    const t = v * (1 - (1 - f) * s);
    const hi = ((<i32>hi6 % 6) + 6) % 6;
    let R: f64;
    let G: f64;
    let B: f64;
    if (hi == 0) {
      R = v;
      G = t;
      B = pp;
    } else if (hi == 1) {
      R = q;
      G = v;
      B = pp;
    } else if (hi == 2) {
      R = pp;
      G = v;
      B = t;
    } else if (hi == 3) {
      R = pp;
      G = q;
      B = v;
    } else if (hi == 4) {
      R = t;
      G = pp;
      B = v;
    } else {
      R = v;
      G = pp;
      B = q;
    }
    const o = dst + <usize>i * 3;
    store<u8>(o, <u8><u32>((R < 0 ? 0 : R > 1 ? 1 : R) * 255));
    store<u8>(o, <u8><u32>((G < 0 ? 0 : G > 1 ? 1 : G) * 255), 1);
    store<u8>(o, <u8><u32>((B < 0 ? 0 : B > 1 ? 1 : B) * 255), 2);
  }
}

// ---------------------------------------------------------------------------------------------------------
// pixelate (../../kernels/resize.ts pilBoxResize, pilNearestResize): Pillow's 8-bit fixed-point BOX passes and
// NEAREST sampling, integer arithmetic as Pillow's Resample.c.

/**
 * One BOX pass: `lines` lines of `len` samples `stride` bytes apart (horizontal pass: a line is a row's channel,
 * step c; vertical: a column, step w·c); output sample o of a line sums count[o] input samples from start[o] with
 * the 22-bit fixed-point weights k[o·maxCount …], rounded (+2²¹), shifted and clipped to 0…255. Line l of
 * row y starts at byte y·inRow + l·inLine in src (y·outRow + l·outLine in dst), so one kernel does both passes.
 */
export function boxPass(src: usize, dst: usize, rows: i32, perRow: i32, inRow: i32, outRow: i32, inLine: i32, outLine: i32, stepIn: i32, stepOut: i32, outLen: i32, start: usize, count: usize, k: usize, maxCount: i32): void {
  for (let y = 0; y < rows; y++) {
    for (let l = 0; l < perRow; l++) {
      const s = src + <usize>(y * inRow + l * inLine);
      const d = dst + <usize>(y * outRow + l * outLine);
      for (let o = 0; o < outLen; o++) {
        const st = load<i32>(start + (<usize>o << 2));
        const n = load<i32>(count + (<usize>o << 2));
        const kk = k + (<usize>(o * maxCount) << 2);
        let ss: i32 = 1 << 21;
        for (let i = 0; i < n; i++) ss += <i32>load<u8>(s + <usize>((st + i) * stepIn)) * load<i32>(kk + (<usize>i << 2));
        const v = ss >> 22;
        store<u8>(d + <usize>(o * stepOut), <u8>(v < 0 ? 0 : v > 255 ? 255 : v));
      }
    }
  }
}

/** NEAREST: output pixel (y, x) copies the c bytes at src + ys[y] + xs[x]. */
export function nearestResize(src: usize, dst: usize, outH: i32, outW: i32, c: i32, ys: usize, xs: usize): void {
  let d = dst;
  for (let y = 0; y < outH; y++) {
    const row = src + <usize>load<i32>(ys + (<usize>y << 2));
    for (let x = 0; x < outW; x++) {
      const s = row + <usize>load<i32>(xs + (<usize>x << 2));
      for (let ch = 0; ch < c; ch++) store<u8>(d + <usize>ch, load<u8>(s + <usize>ch));
      d += <usize>c;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// frost's blend (../../weather.ts frost): uint8(clip(a·x + b·frost, 0, 255)), float64, truncated.

@inline function u8x4ToF64(p: usize): v128 {
  return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
}

export function frostBlend(src: usize, tex: usize, dst: usize, n: i32, a: f64, b: f64): void {
  const A = f64x2.splat(a);
  const B = f64x2.splat(b);
  const zero = f64x2.splat(0);
  const top = f64x2.splat(255);
  let i = 0;
  // eight values per step: bytes to int32 lanes by one byte shuffle per pair (byte 15 of the loaded vectors is 0),
  // signed conversion (values 0..255); the blended values truncated by signed int32 conversion, then two
  // saturating narrows (int32 → int16 signed, int16 → uint8 unsigned) = the clamp to [0, 255] and truncation below
  for (; i + 8 <= n; i += 8) {
    const xv = v128.load64_zero(src + <usize>i);
    const tv = v128.load64_zero(tex + <usize>i);
    const r0 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(
      f64x2.mul(A, f64x2.convert_low_i32x4_s(i8x16.shuffle(xv, xv, 0, 15, 15, 15, 1, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15))),
      f64x2.mul(B, f64x2.convert_low_i32x4_s(i8x16.shuffle(tv, tv, 0, 15, 15, 15, 1, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15)))));
    const r1 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(
      f64x2.mul(A, f64x2.convert_low_i32x4_s(i8x16.shuffle(xv, xv, 2, 15, 15, 15, 3, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15))),
      f64x2.mul(B, f64x2.convert_low_i32x4_s(i8x16.shuffle(tv, tv, 2, 15, 15, 15, 3, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15)))));
    const r2 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(
      f64x2.mul(A, f64x2.convert_low_i32x4_s(i8x16.shuffle(xv, xv, 4, 15, 15, 15, 5, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15))),
      f64x2.mul(B, f64x2.convert_low_i32x4_s(i8x16.shuffle(tv, tv, 4, 15, 15, 15, 5, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15)))));
    const r3 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(
      f64x2.mul(A, f64x2.convert_low_i32x4_s(i8x16.shuffle(xv, xv, 6, 15, 15, 15, 7, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15))),
      f64x2.mul(B, f64x2.convert_low_i32x4_s(i8x16.shuffle(tv, tv, 6, 15, 15, 15, 7, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15)))));
    const h = i16x8.narrow_i32x4_s(i32x4.shuffle(r0, r1, 0, 1, 4, 5), i32x4.shuffle(r2, r3, 0, 1, 4, 5));
    v128.store64_lane(dst + <usize>i, i8x16.narrow_i16x8_u(h, h), 0);
  }
  for (; i + 4 <= n; i += 4) {
    const x = u8x4ToF64(src + <usize>i);
    const t = u8x4ToF64(tex + <usize>i);
    const xh = v128.shuffle<i32>(x, x, 2, 3, 0, 1);
    const th = v128.shuffle<i32>(t, t, 2, 3, 0, 1);
    const lo = f64x2.add(f64x2.mul(A, f64x2.convert_low_i32x4_u(x)), f64x2.mul(B, f64x2.convert_low_i32x4_u(t)));
    const hi = f64x2.add(f64x2.mul(A, f64x2.convert_low_i32x4_u(xh)), f64x2.mul(B, f64x2.convert_low_i32x4_u(th)));
    const il = i32x4.trunc_sat_f64x2_u_zero(f64x2.pmin(f64x2.pmax(lo, zero), top));
    const ih = i32x4.trunc_sat_f64x2_u_zero(f64x2.pmin(f64x2.pmax(hi, zero), top));
    const q = dst + <usize>i;
    store<u8>(q, <u8>i32x4.extract_lane(il, 0));
    store<u8>(q, <u8>i32x4.extract_lane(il, 1), 1);
    store<u8>(q, <u8>i32x4.extract_lane(ih, 0), 2);
    store<u8>(q, <u8>i32x4.extract_lane(ih, 1), 3);
  }
  for (; i < n; i++) {
    const v = a * <f64>load<u8>(src + <usize>i) + b * <f64>load<u8>(tex + <usize>i);
    store<u8>(dst + <usize>i, <u8><u32>(v < 0 ? 0 : v > 255 ? 255 : v));
  }
}

// ---------------------------------------------------------------------------------------------------------
// snow's flake layer (../../weather.ts snow with ../../kernels/zoom.ts clippedZoom, one channel): the clipped
// zoom's top-left rows × cols, each value then cut below `threshold` and clipped to [0, 1].

/**
 * Per output row y: blended[j] = src[ra[y] + j]·(1 − fy[y]) + src[rb[y] + j]·fy[y] over the crop's columns
 * j0 … j1 − 1 (ra, rb byte offsets of the source rows), then v = blended[xa[x]]·(1 − fx[x]) + blended[xb[x]]·fx[x]
 * (xa, xb byte offsets), as clippedZoom; dst (rows × cols float64) = clip(v < threshold ? 0 : v, 0, 1).
 */
export function snowFlakes(src: usize, dst: usize, rows: i32, cols: i32, ra: usize, rb: usize, fy: usize, xa: usize, xb: usize, fx: usize, j0: i32, j1: i32, blended: usize, threshold: f64): void {
  for (let y = 0; y < rows; y++) {
    const yy = <usize>y;
    const a = src + <usize>load<i32>(ra + (yy << 2));
    const b = src + <usize>load<i32>(rb + (yy << 2));
    const f = load<f64>(fy + (yy << 3));
    const g = 1 - f;
    for (let j = j0; j < j1; j++) {
      const o = <usize>j << 3;
      store<f64>(blended + o, load<f64>(a + o) * g + load<f64>(b + o) * f);
    }
    const d = dst + (<usize>(y * cols) << 3);
    for (let x = 0; x < cols; x++) {
      const xx = <usize>x;
      const fxx = load<f64>(fx + (xx << 3));
      let v = load<f64>(blended + <usize>load<i32>(xa + (xx << 2))) * (1 - fxx) + load<f64>(blended + <usize>load<i32>(xb + (xx << 2))) * fxx;
      if (v < threshold) v = 0;
      store<f64>(d + (xx << 3), v < 0 ? 0 : v > 1 ? 1 : v);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// contrast (../../color.ts): per-channel means of v/255 (each summed in pixel order), then (x − m)·c + m.

/**
 * The per-channel means (table: 2 KiB of float64 v/255, then 768 bytes for the lookup table), then, as each channel
 * maps its 256 byte values with the same constants, a 3 × 256 table of uint8(clip((v/255 − m)·c + m)·255) per value
 * (the per-element arithmetic, once per distinct value) through which every byte is mapped.
 */
export function contrast(src: usize, dst: usize, npix: i32, c: f64, table: usize): void {
  unitTable(table);
  let m0: f64 = 0;
  let m1: f64 = 0;
  let m2: f64 = 0;
  for (let i = 0; i < npix; i++) {
    const p = src + <usize>i * 3;
    m0 += load<f64>(table + (<usize>load<u8>(p) << 3));
    m1 += load<f64>(table + (<usize>load<u8>(p, 1) << 3));
    m2 += load<f64>(table + (<usize>load<u8>(p, 2) << 3));
  }
  m0 /= <f64>npix;
  m1 /= <f64>npix;
  m2 /= <f64>npix;
  const lut = table + 2048;
  for (let v = 0; v < 256; v++) {
    const x = load<f64>(table + (<usize>v << 3));
    let v0 = (x - m0) * c + m0;
    let v1 = (x - m1) * c + m1;
    let v2 = (x - m2) * c + m2;
    v0 = v0 < 0 ? 0 : v0 > 1 ? 1 : v0;
    v1 = v1 < 0 ? 0 : v1 > 1 ? 1 : v1;
    v2 = v2 < 0 ? 0 : v2 > 1 ? 1 : v2;
    store<u8>(lut + <usize>v, <u8><u32>(v0 * 255));
    store<u8>(lut + <usize>v, <u8><u32>(v1 * 255), 256);
    store<u8>(lut + <usize>v, <u8><u32>(v2 * 255), 512);
  }
  for (let i = 0; i < npix; i++) {
    const p = src + <usize>i * 3;
    const o = dst + <usize>i * 3;
    store<u8>(o, load<u8>(lut + <usize>load<u8>(p)));
    store<u8>(o, load<u8>(lut + <usize>load<u8>(p, 1), 256), 1);
    store<u8>(o, load<u8>(lut + <usize>load<u8>(p, 2), 512), 2);
  }
}
