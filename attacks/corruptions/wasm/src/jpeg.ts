/**
 * AssemblyScript source of jpeg_compression's round trip (`npm run build:wasm` compiles this file into
 * ../jpeg.generated.ts, which ../jpeg-loader.ts instantiates).
 *
 * Why a simulation: imagecorruptions encodes with Pillow (libjpeg-turbo) and decodes again. Huffman coding is
 * lossless, so decode(encode(x)) depends only on the lossy integer stages, which this module runs in order, with
 * libjpeg-turbo's default settings as Pillow and sharp use them (baseline, 4:2:0, islow DCTs, fancy upsampling):
 *
 *   jccolor.c   RGB → YCbCr, 16-bit fixed point, Cb/Cr offset 128 with the ONE_HALF − 1 bias
 *   jcprepct.c / jcsample.c   edges expanded to whole blocks by repeating the last column and row; Cb/Cr 2×2
 *               averaged with the alternating 1, 2 bias (h2v2_downsample); the last chroma row repeated
 *   jfdctint.c  forward DCT islow (13-bit constants, PASS1_BITS 2), input centred on 128
 *   jcdctmgr.c  quantisation by divisors q·8 through libjpeg-turbo's reciprocal (fq, correction c, shift r)
 *   jidctint.c  dequantisation and inverse DCT islow, clamped to 0..255 (the SIMD IDCT saturates)
 *   jdsample.c  h2v2 fancy upsampling (triangle filter, bias 8 / 7 >> 4, edge columns, edge rows repeated as the
 *               decoder's context rows); plain 2×2 replication when the chroma is ≤ 2 columns wide
 *   jdcolor.c   YCbCr → RGB, 16-bit fixed point, clamped to 0..255
 *
 * Every stage is integer arithmetic, so the bytes are those of the codec; test/corruptions/jpeg-sim.test.ts checks
 * them against sharp's encode + decode (the fallback) on many sizes and qualities.
 *
 * Quantisation tables (64 i32 luminance then 64 chrominance, natural order, already scaled by quality) are at `qt`.
 * Scratch at `work` (scratchBytes(w, h)): divisors (3 × 128 i32) | block workspace (64 i32) | Y plane |
 * Cb plane | Cr plane | two column-sum rows (i32).
 */

const CONST_BITS: i32 = 13;
const PASS1_BITS: i32 = 2;
// FIX(x) = round(x · 2^13)
const F0_298: i32 = 2446;
const F0_390: i32 = 3196;
const F0_541: i32 = 4433;
const F0_765: i32 = 6270;
const F0_899: i32 = 7373;
const F1_175: i32 = 9633;
const F1_501: i32 = 12299;
const F1_847: i32 = 15137;
const F1_961: i32 = 16069;
const F2_053: i32 = 16819;
const F2_562: i32 = 20995;
const F3_072: i32 = 25172;

@inline function descale(x: i32, n: i32): i32 {
  return (x + (1 << (n - 1))) >> n;
}

@inline function clamp255(x: i32): i32 {
  return x < 0 ? 0 : x > 255 ? 255 : x;
}

@inline function pad8(n: i32): i32 {
  return (n + 7) & ~7;
}

@inline function pad16(n: i32): i32 {
  return (n + 15) & ~15;
}

/** Bytes of scratch jpegRoundTrip needs at `work` for a w×h image. */
export function scratchBytes(w: i32, h: i32): i32 {
  const pw = pad16(w);
  const lh = pad8(h);
  const cw = pw >> 1;
  const ch = pad16(h) >> 1;
  return 1536 + 256 + pad16(pw * 3 * (lh + 1) + 32) + pad16(pw * lh) + 2 * pad16(cw * ch) + 2 * pad16((cw + 8) * 4);
}

/**
 * libjpeg-turbo's reciprocal divisors for q·8 (16-bit DCTELEM as in its SIMD builds): per entry fq, the correction c
 * and scale 2^(32 − r), so that |t| / (q·8) rounded is (((|t| + c)·fq) >> 16)·scale >> 16 = ((|t| + c)·fq) >> r,
 * the two high-half multiplies of its SIMD quantiser (r ≥ 18 here, so the scale fits).
 */
