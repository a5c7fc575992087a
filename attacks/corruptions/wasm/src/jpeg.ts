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
  const lw = pad8(w);
  const lh = pad8(h);
  const cw = pad16(w) >> 1;
  const ch = pad16(h) >> 1;
  return 1536 + 256 + pad16(lw * lh) + 2 * pad16(cw * ch) + 2 * pad16(cw * 4);
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

/** Every block of a plane of bw×bh samples (multiples of 8) through block(). */
function blocks(p: usize, bw: i32, bh: i32, ws: usize, qt: usize, div: usize): void {
  for (let by = 0; by < bh; by += 8) {
    for (let bx = 0; bx < bw; bx += 8) block(p + <usize>(by * bw + bx), bw, ws, qt, div);
  }
}

/** Copy row `from` of a plane (stride `w`) into rows from+1 .. to−1. */
function repeatRow(p: usize, w: i32, from: i32, to: i32): void {
  const s = p + <usize>(from * w);
  for (let r = from + 1; r < to; r++) memory.copy(p + <usize>(r * w), s, <usize>w);
}

/** Column sums 3·near + far of one chroma row pair (jdsample.c h2v2_fancy_upsample's thiscolsum). */
function colSums(p: usize, cw: i32, near: i32, far: i32, dw: i32, out: usize): void {
  const a = p + <usize>(near * cw);
  const b = p + <usize>(far * cw);
  for (let j = 0; j < dw; j++) {
    store<i32>(out + (<usize>j << 2), <i32>load<u8>(a + <usize>j) * 3 + <i32>load<u8>(b + <usize>j));
  }
}

/** Upsampled chroma at output column x from the column sums (dw > 2). */
@inline function fancy(sums: usize, x: i32, dw: i32): i32 {
  const j = x >> 1;
  const s = load<i32>(sums + (<usize>j << 2));
  if ((x & 1) == 0) {
    return j == 0 ? (s * 4 + 8) >> 4 : (s * 3 + load<i32>(sums + (<usize>(j - 1) << 2)) + 8) >> 4;
  }
  return j == dw - 1 ? (s * 4 + 7) >> 4 : (s * 3 + load<i32>(sums + (<usize>(j + 1) << 2)) + 7) >> 4;
}

/**
 * decode(encode(src)) of a w×h RGB image (w, h ≥ 1) into dst, with the quantisation tables at `qt` and
 * scratchBytes(w, h) bytes of scratch at `work`.
 */
export function jpegRoundTrip(src: usize, dst: usize, w: i32, h: i32, qt: usize, work: usize): void {
  const lw = pad8(w);
  const lh = pad8(h);
  const cw = pad16(w) >> 1;
  const ch = pad16(h) >> 1;
  const dw = (w + 1) >> 1;
  const dh = (h + 1) >> 1;
  const div = work;
  const ws = div + 1536;
  const yp = ws + 256;
  const cbp = yp + <usize>pad16(lw * lh);
  const crp = cbp + <usize>pad16(cw * ch);
  const sumCb = crp + <usize>pad16(cw * ch);
  const sumCr = sumCb + <usize>pad16(cw * 4);
  divisors(qt, div);

  // colour conversion, luminance plane and 2×2 chroma averages; columns past w repeat column w − 1, a last odd
  // row is paired with itself
  for (let i = 0; i < dh; i++) {
    const y0 = i << 1;
    const y1 = y0 + 1 < h ? y0 + 1 : h - 1;
    for (let j = 0; j < cw; j++) {
      let cbSum = 0;
      let crSum = 0;
      for (let k = 0; k < 4; k++) {
        const yy = (k & 2) == 0 ? y0 : y1;
        const xx = (j << 1) + (k & 1);
        const xs = xx < w ? xx : w - 1;
        const s = src + <usize>((yy * w + xs) * 3);
        const r = <i32>load<u8>(s);
        const g = <i32>load<u8>(s, 1);
        const b = <i32>load<u8>(s, 2);
        if (xx < lw) store<u8>(yp + <usize>(((y0 + (k >> 1)) * lw) + xx), (19595 * r + 38470 * g + 7471 * b + 32768) >> 16);
        cbSum += (-11059 * r - 21709 * g + 32768 * b + (128 << 16) + 32767) >> 16;
        crSum += (32768 * r - 27439 * g - 5329 * b + (128 << 16) + 32767) >> 16;
      }
      const bias = 1 + (j & 1);
      store<u8>(cbp + <usize>(i * cw + j), (cbSum + bias) >> 2);
      store<u8>(crp + <usize>(i * cw + j), (crSum + bias) >> 2);
    }
  }
  // rows below: the luminance plane's last row (row 2·dh − 1 is row h − 1 or its copy), the last chroma row
  if (lh > dh << 1) repeatRow(yp, lw, (dh << 1) - 1, lh);
  repeatRow(cbp, cw, dh - 1, ch);
  repeatRow(crp, cw, dh - 1, ch);

  blocks(yp, lw, lh, ws, qt, div);
  blocks(cbp, cw, ch, ws, qt + 256, div + 256);

  blocks(crp, cw, ch, ws, qt + 256, div + 256);

  // upsampling and YCbCr → RGB, one output row at a time
  const fancyUp = dw > 2;
  for (let y = 0; y < h; y++) {
    const i = y >> 1;
    if (fancyUp) {
      let far = (y & 1) == 0 ? i - 1 : i + 1;
      if (far < 0) far = 0;
      if (far > dh - 1) far = dh - 1;
      colSums(cbp, cw, i, far, dw, sumCb);
      colSums(crp, cw, i, far, dw, sumCr);
    }
    const yr = yp + <usize>(y * lw);
    const o = dst + <usize>(y * w * 3);
    for (let x = 0; x < w; x++) {
      let cb: i32;
      let cr: i32;
      if (fancyUp) {
        cb = fancy(sumCb, x, dw);
        cr = fancy(sumCr, x, dw);
      } else {
        cb = <i32>load<u8>(cbp + <usize>(i * cw + (x >> 1)));
        cr = <i32>load<u8>(crp + <usize>(i * cw + (x >> 1)));
      }
      const yv = <i32>load<u8>(yr + <usize>x);
      cb -= 128;
      cr -= 128;
      const q = o + <usize>(x * 3);
      store<u8>(q, clamp255(yv + ((91881 * cr + 32768) >> 16)));
      store<u8>(q, clamp255(yv + ((-22554 * cb - 46802 * cr + 32768) >> 16)), 1);
      store<u8>(q, clamp255(yv + ((116130 * cb + 32768) >> 16)), 2);
    }
  }
}
