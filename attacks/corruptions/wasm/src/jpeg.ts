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

/** libjpeg-turbo's reciprocal divisors for q·8 (16-bit DCTELEM as in its SIMD builds): fq, c, r per entry. */
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
    store<i32>(div + 1024 + (<usize>i << 2), r);
  }
}

/**
 * One 8×8 block of plane `p` (row stride `stride`) in place: forward DCT, quantise with table `t` (0 luminance,
 * 1 chrominance), dequantise, inverse DCT, clamp.
 */
function block(p: usize, stride: i32, ws: usize, qt: usize, div: usize): void {
  // forward DCT pass 1: rows, samples centred on 128; results scaled by 2^PASS1_BITS
  for (let r = 0; r < 8; r++) {
    const s = p + <usize>(r * stride);
    const o = ws + (<usize>r << 5);
    const d0 = <i32>load<u8>(s) - 128;
    const d1 = <i32>load<u8>(s, 1) - 128;
    const d2 = <i32>load<u8>(s, 2) - 128;
    const d3 = <i32>load<u8>(s, 3) - 128;
    const d4 = <i32>load<u8>(s, 4) - 128;
    const d5 = <i32>load<u8>(s, 5) - 128;
    const d6 = <i32>load<u8>(s, 6) - 128;
    const d7 = <i32>load<u8>(s, 7) - 128;
    const t0 = d0 + d7;
    const t7 = d0 - d7;
    const t1 = d1 + d6;
    const t6 = d1 - d6;
    const t2 = d2 + d5;
    const t5 = d2 - d5;
    const t3 = d3 + d4;
    const t4 = d3 - d4;
    const t10 = t0 + t3;
    const t13 = t0 - t3;
    const t11 = t1 + t2;
    const t12 = t1 - t2;
    store<i32>(o, (t10 + t11) << PASS1_BITS);
    store<i32>(o, (t10 - t11) << PASS1_BITS, 16);
    const z1 = (t12 + t13) * F0_541;
    store<i32>(o, descale(z1 + t13 * F0_765, CONST_BITS - PASS1_BITS), 8);
    store<i32>(o, descale(z1 - t12 * F1_847, CONST_BITS - PASS1_BITS), 24);
    const y1 = t4 + t7;
    const y2 = t5 + t6;
    let y3 = t4 + t6;
    let y4 = t5 + t7;
    const y5 = (y3 + y4) * F1_175;
    const u4 = t4 * F0_298;
    const u5 = t5 * F2_053;
    const u6 = t6 * F3_072;
    const u7 = t7 * F1_501;
    const m1 = -y1 * F0_899;
    const m2 = -y2 * F2_562;
    y3 = -y3 * F1_961 + y5;
    y4 = -y4 * F0_390 + y5;
    store<i32>(o, descale(u4 + m1 + y3, CONST_BITS - PASS1_BITS), 28);
    store<i32>(o, descale(u5 + m2 + y4, CONST_BITS - PASS1_BITS), 20);
    store<i32>(o, descale(u6 + m2 + y3, CONST_BITS - PASS1_BITS), 12);
    store<i32>(o, descale(u7 + m1 + y4, CONST_BITS - PASS1_BITS), 4);
  }
  // forward DCT pass 2: columns; outputs scaled by 8
  for (let c = 0; c < 8; c++) {
    const o = ws + (<usize>c << 2);
    const d0 = load<i32>(o);
    const d1 = load<i32>(o, 32);
    const d2 = load<i32>(o, 64);
    const d3 = load<i32>(o, 96);
    const d4 = load<i32>(o, 128);
    const d5 = load<i32>(o, 160);
    const d6 = load<i32>(o, 192);
    const d7 = load<i32>(o, 224);
    const t0 = d0 + d7;
    const t7 = d0 - d7;
    const t1 = d1 + d6;
    const t6 = d1 - d6;
    const t2 = d2 + d5;
    const t5 = d2 - d5;
    const t3 = d3 + d4;
    const t4 = d3 - d4;
    const t10 = t0 + t3;
    const t13 = t0 - t3;
    const t11 = t1 + t2;
    const t12 = t1 - t2;
    store<i32>(o, descale(t10 + t11, PASS1_BITS));
    store<i32>(o, descale(t10 - t11, PASS1_BITS), 128);
    const z1 = (t12 + t13) * F0_541;
    store<i32>(o, descale(z1 + t13 * F0_765, CONST_BITS + PASS1_BITS), 64);
    store<i32>(o, descale(z1 - t12 * F1_847, CONST_BITS + PASS1_BITS), 192);
    const y1 = t4 + t7;
    const y2 = t5 + t6;
    let y3 = t4 + t6;
    let y4 = t5 + t7;
    const y5 = (y3 + y4) * F1_175;
    const u4 = t4 * F0_298;
    const u5 = t5 * F2_053;
    const u6 = t6 * F3_072;
    const u7 = t7 * F1_501;
    const m1 = -y1 * F0_899;
    const m2 = -y2 * F2_562;
    y3 = -y3 * F1_961 + y5;
    y4 = -y4 * F0_390 + y5;
    store<i32>(o, descale(u4 + m1 + y3, CONST_BITS + PASS1_BITS), 224);
    store<i32>(o, descale(u5 + m2 + y4, CONST_BITS + PASS1_BITS), 160);
    store<i32>(o, descale(u6 + m2 + y3, CONST_BITS + PASS1_BITS), 96);
    store<i32>(o, descale(u7 + m1 + y4, CONST_BITS + PASS1_BITS), 32);
  }
  // quantise (reciprocal multiply on the magnitude, sign restored) and dequantise
  for (let i = 0; i < 64; i++) {
    const at = <usize>i << 2;
    const t = load<i32>(ws + at);
    const a = <u32>(t < 0 ? -t : t);
    const v = <i32>(((a + load<u32>(div + 512 + at)) * load<u32>(div + at)) >> load<u32>(div + 1024 + at));
    store<i32>(ws + at, (t < 0 ? -v : v) * load<i32>(qt + at));
  }
  // inverse DCT pass 1: columns, results scaled by 2^PASS1_BITS
  for (let c = 0; c < 8; c++) {
    const o = ws + (<usize>c << 2);
    const c0 = load<i32>(o);
    const c1 = load<i32>(o, 32);
    const c2 = load<i32>(o, 64);
    const c3 = load<i32>(o, 96);
    const c4 = load<i32>(o, 128);
    const c5 = load<i32>(o, 160);
    const c6 = load<i32>(o, 192);
    const c7 = load<i32>(o, 224);
    const z1 = (c2 + c6) * F0_541;
    const e2 = z1 - c6 * F1_847;
    const e3 = z1 + c2 * F0_765;
    const e0 = (c0 + c4) << CONST_BITS;
    const e1 = (c0 - c4) << CONST_BITS;
    const e10 = e0 + e3;
    const e13 = e0 - e3;
    const e11 = e1 + e2;
    const e12 = e1 - e2;
    const y1 = c7 + c1;
    const y2 = c5 + c3;
    let y3 = c7 + c3;
    let y4 = c5 + c1;
    const y5 = (y3 + y4) * F1_175;
    const m1 = -y1 * F0_899;
    const m2 = -y2 * F2_562;
    y3 = -y3 * F1_961 + y5;
    y4 = -y4 * F0_390 + y5;
    const o0 = c7 * F0_298 + m1 + y3;
    const o1 = c5 * F2_053 + m2 + y4;
    const o2 = c3 * F3_072 + m2 + y3;
    const o3 = c1 * F1_501 + m1 + y4;
    store<i32>(o, descale(e10 + o3, CONST_BITS - PASS1_BITS));
    store<i32>(o, descale(e10 - o3, CONST_BITS - PASS1_BITS), 224);
    store<i32>(o, descale(e11 + o2, CONST_BITS - PASS1_BITS), 32);
    store<i32>(o, descale(e11 - o2, CONST_BITS - PASS1_BITS), 192);
    store<i32>(o, descale(e12 + o1, CONST_BITS - PASS1_BITS), 64);
    store<i32>(o, descale(e12 - o1, CONST_BITS - PASS1_BITS), 160);
    store<i32>(o, descale(e13 + o0, CONST_BITS - PASS1_BITS), 96);
    store<i32>(o, descale(e13 - o0, CONST_BITS - PASS1_BITS), 128);
  }
  // inverse DCT pass 2: rows, descaled by 2^(PASS1_BITS + 3), centred back on 128 and clamped
  const SH = CONST_BITS + PASS1_BITS + 3;
  for (let r = 0; r < 8; r++) {
    const o = ws + (<usize>r << 5);
    const s = p + <usize>(r * stride);
    const c0 = load<i32>(o);
    const c1 = load<i32>(o, 4);
    const c2 = load<i32>(o, 8);
    const c3 = load<i32>(o, 12);
    const c4 = load<i32>(o, 16);
    const c5 = load<i32>(o, 20);
    const c6 = load<i32>(o, 24);
    const c7 = load<i32>(o, 28);
    const z1 = (c2 + c6) * F0_541;
    const e2 = z1 - c6 * F1_847;
    const e3 = z1 + c2 * F0_765;
    const e0 = (c0 + c4) << CONST_BITS;
    const e1 = (c0 - c4) << CONST_BITS;
    const e10 = e0 + e3;
    const e13 = e0 - e3;
    const e11 = e1 + e2;
    const e12 = e1 - e2;
    const y1 = c7 + c1;
    const y2 = c5 + c3;
    let y3 = c7 + c3;
    let y4 = c5 + c1;
    const y5 = (y3 + y4) * F1_175;
    const m1 = -y1 * F0_899;
    const m2 = -y2 * F2_562;
    y3 = -y3 * F1_961 + y5;
    y4 = -y4 * F0_390 + y5;
    const o0 = c7 * F0_298 + m1 + y3;
    const o1 = c5 * F2_053 + m2 + y4;
    const o2 = c3 * F3_072 + m2 + y3;
    const o3 = c1 * F1_501 + m1 + y4;
    store<u8>(s, clamp255(descale(e10 + o3, SH) + 128));
    store<u8>(s, clamp255(descale(e10 - o3, SH) + 128), 7);
    store<u8>(s, clamp255(descale(e11 + o2, SH) + 128), 1);
    store<u8>(s, clamp255(descale(e11 - o2, SH) + 128), 6);
    store<u8>(s, clamp255(descale(e12 + o1, SH) + 128), 2);
    store<u8>(s, clamp255(descale(e12 - o1, SH) + 128), 5);
    store<u8>(s, clamp255(descale(e13 + o0, SH) + 128), 3);
    store<u8>(s, clamp255(descale(e13 - o0, SH) + 128), 4);
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