function divisors(qt: usize, div: usize): void {
  for (let i = 0; i < 128; i++) {
    const d = <u32>(load<i32>(qt + (<usize>i << 2)) << 3);
    const b = 31 - <i32>clz<u32>(d);
    let r = 16 + b;
    let fq = (<u32>1 << r) / d;
    const fr = (<u32>1 << r) % d;
    let c = d >> 1;
    if (fr == 0) {
      fq >>= 1; // a power of two
      r--;
    } else if (fr <= d >> 1) {
      c++;
    } else {
      fq++;
    }
    store<u32>(div + (<usize>i << 2), fq);
    store<u32>(div + 512 + (<usize>i << 2), c);
    store<u32>(div + 1024 + (<usize>i << 2), <u32>1 << (32 - r));
  }
}

@inline function vdescale(x: v128, n: i32): v128 {
  return i32x4.shr_s(i32x4.add(x, i32x4.splat(1 << (n - 1))), n);
}

@inline function vmul(x: v128, c: i32): v128 {
  return i32x4.mul(x, i32x4.splat(c));
}

/** Transpose the 8×8 i32 matrix at `ws` (rows of 32 bytes) in place, as four 4×4 transposes. */
function transpose(ws: usize): void {
  for (let q = 0; q < 3; q++) {
    // q = 0: the top-left block, 1: the bottom-right one, 2: the two off-diagonal blocks swapped
    const src = q == 0 ? ws : q == 1 ? ws + 144 : ws + 16;
    const dst = q == 0 ? ws : q == 1 ? ws + 144 : ws + 128;
    const a = v128.load(src);
    const b = v128.load(src, 32);
    const c = v128.load(src, 64);
    const d = v128.load(src, 96);
    const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(c, d, 0, 4, 1, 5);
    const t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
    if (q == 2) {
      // the other off-diagonal block (rows 4–7, columns 0–3) goes to rows 0–3, columns 4–7
      const e = v128.load(ws, 128);
      const f = v128.load(ws, 160);
      const g = v128.load(ws, 192);
      const h = v128.load(ws, 224);
      const u0 = i32x4.shuffle(e, f, 0, 4, 1, 5);
      const u1 = i32x4.shuffle(e, f, 2, 6, 3, 7);
      const u2 = i32x4.shuffle(g, h, 0, 4, 1, 5);
      const u3 = i32x4.shuffle(g, h, 2, 6, 3, 7);
      v128.store(ws, i64x2.shuffle(u0, u2, 0, 2), 16);
      v128.store(ws, i64x2.shuffle(u0, u2, 1, 3), 48);
      v128.store(ws, i64x2.shuffle(u1, u3, 0, 2), 80);
      v128.store(ws, i64x2.shuffle(u1, u3, 1, 3), 112);
    }
    v128.store(dst, i64x2.shuffle(t0, t2, 0, 2));
    v128.store(dst, i64x2.shuffle(t0, t2, 1, 3), 32);
    v128.store(dst, i64x2.shuffle(t1, t3, 0, 2), 64);
    v128.store(dst, i64x2.shuffle(t1, t3, 1, 3), 96);
  }
}

/**
 * One pass of the islow forward DCT (jfdctint.c) along the first index of the 8×8 i32 matrix at `ws`, four
 * lanes at a time. Pass 1 (rows) keeps PASS1_BITS of extra precision; pass 2 (columns) removes it.
 */
function fdctPass(ws: usize, second: bool): void {
  const evenShift = second ? PASS1_BITS : 0;
  const oddShift = second ? CONST_BITS + PASS1_BITS : CONST_BITS - PASS1_BITS;
  for (let half = 0; half < 2; half++) {
    const o = ws + (<usize>half << 4);
    const d0 = v128.load(o);
    const d1 = v128.load(o, 32);
    const d2 = v128.load(o, 64);
    const d3 = v128.load(o, 96);
    const d4 = v128.load(o, 128);
    const d5 = v128.load(o, 160);
    const d6 = v128.load(o, 192);
    const d7 = v128.load(o, 224);
    const t0 = i32x4.add(d0, d7);
    const t7 = i32x4.sub(d0, d7);
    const t1 = i32x4.add(d1, d6);
    const t6 = i32x4.sub(d1, d6);
    const t2 = i32x4.add(d2, d5);
    const t5 = i32x4.sub(d2, d5);
    const t3 = i32x4.add(d3, d4);
    const t4 = i32x4.sub(d3, d4);
    const t10 = i32x4.add(t0, t3);
    const t13 = i32x4.sub(t0, t3);
    const t11 = i32x4.add(t1, t2);
    const t12 = i32x4.sub(t1, t2);
    if (second) {
      v128.store(o, vdescale(i32x4.add(t10, t11), evenShift));
      v128.store(o, vdescale(i32x4.sub(t10, t11), evenShift), 128);
    } else {
      v128.store(o, i32x4.shl(i32x4.add(t10, t11), PASS1_BITS));
      v128.store(o, i32x4.shl(i32x4.sub(t10, t11), PASS1_BITS), 128);
    }
    const z1 = vmul(i32x4.add(t12, t13), F0_541);
    v128.store(o, vdescale(i32x4.add(z1, vmul(t13, F0_765)), oddShift), 64);
    v128.store(o, vdescale(i32x4.sub(z1, vmul(t12, F1_847)), oddShift), 192);
    const y5 = vmul(i32x4.add(i32x4.add(t4, t6), i32x4.add(t5, t7)), F1_175);
    const m1 = vmul(i32x4.add(t4, t7), -F0_899);
    const m2 = vmul(i32x4.add(t5, t6), -F2_562);
    const y3 = i32x4.add(vmul(i32x4.add(t4, t6), -F1_961), y5);
    const y4 = i32x4.add(vmul(i32x4.add(t5, t7), -F0_390), y5);
    v128.store(o, vdescale(i32x4.add(i32x4.add(vmul(t4, F0_298), m1), y3), oddShift), 224);
    v128.store(o, vdescale(i32x4.add(i32x4.add(vmul(t5, F2_053), m2), y4), oddShift), 160);
    v128.store(o, vdescale(i32x4.add(i32x4.add(vmul(t6, F3_072), m2), y3), oddShift), 96);
    v128.store(o, vdescale(i32x4.add(i32x4.add(vmul(t7, F1_501), m1), y4), oddShift), 32);
  }
}

/**
 * One pass of the islow inverse DCT (jidctint.c) along the first index of the matrix at `ws`: pass 1 (columns)
 * descales by CONST_BITS − PASS1_BITS, pass 2 (rows) by CONST_BITS + PASS1_BITS + 3.
 */
function idctPass(ws: usize, shift: i32): void {
  for (let half = 0; half < 2; half++) {
    const o = ws + (<usize>half << 4);
    const c0 = v128.load(o);
    const c1 = v128.load(o, 32);
    const c2 = v128.load(o, 64);
    const c3 = v128.load(o, 96);
    const c4 = v128.load(o, 128);
    const c5 = v128.load(o, 160);
    const c6 = v128.load(o, 192);
    const c7 = v128.load(o, 224);
    const z1 = vmul(i32x4.add(c2, c6), F0_541);
    const e2 = i32x4.sub(z1, vmul(c6, F1_847));
    const e3 = i32x4.add(z1, vmul(c2, F0_765));
    const e0 = i32x4.shl(i32x4.add(c0, c4), CONST_BITS);
    const e1 = i32x4.shl(i32x4.sub(c0, c4), CONST_BITS);
    const e10 = i32x4.add(e0, e3);
    const e13 = i32x4.sub(e0, e3);
    const e11 = i32x4.add(e1, e2);
    const e12 = i32x4.sub(e1, e2);
    const y5 = vmul(i32x4.add(i32x4.add(c7, c3), i32x4.add(c5, c1)), F1_175);
    const m1 = vmul(i32x4.add(c7, c1), -F0_899);
    const m2 = vmul(i32x4.add(c5, c3), -F2_562);
    const y3 = i32x4.add(vmul(i32x4.add(c7, c3), -F1_961), y5);
    const y4 = i32x4.add(vmul(i32x4.add(c5, c1), -F0_390), y5);
    const o0 = i32x4.add(i32x4.add(vmul(c7, F0_298), m1), y3);
    const o1 = i32x4.add(i32x4.add(vmul(c5, F2_053), m2), y4);
    const o2 = i32x4.add(i32x4.add(vmul(c3, F3_072), m2), y3);
    const o3 = i32x4.add(i32x4.add(vmul(c1, F1_501), m1), y4);
    v128.store(o, vdescale(i32x4.add(e10, o3), shift));
    v128.store(o, vdescale(i32x4.sub(e10, o3), shift), 224);
    v128.store(o, vdescale(i32x4.add(e11, o2), shift), 32);
    v128.store(o, vdescale(i32x4.sub(e11, o2), shift), 192);
    v128.store(o, vdescale(i32x4.add(e12, o1), shift), 64);
    v128.store(o, vdescale(i32x4.sub(e12, o1), shift), 160);
    v128.store(o, vdescale(i32x4.add(e13, o0), shift), 96);
    v128.store(o, vdescale(i32x4.sub(e13, o0), shift), 128);
  }
}

/**
 * One 8×8 block of plane `p` (row stride `stride`) in place: forward DCT (rows, then columns), quantise with the
 * table at `qt` / divisors at `div`, dequantise, inverse DCT (columns, then rows), clamp to 0..255. The matrix at
 * `ws` is transposed between passes so that every pass runs along its first index.
 */
function block(p: usize, stride: i32, ws: usize, qt: usize, div: usize): void {
  const centre = i32x4.splat(128);
  for (let r = 0; r < 8; r++) {
    const s = i16x8.extend_low_i8x16_u(v128.load64_zero(p + <usize>(r * stride)));
    v128.store(ws + (<usize>r << 5), i32x4.sub(i32x4.extend_low_i16x8_s(s), centre));
    v128.store(ws + (<usize>r << 5), i32x4.sub(i32x4.extend_high_i16x8_s(s), centre), 16);
  }
  transpose(ws);
  fdctPass(ws, false);
  transpose(ws);
  fdctPass(ws, true);
  // quantise: the magnitude through the reciprocal, the sign restored; then dequantise
  for (let i = 0; i < 256; i += 16) {
    const at = <usize>i;
    const t = v128.load(ws + at);
    const sign = i32x4.shr_s(t, 31);
    let v = i32x4.shr_u(i32x4.mul(i32x4.add(i32x4.abs(t), v128.load(div + 512 + at)), v128.load(div + at)), 16);
    v = i32x4.shr_u(i32x4.mul(v, v128.load(div + 1024 + at)), 16);
    v = i32x4.sub(v128.xor(v, sign), sign);
    v128.store(ws + at, i32x4.mul(v, v128.load(qt + at)));
  }
  idctPass(ws, CONST_BITS - PASS1_BITS);
  transpose(ws);
  idctPass(ws, CONST_BITS + PASS1_BITS + 3);
  transpose(ws);
  // centre back on 128; the saturating narrowings clamp to 0..255
  for (let r = 0; r < 8; r++) {
    const o = ws + (<usize>r << 5);
    const w16 = i16x8.narrow_i32x4_s(i32x4.add(v128.load(o), centre), i32x4.add(v128.load(o, 16), centre));
    v128.store64_lane(p + <usize>(r * stride), i8x16.narrow_i16x8_u(w16, w16), 0);
  }
}

/** Every block of the first bw×bh samples (multiples of 8) of a plane with row stride `stride` through block(). */
function blocks(p: usize, stride: i32, bw: i32, bh: i32, ws: usize, qt: usize, div: usize): void {
  for (let by = 0; by < bh; by += 8) {
    for (let bx = 0; bx < bw; bx += 8) block(p + <usize>(by * stride + bx), stride, ws, qt, div);
  }
}

/** Copy row `from` of a plane (stride `w`) into rows from+1 .. to−1. */
function repeatRow(p: usize, w: i32, from: i32, to: i32): void {
  const s = p + <usize>(from * w);
  for (let r = from + 1; r < to; r++) memory.copy(p + <usize>(r * w), s, <usize>w);
}

/** Red, green, blue of the 4 pixels in the first 12 bytes of `v`, as i32 lanes. */
@inline function red(v: v128): v128 {
  return i8x16.shuffle(v, i32x4.splat(0), 0, 16, 16, 16, 3, 16, 16, 16, 6, 16, 16, 16, 9, 16, 16, 16);
}
@inline function green(v: v128): v128 {
  return i8x16.shuffle(v, i32x4.splat(0), 1, 16, 16, 16, 4, 16, 16, 16, 7, 16, 16, 16, 10, 16, 16, 16);
}
@inline function blue(v: v128): v128 {
  return i8x16.shuffle(v, i32x4.splat(0), 2, 16, 16, 16, 5, 16, 16, 16, 8, 16, 16, 16, 11, 16, 16, 16);
}

/** jccolor.c: Y = (0.299 R + 0.587 G + 0.114 B) in 16-bit fixed point, rounded. */
@inline function luma(v: v128): v128 {
  const r = red(v);
  const g = green(v);
  const b = blue(v);
  return i32x4.shr_s(i32x4.add(i32x4.add(vmul(r, 19595), vmul(g, 38470)), i32x4.add(vmul(b, 7471), i32x4.splat(32768))), 16);
}

/** jccolor.c: Cb = −0.16874 R − 0.33126 G + 0.5 B + 128, with the ONE_HALF − 1 bias. */
@inline function chromaB(v: v128): v128 {
  const r = red(v);
  const g = green(v);
  const b = blue(v);
  return i32x4.shr_s(i32x4.add(i32x4.sub(vmul(b, 32768), i32x4.add(vmul(r, 11059), vmul(g, 21709))), i32x4.splat((128 << 16) + 32767)), 16);
}

/** jccolor.c: Cr = 0.5 R − 0.41869 G − 0.08131 B + 128, with the ONE_HALF − 1 bias. */
@inline function chromaR(v: v128): v128 {
  const r = red(v);
  const g = green(v);
  const b = blue(v);
  return i32x4.shr_s(i32x4.add(i32x4.sub(vmul(r, 32768), i32x4.add(vmul(g, 27439), vmul(b, 5329))), i32x4.splat((128 << 16) + 32767)), 16);
}

/** 8 i32 lanes (two vectors, values 0..255) stored as 8 bytes. */
@inline function store8(p: usize, lo: v128, hi: v128): void {
  const w16 = i16x8.narrow_i32x4_s(lo, hi);
  v128.store64_lane(p, i8x16.narrow_i16x8_u(w16, w16), 0);
}

/**
 * Column sums 3·near + far of chroma rows `near` and `far` (h2v2_fancy_upsample's colsums) for columns 0..cw−1
 * at out + 4, with the edge columns repeated: out[0] = sum of column 0, out[dw + 1] = sum of column dw − 1.
 */
function colSums(p: usize, cw: i32, near: i32, far: i32, dw: i32, out: usize): void {
  const a = p + <usize>(near * cw);
  const b = p + <usize>(far * cw);
  for (let j = 0; j < cw; j += 4) {
    const n = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(a + <usize>j)));
    const f = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(b + <usize>j)));
    v128.store(out + 4 + (<usize>j << 2), i32x4.add(vmul(n, 3), f));
  }
  store<i32>(out, load<i32>(out, 4));
  store<i32>(out + (<usize>(dw + 1) << 2), load<i32>(out + (<usize>dw << 2)));
}

/** Fancy-upsampled chroma − 128 for the 8 output columns 2j .. 2j + 7: (3·s + neighbour + 8 or 7) >> 4. */
@inline function upLo(sums: usize, j: i32): v128 {
  const at = sums + (<usize>j << 2);
  const s3 = vmul(v128.load(at, 4), 3);
  const e = i32x4.shr_s(i32x4.add(i32x4.add(s3, v128.load(at)), i32x4.splat(8)), 4);
  const o = i32x4.shr_s(i32x4.add(i32x4.add(s3, v128.load(at, 8)), i32x4.splat(7)), 4);
  return i32x4.sub(i32x4.shuffle(e, o, 0, 4, 1, 5), i32x4.splat(128));
}
@inline function upHi(sums: usize, j: i32): v128 {
  const at = sums + (<usize>j << 2);
  const s3 = vmul(v128.load(at, 4), 3);
  const e = i32x4.shr_s(i32x4.add(i32x4.add(s3, v128.load(at)), i32x4.splat(8)), 4);
  const o = i32x4.shr_s(i32x4.add(i32x4.add(s3, v128.load(at, 8)), i32x4.splat(7)), 4);
  return i32x4.sub(i32x4.shuffle(e, o, 2, 6, 3, 7), i32x4.splat(128));
}

/** jdcolor.c: R = Y + 1.402 Cr, G = Y − 0.34414 Cb − 0.71414 Cr, B = Y + 1.772 Cb (16-bit fixed point). */
@inline function redOf(y: v128, cr: v128): v128 {
  return i32x4.add(y, i32x4.shr_s(i32x4.add(vmul(cr, 91881), i32x4.splat(32768)), 16));
}
@inline function greenOf(y: v128, cb: v128, cr: v128): v128 {
  return i32x4.add(y, i32x4.shr_s(i32x4.sub(i32x4.splat(32768), i32x4.add(vmul(cb, 22554), vmul(cr, 46802))), 16));
}
@inline function blueOf(y: v128, cb: v128): v128 {
  return i32x4.add(y, i32x4.shr_s(i32x4.add(vmul(cb, 116130), i32x4.splat(32768)), 16));
}

/**
 * decode(encode(src)) of a w×h RGB image (w, h ≥ 1) into dst (32 bytes of slack after it), with the quantisation
 * tables at `qt` and scratchBytes(w, h) bytes of scratch at `work`.
 */
export function jpegRoundTrip(src: usize, dst: usize, w: i32, h: i32, qt: usize, work: usize): void {
  const pw = pad16(w); // whole 16-pixel MCUs
  const lw = pad8(w);
  const lh = pad8(h);
  const cw = pw >> 1;
  const ch = pad16(h) >> 1;
  const dw = (w + 1) >> 1;
  const dh = (h + 1) >> 1;
  const rowB = pw * 3;
  const div = work;
  const ws = div + 1536;
  const rgb = ws + 256;
  const yp = rgb + <usize>pad16(rowB * (lh + 1) + 32);
  const cbp = yp + <usize>pad16(pw * lh);
  const crp = cbp + <usize>pad16(cw * ch);
  const sumCb = crp + <usize>pad16(cw * ch);
  const sumCr = sumCb + <usize>pad16((cw + 8) * 4);
  divisors(qt, div);

  // the image expanded to whole MCUs' width (last column repeated) and to an even height (last row repeated)
  for (let y = 0; y < h; y++) {
    const d = rgb + <usize>(y * rowB);
    memory.copy(d, src + <usize>(y * w * 3), <usize>(w * 3));
    const last = d + <usize>((w - 1) * 3);
    for (let x = w; x < pw; x++) {
      store<u16>(d + <usize>(x * 3), load<u16>(last));
      store<u8>(d + <usize>(x * 3), load<u8>(last, 2), 2);
    }
  }
  if (h & 1) memory.copy(rgb + <usize>(h * rowB), rgb + <usize>((h - 1) * rowB), <usize>rowB);

  // YCbCr: the luminance plane, and Cb, Cr averaged over 2×2 with the bias 1, 2, 1, 2, … (h2v2_downsample)
  const bias = i32x4(1, 2, 1, 2);
  for (let i = 0; i < dh; i++) {
    const r0 = rgb + <usize>((i << 1) * rowB);
    const r1 = r0 + <usize>rowB;
    const y0 = yp + <usize>((i << 1) * pw);
    const y1 = y0 + <usize>pw;
    const cbRow = cbp + <usize>(i * cw);
    const crRow = crp + <usize>(i * cw);
    for (let x = 0; x < pw; x += 8) {
      const a0 = v128.load(r0 + <usize>(x * 3));
      const a1 = v128.load(r0 + <usize>(x * 3), 12);
      const b0 = v128.load(r1 + <usize>(x * 3));
      const b1 = v128.load(r1 + <usize>(x * 3), 12);
      store8(y0 + <usize>x, luma(a0), luma(a1));
      store8(y1 + <usize>x, luma(b0), luma(b1));
      let s0 = i32x4.add(chromaB(a0), chromaB(b0));
      let s1 = i32x4.add(chromaB(a1), chromaB(b1));
      let avg = i32x4.shr_s(i32x4.add(i32x4.add(i32x4.shuffle(s0, s1, 0, 2, 4, 6), i32x4.shuffle(s0, s1, 1, 3, 5, 7)), bias), 2);
      let w16 = i16x8.narrow_i32x4_s(avg, avg);
      v128.store32_lane(cbRow + <usize>(x >> 1), i8x16.narrow_i16x8_u(w16, w16), 0);
      s0 = i32x4.add(chromaR(a0), chromaR(b0));
      s1 = i32x4.add(chromaR(a1), chromaR(b1));
      avg = i32x4.shr_s(i32x4.add(i32x4.add(i32x4.shuffle(s0, s1, 0, 2, 4, 6), i32x4.shuffle(s0, s1, 1, 3, 5, 7)), bias), 2);
      w16 = i16x8.narrow_i32x4_s(avg, avg);
      v128.store32_lane(crRow + <usize>(x >> 1), i8x16.narrow_i16x8_u(w16, w16), 0);
    }
  }
  // rows below: the luminance plane's last row (row 2·dh − 1 is row h − 1 or its copy), the last chroma row
  if (lh > dh << 1) repeatRow(yp, pw, (dh << 1) - 1, lh);
  repeatRow(cbp, cw, dh - 1, ch);
  repeatRow(crp, cw, dh - 1, ch);

  blocks(yp, pw, lw, lh, ws, qt, div);
  blocks(cbp, cw, cw, ch, ws, qt + 256, div + 256);
  blocks(crp, cw, cw, ch, ws, qt + 256, div + 256);

  if (dw <= 2) {
    // chroma at most 2 columns wide: libjpeg-turbo replicates each chroma sample over 2×2 (h2v2_upsample)
    for (let y = 0; y < h; y++) {
      const c = (y >> 1) * cw;
      const o = dst + <usize>(y * w * 3);
      for (let x = 0; x < w; x++) {
        const yv = <i32>load<u8>(yp + <usize>(y * pw + x));
        const cb = <i32>load<u8>(cbp + <usize>(c + (x >> 1))) - 128;
        const cr = <i32>load<u8>(crp + <usize>(c + (x >> 1))) - 128;
        const q = o + <usize>(x * 3);
        store<u8>(q, clamp255(yv + ((91881 * cr + 32768) >> 16)));
        store<u8>(q, clamp255(yv + ((32768 - 22554 * cb - 46802 * cr) >> 16)), 1);
        store<u8>(q, clamp255(yv + ((116130 * cb + 32768) >> 16)), 2);
      }
    }
    return;
  }
  // h2v2 fancy upsampling (the nearer chroma row and the next nearer, repeated at the top and bottom edges) and
  // YCbCr → RGB, 8 pixels at a time
  for (let y = 0; y < h; y++) {
    const i = y >> 1;
    let far = (y & 1) == 0 ? i - 1 : i + 1;
    if (far < 0) far = 0;
    if (far > dh - 1) far = dh - 1;
    colSums(cbp, cw, i, far, dw, sumCb);
    colSums(crp, cw, i, far, dw, sumCr);
    const yr = yp + <usize>(y * pw);
    const o = dst + <usize>(y * w * 3);
    for (let x = 0; x < w; x += 8) {
      const j = x >> 1;
      const yv = i16x8.extend_low_i8x16_u(v128.load64_zero(yr + <usize>x));
      const ylo = i32x4.extend_low_i16x8_s(yv);
      const yhi = i32x4.extend_high_i16x8_s(yv);
      const cbLo = upLo(sumCb, j);
      const cbHi = upHi(sumCb, j);
      const crLo = upLo(sumCr, j);
      const crHi = upHi(sumCr, j);
      const r16 = i16x8.narrow_i32x4_s(redOf(ylo, crLo), redOf(yhi, crHi));
      const g16 = i16x8.narrow_i32x4_s(greenOf(ylo, cbLo, crLo), greenOf(yhi, cbHi, crHi));
      const b16 = i16x8.narrow_i32x4_s(blueOf(ylo, cbLo), blueOf(yhi, cbHi));
      const rg = i8x16.narrow_i16x8_u(r16, g16); // R in bytes 0–7, G in 8–15, clamped to 0..255
      const bb = i8x16.narrow_i16x8_u(b16, b16);
      const q = o + <usize>(x * 3);
      v128.store(q, i8x16.shuffle(rg, bb, 0, 8, 16, 1, 9, 17, 2, 10, 18, 3, 11, 19, 4, 12, 20, 5));
      v128.store64_lane(q, i8x16.shuffle(rg, bb, 13, 21, 6, 14, 22, 7, 15, 23, 0, 0, 0, 0, 0, 0, 0, 0), 0, 16);
    }
  }
}
