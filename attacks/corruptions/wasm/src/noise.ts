/**
 * AssemblyScript source of the random-draw corruption kernels: gaussian, speckle, impulse and shot noise, fog, and
 * the normal layers of snow and spatter (`npm run build:wasm` compiles this file into ../noise.generated.ts, which
 * ../noise-loader.ts instantiates).
 *
 * Why WebAssembly: these corruptions cost one or two draws of the project Rng (xoshiro128**, src/random.ts) per
 * element plus a little arithmetic and a uint8 store, and in JavaScript that came to ~10–30 ns per element. Here the
 * generator state lives in four locals of the loop, the random choices are selects instead of branches, and the
 * clip / scale / truncate to uint8 runs two lanes at a time (bench/corruptions.ts times both paths). Same generator,
 * same draws, same bytes: the loader copies the Rng's state into memory at `st`, each kernel continues that stream
 * and writes the advanced state back, which the loader hands to the Rng (src/random.ts saveState/loadState).
 *
 * Same arithmetic as the JavaScript kernels (../../noise.ts, ../../kernels/normal.ts, ../../kernels/plasma.ts,
 * fog in ../../weather.ts), op for op in float64: + − × ÷ are IEEE-754 correctly rounded in both. The ziggurat's
 * rare tail and wedge draws need exp and log, which are not correctly rounded and differ between libms, so this
 * module imports JavaScript's own Math.exp and Math.log. The ziggurat tables come from JavaScript too.
 *
 * The xoshiro128** step is written out in every loop rather than called: a function cannot update its caller's
 * locals, and state in wasm globals costs a load and a store per word per draw.
 */

import { advance, buildJumpTable, fillLanes, RAW, state4 } from './xoshiro-lanes';

@external("Math", "exp")
declare function jsExp(x: f64): f64;
@external("Math", "log")
declare function jsLog(x: f64): f64;

/**
 * Layout of the ziggurat tables at `zig` (from ../../kernels/normal.ts): kn, wn, fn, 128 float64 each, then
 * for the one-draw case, indexed by the draw's low 8 bits (layer and sign): KN2[j] = kn[j & 127] and
 * WNS[j] = ±wn[j & 127], negative when bit 7 is set. mag·(−w) is exactly −(mag·w), the JavaScript's
 * multiplication by −1 (rounding is symmetric), so one lookup replaces the sign arithmetic.
 */
const WN: usize = 1024;
const FN: usize = 2048;
const KN2: usize = 3072;
const WNS: usize = 5120;
/** KI[j] = ceil(kn[j & 127]) as int32: for the integer mag, mag < kn ⇔ mag < ceil(kn). */
const KI: usize = 7168;
/** The ziggurat's tail start, as in ../../kernels/normal.ts. */
const R: f64 = 3.442619855899;
/** 2⁻⁵³: scaling by a power of two is exact, so this product equals Rng.next()'s division by 2⁵³. */
const INV_2_53: f64 = 1.0 / 9007199254740992.0;

// The generator state in the rare ziggurat path (zigguratRest) and between calls of `normals`; hot loops keep it in locals.
let g0: u32 = 0;
let g1: u32 = 0;
let g2: u32 = 0;
let g3: u32 = 0;

/** One xoshiro128** output from the globals g0..g3 (Rng.nextUint32). */
function nextU32(): u32 {
  const r = rotl<u32>(g1 * 5, 7) * 9;
  const t = g1 << 9;
  g2 ^= g0;
  g3 ^= g1;
  g1 ^= g2;
  g0 ^= g3;
  g2 ^= t;
  g3 = rotl<u32>(g3, 11);
  return r;
}

/** Rng.next() from the globals: 27 + 26 bits as a double in [0, 1). */
function nextF64(): f64 {
  const hi = nextU32() >>> 5;
  const lo = nextU32() >>> 6;
  return (<f64>hi * 67108864.0 + <f64>lo) * INV_2_53;
}

/** EXP[j] = Math.exp(−j/32), j = 0..192 (from JavaScript, any faithful exp would do): expNear's table. */
const EXP: usize = 8192;

/**
 * lhs < exp(a) with JavaScript's Math.exp, calling it only when needed: a call out of WebAssembly is slow, and
 * the wedge test of every ~36th normal made it a large part of gaussian_noise's time. For −6 < a ≤ 0 (every
 * wedge: |x| < R), exp(a) = EXP[j]·e^r with j = trunc(−32a), r = a + j/32 ∈ (−1/32, 0] and e^r's Taylor series
 * to r⁶/6! (remainder < 3e-15): relative error below 1e-14, so it decides every case whose sides differ by more
 * than 1e-12 relative exactly as JavaScript's exp (within 1 ulp) would. Closer cases ask Math.exp itself.
 */
function belowExp(lhs: f64, a: f64, zig: usize): bool {
  if (!(a > -6)) return lhs < jsExp(a);
  const j = <i32>(a * -32);
  const r = a + <f64>j * 0.03125;
  const r2 = r * r;
  const p = 1.0 + r + r2 * (0.5 + r * (1.0 / 6.0)) + r2 * r2 * (1.0 / 24.0 + r * (1.0 / 120.0) + r2 * (1.0 / 720.0));
  const e = load<f64>(zig + EXP + (<usize>j << 3)) * p;
  if (lhs < e * (1 - 1e-12)) return true;
  if (lhs > e * (1 + 1e-12)) return false;
  return lhs < jsExp(a);
}

/** The ziggurat's tail beyond R (layer 0's miss), signed: draws by drawF64. */
function tail(neg: bool): f64 {
  let xt: f64;
  let yt: f64;
  do {
    xt = -jsLog(1 - drawF64()) / R;
    yt = -jsLog(1 - drawF64());
  } while (yt + yt < xt * xt);
  return neg ? -(R + xt) : R + xt;
}

/** zigguratRest of ../../kernels/normal.ts: the draw `first` missed its layer's rectangle. State in g0..g3. */
function zigguratRest(first: u32, zig: usize): f64 {
  let u = first;
  while (true) {
    const iz = <usize>(u & 127);
    const neg = (u & 128) != 0;
    const mag = <f64>(u >>> 8);
    const x = mag * load<f64>(zig + WN + (iz << 3));
    if (mag < load<f64>(zig + (iz << 3))) return neg ? -x : x;
    if (iz == 0) return tail(neg);
    const f = load<f64>(zig + FN + (iz << 3));
    const fPrev = load<f64>(zig + FN + ((iz - 1) << 3));
    if (belowExp(f + drawF64() * (fPrev - f), -0.5 * x * x, zig)) return neg ? -x : x;
    u = drawU32();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Four lanes of the one xoshiro128** stream (./xoshiro-lanes.ts): one fill = RAW consecutive outputs of the
// stream into rawBuf, for one SIMD step per 4 outputs.

/** The jump table (8 KiB) and the output buffer (16 KiB), set by `initRaw`. */
let jumpTab: usize = 0;
let rawBuf: usize = 0;

/** Build the jump table at `tab` (8 KiB); fills write to `buf` (16 KiB). Once per instance. */
export function initRaw(tab: usize, buf: usize): void {
  jumpTab = tab;
  rawBuf = buf;
  buildJumpTable(tab);
}

/** RAW consecutive outputs of the generator g0..g3 into rawBuf (u32); g0..g3 advance by RAW steps. */
function fillRaw(): void {
  const v = fillLanes(jumpTab, rawBuf, state4(g0, g1, g2, g3));
  g0 = i32x4.extract_lane(v, 0);
  g1 = i32x4.extract_lane(v, 1);
  g2 = i32x4.extract_lane(v, 2);
  g3 = i32x4.extract_lane(v, 3);
}

// A stream over fills: when `streaming`, draws come from rawBuf at `pos` (of `avail`), refilled as used up; the
// fill's first output is that of state b0..b3 (g0..g3 is then RAW steps past it), so the state after exactly the
// draws made is b0..b3 stepped `pos` times (streamEnd).
let streaming = false;
let pos = 0;
let avail = 0;
let b0: u32 = 0;
let b1: u32 = 0;
let b2: u32 = 0;
let b3: u32 = 0;

/** Start a stream at the state g0..g3. */
function streamBegin(): void {
  streaming = true;
  pos = 0;
  avail = 0;
  b0 = g0;
  b1 = g1;
  b2 = g2;
  b3 = g3;
}

/** Next fill: g0..g3 is the state after every output so far. */
function refill(): void {
  b0 = g0;
  b1 = g1;
  b2 = g2;
  b3 = g3;
  fillRaw();
  pos = 0;
  avail = RAW;
}

function streamU32(): u32 {
  if (pos == avail) refill();
  const r = load<u32>(rawBuf + (<usize>pos << 2));
  pos++;
  return r;
}

/** End the stream: g0..g3 = the state after the draws made (b0..b3 stepped `pos` times). */
function streamEnd(): void {
  streaming = false;
  const s = advance(state4(b0, b1, b2, b3), pos);
  g0 = i32x4.extract_lane(s, 0);
  g1 = i32x4.extract_lane(s, 1);
  g2 = i32x4.extract_lane(s, 2);
  g3 = i32x4.extract_lane(s, 3);
}

/** One draw (Rng.nextUint32) from the stream or the generator. */
function drawU32(): u32 {
  return streaming ? streamU32() : nextU32();
}

/** Rng.next() from the stream or the generator. */
function drawF64(): f64 {
  const hi = drawU32() >>> 5;
  const lo = drawU32() >>> 6;
  return (<f64>hi * 67108864.0 + <f64>lo) * INV_2_53;
}

/** table[v] = v / 255 for the 256 byte values (2 KiB): the same doubles as JavaScript's v / 255. */
export function unitTable(table: usize): void {
  for (let v = 0; v < 256; v++) store<f64>(table + (<usize>v << 3), <f64>v / 255.0);
}

/** Elements per block of the two-pass kernels: the float64 scratch (16 KiB) stays in L1. */
const BLOCK = 2048;

/**
 * m ziggurat normals (zigguratNormal of ../../kernels/normal.ts) into z, state in g0..g3. The inner loop is
 * the one-draw case only and leaves for the rare rest: with a call inside it, V8 kept its values on the stack.
 */
function normals(z: usize, m: i32, zig: usize): void {
  let s0 = g0;
  let s1 = g1;
  let s2 = g2;
  let s3 = g3;
  let i = 0;
  while (i < m) {
    let u: u32 = 0;
    for (; i < m; i++) {
      u = rotl<u32>(s1 * 5, 7) * 9;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      const j = <usize>(u & 255) << 3;
      const mag = <f64>(u >>> 8);
      if (!(mag < load<f64>(zig + KN2 + j))) break;
      store<f64>(z + (<usize>i << 3), mag * load<f64>(zig + WNS + j));
    }
    if (i < m) {
      g0 = s0;
      g1 = s1;
      g2 = s2;
      g3 = s3;
      store<f64>(z + (<usize>i << 3), zigguratRest(u, zig));
      s0 = g0;
      s1 = g1;
      s2 = g2;
      s3 = g3;
      i++;
    }
  }
  g0 = s0;
  g1 = s1;
  g2 = s2;
  g3 = s3;
}

/**
 * gaussian_noise (speckle false): dst[i] = u8(clip(x + c·z, 0, 1)·255); speckle_noise (speckle true):
 * u8(clip(x + x·c·z, 0, 1)·255); x = src[i]/255, z one ziggurat normal per element. Both are y = a + b·z with
 * (a, b) from a 256-entry table per byte value: a = x (`unit`'s v/255), b = c, or x·c for speckle (x·c·z is
 * (x·c)·z, as in JavaScript; c·z = z·c). Per block of BLOCK elements: a scalar pass draws the normals and writes
 * y into `z` (BLOCK float64), a SIMD pass clips, scales and truncates two lanes at a time (a scalar float64 → int
 * conversion is several instructions in V8).
 */
export function gaussianNoise(src: usize, dst: usize, n: i32, c: f64, speckle: bool, st: usize, zig: usize, z: usize, unit: usize): void {
  g0 = load<u32>(st);
  g1 = load<u32>(st, 4);
  g2 = load<u32>(st, 8);
  g3 = load<u32>(st, 12);
  const ab = z + (<usize>BLOCK << 3);
  for (let v: usize = 0; v < 256; v++) {
    const x = load<f64>(unit + (v << 3));
    store<f64>(ab + (v << 4), x);
    store<f64>(ab + (v << 4), speckle ? x * c : c, 8);
  }
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const s255 = f64x2.splat(255);
  if (n >= STREAM_MIN) {
    if (speckle) gaussianStream(src, dst, n, zig, ab, true, c);
    else gaussianStream(src, dst, n, zig, ab, false, c);
    store<u32>(st, g0);
    store<u32>(st, g1, 4);
    store<u32>(st, g2, 8);
    store<u32>(st, g3, 12);
    return;
  }
  for (let b = 0; b < n; b += BLOCK) {
    const m = min(BLOCK, n - b);
    const sb = src + <usize>b;
    const db = dst + <usize>b;
    noiseValues(z, sb, m, zig, ab);
    let i = 0;
    for (; i + 8 <= m; i += 8) {
      const p = z + (<usize>i << 3);
      const a = clipLanes(v128.load(p), zero, one, s255);
      const b2 = clipLanes(v128.load(p, 16), zero, one, s255);
      const c2 = clipLanes(v128.load(p, 32), zero, one, s255);
      const d = clipLanes(v128.load(p, 48), zero, one, s255);
      // 8 values in [0, 255]: the unsigned narrowing is exact
      const w = i16x8.narrow_i32x4_u(v128.shuffle<i32>(a, b2, 0, 2, 4, 6), v128.shuffle<i32>(c2, d, 0, 2, 4, 6));
      v128.store64_lane(db + <usize>i, i8x16.narrow_i16x8_u(w, w), 0);
    }
    for (; i < m; i++) {
      let v = load<f64>(z + (<usize>i << 3));
      v = v < 0 ? 0 : v > 1 ? 1 : v;
      store<u8>(db + <usize>i, <u8><u32>(v * 255)); // truncates, as the Uint8Array store of a value in [0, 255]
    }
  }
  store<u32>(st, g0);
  store<u32>(st, g1, 4);
  store<u32>(st, g2, 8);
  store<u32>(st, g3, 12);
}

/** Elements from which gaussian/speckle draw from the SIMD generator's fills (below, a fill costs more than it saves). */
const STREAM_MIN = 8192;

/**
 * zigguratRest reading the stream with its position in a local (`pos` is a wasm global: a load and a store per
 * draw, each waiting for the last); the tail, rare, draws through streamU32.
 */
function restStream(first: u32, zig: usize): f64 {
  let u = first;
  let p = pos;
  let end = avail;
  const buf = rawBuf;
  while (true) {
    const iz = <usize>(u & 127);
    const neg = (u & 128) != 0;
    const mag = <f64>(u >>> 8);
    const x = mag * load<f64>(zig + WN + (iz << 3));
    if (mag < load<f64>(zig + (iz << 3))) {
      pos = p;
      return neg ? -x : x;
    }
    if (iz == 0) {
      pos = p;
      return tail(neg);
    }
    // Rng.next(): two draws
    let d: f64;
    if (p + 2 <= end) {
      const q = buf + (<usize>p << 2);
      d = (<f64>(load<u32>(q) >>> 5) * 67108864.0 + <f64>(load<u32>(q, 4) >>> 6)) * INV_2_53;
      p += 2;
    } else {
      pos = p;
      d = drawF64();
      p = pos;
      end = avail;
    }
    const f = load<f64>(zig + FN + (iz << 3));
    const fPrev = load<f64>(zig + FN + ((iz - 1) << 3));
    if (belowExp(f + d * (fPrev - f), -0.5 * x * x, zig)) {
      pos = p;
      return neg ? -x : x;
    }
    if (p < end) {
      u = load<u32>(buf + (<usize>p << 2));
      p++;
    } else {
      pos = p;
      u = streamU32();
      p = pos;
      end = avail;
    }
  }
  return 0;
}

/**
 * gaussianNoise's element i alone from the stream: y = a + b·z, clipped, scaled, truncated.
 */
function gaussianOne(src: usize, dst: usize, i: i32, zig: usize, ab: usize): void {
  const u = streamU32();
  const j = <usize>(u & 255) << 3;
  const mag = <f64>(u >>> 8);
  const z = mag < load<f64>(zig + KN2 + j) ? mag * load<f64>(zig + WNS + j) : restStream(u, zig);
  const e = ab + (<usize>load<u8>(src + <usize>i) << 4);
  let v = load<f64>(e) + load<f64>(e, 8) * z;
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  store<u8>(dst + <usize>i, <u8><u32>(v * 255));
}

/**
 * gaussianNoise from the stream, four elements a step: the four next draws u, and if all four take the ziggurat's
 * one-draw case (mag = u >>> 8 below KI of its low byte, an integer compare) z = mag·WNS, y = a + b·z, clip,
 * scale and truncate in f64x2 lanes. Otherwise the four elements go one at a time (gaussianOne), each taking its
 * draws in order from the same position: the same draws for the same elements as the scalar loop. Inlined
 * twice, so gaussian_noise's b is the constant c (not loaded).
 */
// @ts-ignore: decorator
@inline
function gaussianStream(src: usize, dst: usize, n: i32, zig: usize, ab: usize, speckle: bool, c: f64): void {
  streamBegin();
  const cc = f64x2.splat(c);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const s255 = f64x2.splat(255);
  const buf = rawBuf;
  const ki = zig + KI;
  const wns = zig + WNS;
  let i = 0;
  // the stream position in a local (a wasm global is a memory access in V8), written back around gaussianOne
  let at = pos;
  let end = avail;
  while (i + 4 <= n) {
    if (at + 4 > end) {
      pos = at;
      gaussianOne(src, dst, i, zig, ab);
      at = pos;
      end = avail;
      i++;
      continue;
    }
    const p = buf + (<usize>at << 2);
    const u = v128.load(p);
    const mag = i32x4.shr_u(u, 8);
    const j0 = <usize>load<u8>(p);
    const j1 = <usize>load<u8>(p, 4);
    const j2 = <usize>load<u8>(p, 8);
    const j3 = <usize>load<u8>(p, 12);
    let k = v128.load32_zero(ki + (j0 << 2));
    k = v128.load32_lane(ki + (j1 << 2), k, 1);
    k = v128.load32_lane(ki + (j2 << 2), k, 2);
    k = v128.load32_lane(ki + (j3 << 2), k, 3);
    const hit = i32x4.bitmask(i32x4.lt_s(mag, k));
    let w01 = v128.load64_zero(wns + (j0 << 3));
    w01 = v128.load64_lane(wns + (j1 << 3), w01, 1);
    let w23 = v128.load64_zero(wns + (j2 << 3));
    w23 = v128.load64_lane(wns + (j3 << 3), w23, 1);
    const z01 = f64x2.mul(f64x2.convert_low_i32x4_u(mag), w01);
    const z23 = f64x2.mul(f64x2.convert_low_i32x4_u(v128.shuffle<i32>(mag, mag, 2, 3, 0, 1)), w23);
    const sp = src + <usize>i;
    const e0 = ab + (<usize>load<u8>(sp) << 4);
    const e1 = ab + (<usize>load<u8>(sp, 1) << 4);
    const e2 = ab + (<usize>load<u8>(sp, 2) << 4);
    const e3 = ab + (<usize>load<u8>(sp, 3) << 4);
    const a01 = v128.load64_lane(e1, v128.load64_zero(e0), 1);
    const a23 = v128.load64_lane(e3, v128.load64_zero(e2), 1);
    // speckle's b = x·c, the table's product
    const b01 = speckle ? f64x2.mul(a01, cc) : cc;
    const b23 = speckle ? f64x2.mul(a23, cc) : cc;
    const y01 = clipLanes(f64x2.add(a01, f64x2.mul(b01, z01)), zero, one, s255);
    const y23 = clipLanes(f64x2.add(a23, f64x2.mul(b23, z23)), zero, one, s255);
    const w = i16x8.narrow_i32x4_u(v128.shuffle<i32>(y01, y23, 0, 2, 4, 6), y01);
    v128.store32_lane(dst + <usize>i, i8x16.narrow_i16x8_u(w, w), 0);
    if (hit == 15) {
      at += 4;
      i += 4;
    } else {
      // lanes before the first miss q are right; element i + q goes alone from draw pos + q, lanes after it
      // (their bytes rewritten later) start over from the draw after its last
      const q = ctz<i32>(~hit);
      pos = at + q;
      i += q;
      gaussianOne(src, dst, i, zig, ab);
      at = pos;
      end = avail;
      i++;
    }
  }
  pos = at;
  for (; i < n; i++) gaussianOne(src, dst, i, zig, ab);
  streamEnd();
}

/**
 * y[i] = a + b·z for m elements, z a ziggurat normal (as `normals`) and (a, b) at ab + 16·src[i]. State in g0..g3.
 */
function noiseValues(y: usize, src: usize, m: i32, zig: usize, ab: usize): void {
  let s0 = g0;
  let s1 = g1;
  let s2 = g2;
  let s3 = g3;
  let i = 0;
  while (i < m) {
    let u: u32 = 0;
    for (; i < m; i++) {
      u = rotl<u32>(s1 * 5, 7) * 9;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      const j = <usize>(u & 255) << 3;
      const mag = <f64>(u >>> 8);
      if (!(mag < load<f64>(zig + KN2 + j))) break;
      const e = ab + (<usize>load<u8>(src + <usize>i) << 4);
      store<f64>(y + (<usize>i << 3), load<f64>(e) + load<f64>(e, 8) * (mag * load<f64>(zig + WNS + j)));
    }
    if (i < m) {
      g0 = s0;
      g1 = s1;
      g2 = s2;
      g3 = s3;
      const zi = zigguratRest(u, zig);
      const e = ab + (<usize>load<u8>(src + <usize>i) << 4);
      store<f64>(y + (<usize>i << 3), load<f64>(e) + load<f64>(e, 8) * zi);
      s0 = g0;
      s1 = g1;
      s2 = g2;
      s3 = g3;
      i++;
    }
  }
  g0 = s0;
  g1 = s1;
  g2 = s2;
  g3 = s3;
}

/**
 * trunc of two f64 lanes in [0, 255] as int32 lanes 0 and 2 (lanes 1 and 3 hold 0x43300000): floor(v) + 2⁵² is
 * exact and keeps the integer in its low bits. Two instructions where V8's trunc_sat_f64x2_u_zero is a long
 * sequence on x64.
 */
// @ts-ignore: decorator
@inline
function byteLanes(v: v128): v128 {
  return f64x2.add(f64x2.floor(v), f64x2.splat(4503599627370496.0));
}

/** trunc(clip(y, 0, 1)·255) as int32 lanes 0 and 2 (byteLanes). pmax(v, 0) is v < 0 ? 0 : v, pmin(v, 1) is 1 < v ? 1 : v: clip01's comparisons (no NaN here). */
// @ts-ignore: decorator
@inline
function clipLanes(y: v128, zero: v128, one: v128, s255: v128): v128 {
  return byteLanes(f64x2.mul(f64x2.pmin(f64x2.pmax(y, zero), one), s255));
}

/** ceil(x·2⁵³) clamped to [0, 2⁵³] (0 for NaN): the 53-bit integers K with K·2⁻⁵³ < x are those below it. */
function threshold(x: f64): f64 {
  const t = Math.ceil(x * 9007199254740992.0);
  return t > 0 ? min(t, 9007199254740992.0) : 0;
}

/**
 * For the 4 draw pairs (a, b) at p (8 u32): all-ones lanes where (a >>> 5)·2²⁶ + (b >>> 6) < hi·2²⁶ + lo
 * (lo < 2²⁶; all values fit in a signed int32 lane).
 */
// @ts-ignore: decorator
@inline
function below4(p: usize, hi: v128, lo: v128): v128 {
  const x = v128.load(p);
  const y = v128.load(p, 16);
  const a = i32x4.shr_u(v128.shuffle<u32>(x, y, 0, 2, 4, 6), 5);
  const b = i32x4.shr_u(v128.shuffle<u32>(x, y, 1, 3, 5, 7), 6);
  return v128.or(i32x4.lt_s(a, hi), v128.and(i32x4.eq(a, hi), i32x4.lt_s(b, lo)));
}

/** impulse_noise: u = Rng.next() per element; u < c/2 → 255, u < c → 0, else src[i]. */
export function impulseNoise(src: usize, dst: usize, n: i32, c: f64, st: usize): void {
  const half = c / 2;
  g0 = load<u32>(st);
  g1 = load<u32>(st, 4);
  g2 = load<u32>(st, 8);
  g3 = load<u32>(st, 12);
  let i = 0;
  // u < c ⇔ K < ceil(c·2⁵³) for the 53-bit integer K = (a >>> 5)·2²⁶ + (b >>> 6) = u·2⁵³ (exact scalings by powers
  // of two): compared as (high 27, low 26 bits) in i32 lanes, 16 elements per step; c/2 likewise
  const ct = threshold(c);
  const ht = threshold(half);
  const chi = i32x4.splat(<i32>Math.floor(ct / 67108864.0));
  const clo = i32x4.splat(<i32>(ct - Math.floor(ct / 67108864.0) * 67108864.0));
  const hhi = i32x4.splat(<i32>Math.floor(ht / 67108864.0));
  const hlo = i32x4.splat(<i32>(ht - Math.floor(ht / 67108864.0) * 67108864.0));
  // RAW / 2 elements per fill (two draws each), then the rest one draw at a time
  for (; i + (RAW >> 1) <= n; i += RAW >> 1) {
    fillRaw();
    const buf = rawBuf;
    const sb = src + <usize>i;
    const db = dst + <usize>i;
    for (let j = 0; j < RAW >> 1; j += 16) {
      const p = buf + (<usize>j << 3);
      const bc0 = below4(p, chi, clo);
      const bh0 = below4(p, hhi, hlo);
      const bc1 = below4(p + 32, chi, clo);
      const bh1 = below4(p + 32, hhi, hlo);
      const bc2 = below4(p + 64, chi, clo);
      const bh2 = below4(p + 64, hhi, hlo);
      const bc3 = below4(p + 96, chi, clo);
      const bh3 = below4(p + 96, hhi, hlo);
      // all-ones / zero lanes stay so through the signed saturating narrowing
      const mc = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(bc0, bc1), i16x8.narrow_i32x4_s(bc2, bc3));
      const mh = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(bh0, bh1), i16x8.narrow_i32x4_s(bh2, bh3));
      // u < c/2 → 255 (mh all ones), u < c → 0, else src
      v128.store(db + <usize>j, v128.bitselect(mh, v128.load(sb + <usize>j), mc));
    }
  }
  for (; i < n; i++) {
    const u = nextF64();
    store<u8>(dst + <usize>i, select<u32>(select<u32>(255, 0, u < half), load<u8>(src + <usize>i), u < c));
  }
  store<u32>(st, g0);
  store<u32>(st, g1, 4);
  store<u32>(st, g2, 8);
  store<u32>(st, g3, 12);
}

/**
 * shot_noise by guide-table inversion (../../noise.ts): level v = src[i], u = Rng.next(); the result is the
 * smallest k with cdf_v[k] > u, searched from k = guide[v·64 + floor(u·64)] (int32). `pairs` holds, for each
 * guide entry, cdf_v[k] and cdf_v[k + 1] (+∞ past the level's end) as int64 thresholds ceil(c·2⁵³) (2⁵³ + 1 for
 * c ≥ 1), compared with the draw's 53-bit integer (integer ops instead of u's float arithmetic): the 0, 1 or 2 steps of nearly every draw
 * are two independent loads and no branch (which of them is random); only a third step reads `cdf` itself.
 * dst[i] = value[k] (uint8).
 */
export function shotNoise(src: usize, dst: usize, n: i32, st: usize, cdf: usize, start: usize, guide: usize, pairs: usize, value: usize): void {
  g0 = load<u32>(st);
  g1 = load<u32>(st, 4);
  g2 = load<u32>(st, 8);
  g3 = load<u32>(st, 12);
  let i = 0;
  // RAW / 2 elements per fill of the SIMD generator (two draws each), then the rest one draw at a time
  for (; i < n; ) {
    const full = i + (RAW >> 1) <= n;
    const m = full ? RAW >> 1 : n - i;
    if (full) fillRaw();
    const buf = rawBuf;
    for (let j = 0; j < m; j++, i++) {
      let a: u32;
      let b: u32;
      if (full) {
        a = load<u32>(buf + (<usize>j << 3));
        b = load<u32>(buf + (<usize>j << 3), 4);
      } else {
        a = nextU32();
        b = nextU32();
      }
      // u = K·2⁻⁵³ for the 53-bit integer K; c ≤ u ⇔ ceil(c·2⁵³) ≤ K, the pairs' integer thresholds
      const K = (<i64>(a >>> 5) << 26) | <i64>(b >>> 6);
      const v = <usize>load<u8>(src + <usize>i);
      // floor(u·64) is the top 6 of u's 53 bits, the top 6 bits of `a` (no float → int conversion)
      const g = (v << 6) + <usize>(a >>> 26);
      const p = pairs + (g << 4);
      const far = load<i64>(p, 8) <= K;
      let k = <usize>load<i32>(guide + (g << 2)) + <usize>(load<i64>(p) <= K) + <usize>far;
      if (far) {
        const u = (<f64>(a >>> 5) * 67108864.0 + <f64>(b >>> 6)) * INV_2_53;
        const base = cdf + (<usize>load<i32>(start + (v << 2)) << 3);
        while (load<f64>(base + (k << 3)) <= u) k++;
      }
      store<u8>(dst + <usize>i, load<u8>(value + k));
    }
  }
  store<u32>(st, g0);
  store<u32>(st, g1, 4);
  store<u32>(st, g2, 8);
  store<u32>(st, g3, 12);
}

/**
 * plasmaFractal of ../../kernels/plasma.ts into m (n×n float64, n a power of two), without its final scaling
 * to [0, 1] (fog does that on the elements it reads). Returns nothing; the same draws in the same order.
 */
function plasma(m: usize, n: i32, decay: f64, st: usize): void {
  let s0 = load<u32>(st);
  let s1 = load<u32>(st, 4);
  let s2 = load<u32>(st, 8);
  let s3 = load<u32>(st, 12);
  memory.fill(m, 0, <usize>n * <usize>n * 8);
  const mask = n - 1;
  let step = n;
  let wibble: f64 = 100;
  while (step >= 2) {
    const half = step >> 1;
    // rng.uniform(−wibble, wibble) = −wibble + (wibble − (−wibble))·next(); a − (−b) is a + b exactly
    const lo = -wibble;
    const span = wibble + wibble;
    // the three loops of plasmaFractal, each with the same neighbour sums in the same order (row offsets per row)
    // squares: centre (y+half, x+half) of the corners `step` apart
    for (let y = 0; y < n; y += step) {
      const r0 = m + (<usize>(y * n) << 3);
      const r1 = m + (<usize>(((y + step) & mask) * n) << 3);
      const out = m + (<usize>((y + half) * n + half) << 3);
      for (let x = 0; x < n; x += step) {
          const a = rotl<u32>(s1 * 5, 7) * 9;
          let t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = rotl<u32>(s3, 11);
          const b = rotl<u32>(s1 * 5, 7) * 9;
          t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = rotl<u32>(s3, 11);
          const r = wibble * (lo + span * ((<f64>(a >>> 5) * 67108864.0 + <f64>(b >>> 6)) * INV_2_53));
          const x0 = <usize>x << 3;
          const x1 = <usize>((x + step) & mask) << 3;
          const s = load<f64>(r0 + x0) + load<f64>(r1 + x0) + load<f64>(r0 + x1) + load<f64>(r1 + x1);
          store<f64>(out + x0, s / 4 + r);
        }
      }
    // diamonds on the corner rows: (y, x+half)
    for (let y = 0; y < n; y += step) {
      const r0 = m + (<usize>(y * n) << 3);
      const rc = m + (<usize>(((y + half) & mask) * n) << 3);
      const ru = m + (<usize>(((y - half) & mask) * n) << 3);
      const out = r0 + (<usize>half << 3);
      for (let x = 0; x < n; x += step) {
          const a = rotl<u32>(s1 * 5, 7) * 9;
          let t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = rotl<u32>(s3, 11);
          const b = rotl<u32>(s1 * 5, 7) * 9;
          t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = rotl<u32>(s3, 11);
          const r = wibble * (lo + span * ((<f64>(a >>> 5) * 67108864.0 + <f64>(b >>> 6)) * INV_2_53));
          const xc = <usize>((x + half) & mask) << 3;
          const x0 = <usize>x << 3;
          const s = load<f64>(rc + xc) + load<f64>(ru + xc) + load<f64>(r0 + x0) + load<f64>(r0 + (<usize>((x + step) & mask) << 3));
          store<f64>(out + x0, s / 4 + r);
        }
      }
    // diamonds on the corner columns: (y+half, x)
    for (let y = 0; y < n; y += step) {
      const r0 = m + (<usize>(y * n) << 3);
      const rc = m + (<usize>(((y + half) & mask) * n) << 3);
      const r1 = m + (<usize>(((y + step) & mask) * n) << 3);
      for (let x = 0; x < n; x += step) {
          const a = rotl<u32>(s1 * 5, 7) * 9;
          let t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = rotl<u32>(s3, 11);
          const b = rotl<u32>(s1 * 5, 7) * 9;
          t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = rotl<u32>(s3, 11);
          const r = wibble * (lo + span * ((<f64>(a >>> 5) * 67108864.0 + <f64>(b >>> 6)) * INV_2_53));
          const x0 = <usize>x << 3;
          const s = load<f64>(rc + (<usize>((x + half) & mask) << 3)) + load<f64>(rc + (<usize>((x - half) & mask) << 3)) + load<f64>(r0 + x0) + load<f64>(r1 + x0);
          store<f64>(rc + x0, s / 4 + r);
        }
      }
    step = half;
    wibble /= decay;
  }
  store<u32>(st, s0);
  store<u32>(st, s1, 4);
  store<u32>(st, s2, 8);
  store<u32>(st, s3, 12);
}

// @ts-ignore: decorator
@inline
function ld(m: usize, i: i32): f64 {
  return load<f64>(m + (<usize>i << 3));
}

/**
 * fog (../../weather.ts) on RGB src (h×w×3): the plasma map m (size×size) from the Rng at `st`, scaled to
 * [0, 1] by its min and max; dst = u8(clip((x + scale·p)·f, 0, 1)·255), f = M/(M + scale), M = max(src)/255.
 */
export function fog(src: usize, dst: usize, w: i32, h: i32, m: usize, size: i32, scale: f64, decay: f64, st: usize, unit: usize): void {
  plasma(m, size, decay, st);
  // min and max two lanes at a time: pmin(lo, v) is v < lo ? v : lo, plasmaFractal's update. Which of two
  // equal values (±0) a lane keeps cannot change a byte: lo only enters m − lo, and x + (±0) is x for x ≥ 0.
  const nm = size * size;
  // four accumulators each (a single one waits on its own latency every step); nm is a power of 4, ≥ 16
  let lo2 = f64x2.splat(Infinity);
  let hi2 = f64x2.splat(-Infinity);
  let loB = lo2;
  let hiB = hi2;
  let loC = lo2;
  let hiC = hi2;
  let loD = lo2;
  let hiD = hi2;
  for (let i = 0; i < nm; i += 8) {
    const q = m + (<usize>i << 3);
    const v = v128.load(q);
    const vB = v128.load(q, 16);
    const vC = v128.load(q, 32);
    const vD = v128.load(q, 48);
    lo2 = f64x2.pmin(lo2, v);
    hi2 = f64x2.pmax(hi2, v);
    loB = f64x2.pmin(loB, vB);
    hiB = f64x2.pmax(hiB, vB);
    loC = f64x2.pmin(loC, vC);
    hiC = f64x2.pmax(hiC, vC);
    loD = f64x2.pmin(loD, vD);
    hiD = f64x2.pmax(hiD, vD);
  }
  lo2 = f64x2.pmin(f64x2.pmin(lo2, loB), f64x2.pmin(loC, loD));
  hi2 = f64x2.pmax(f64x2.pmax(hi2, hiB), f64x2.pmax(hiC, hiD));
  const lo = min(f64x2.extract_lane(lo2, 0), f64x2.extract_lane(lo2, 1));
  const hi = max(f64x2.extract_lane(hi2, 0), f64x2.extract_lane(hi2, 1));
  const range = hi - lo;
  const n = w * h * 3;
  let top = i8x16.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) top = i8x16.max_u(top, v128.load(src + <usize>i));
  top = i8x16.max_u(top, v128.shuffle<u8>(top, top, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  top = i8x16.max_u(top, v128.shuffle<u8>(top, top, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
  top = i8x16.max_u(top, v128.shuffle<u8>(top, top, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
  top = i8x16.max_u(top, v128.shuffle<u8>(top, top, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
  let maxByte = <u32>i8x16.extract_lane_u(top, 0);
  for (; i < n; i++) maxByte = max(maxByte, <u32>load<u8>(src + <usize>i));
  const maxVal = load<f64>(unit + (<usize>maxByte << 3));
  const f = maxVal / (maxVal + scale);
  const vlo = f64x2.splat(lo);
  const vrange = f64x2.splat(range);
  const vscale = f64x2.splat(scale);
  const vf = f64x2.splat(f);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const s255 = f64x2.splat(255);
  const w3 = w * 3;
  for (let y = 0; y < h; y++) {
    const mr = m + (<usize>(y * size) << 3);
    const s = src + <usize>(y * w3);
    const d = dst + <usize>(y * w3);
    let x = 0;
    // two pixels (six bytes) at a time: p of both (plasmaFractal's (m − lo)/range, then scale·p as fog does),
    // x = byte/255, (x + p)·f clipped, scaled and truncated. The 8-byte load and store reach two bytes
    // further: the store's extra bytes are rewritten by the next pixels (or land in dst's slack, see the loader)
    if (range > 0) {
      for (; x + 2 <= w; x += 2) {
        const pp = f64x2.mul(vscale, f64x2.div(f64x2.sub(v128.load(mr + (<usize>x << 3)), vlo), vrange));
        const k = <usize>(x * 3);
        // x = byte/255 from the unit table (lane loads: cheaper than three f64x2 divisions)
        const sk = s + k;
        const x01 = v128.load64_lane(unit + (<usize>load<u8>(sk, 1) << 3), v128.load64_zero(unit + (<usize>load<u8>(sk) << 3)), 1);
        const x23 = v128.load64_lane(unit + (<usize>load<u8>(sk, 3) << 3), v128.load64_zero(unit + (<usize>load<u8>(sk, 2) << 3)), 1);
        const x45 = v128.load64_lane(unit + (<usize>load<u8>(sk, 5) << 3), v128.load64_zero(unit + (<usize>load<u8>(sk, 4) << 3)), 1);
        const a = fogLanes(x01, v128.shuffle<f64>(pp, pp, 0, 0), vf, zero, one, s255);
        const b = fogLanes(x23, pp, vf, zero, one, s255);
        const c = fogLanes(x45, v128.shuffle<f64>(pp, pp, 1, 1), vf, zero, one, s255);
        const q = i16x8.narrow_i32x4_u(v128.shuffle<i32>(a, b, 0, 2, 4, 6), v128.shuffle<i32>(c, c, 0, 2, 0, 2));
        v128.store64_lane(d + k, i8x16.narrow_i16x8_u(q, q), 0);
      }
    }
    for (; x < w; x++) {
      const p = scale * (range > 0 ? (load<f64>(mr + (<usize>x << 3)) - lo) / range : 0);
      const k = <usize>(x * 3);
      for (let ch: usize = 0; ch < 3; ch++) {
        let v = (load<f64>(unit + (<usize>load<u8>(s + k + ch) << 3)) + p) * f;
        v = v < 0 ? 0 : v > 1 ? 1 : v;
        store<u8>(d + k + ch, <u8><u32>(v * 255)); // truncates, as the Uint8Array store of a value in [0, 255]
      }
    }
  }
}

/** Two lanes of fog: trunc(clip((x + p)·f, 0, 1)·255) as int32 lanes 0 and 2 (byteLanes) (pmax/pmin: clip01's comparisons). */
// @ts-ignore: decorator
@inline
function fogLanes(x: v128, p: v128, f: v128, zero: v128, one: v128, s255: v128): v128 {
  const v = f64x2.mul(f64x2.add(x, p), f);
  return byteLanes(f64x2.mul(f64x2.pmin(f64x2.pmax(v, zero), one), s255));
}

/** n draws loc + scale·z (z ziggurat normals) into dst (float64): the layers of snow and spatter (../noise-loader.ts normalsWasm). */
export function normalFill(dst: usize, n: i32, loc: f64, scale: f64, st: usize, zig: usize): void {
  g0 = load<u32>(st);
  g1 = load<u32>(st, 4);
  g2 = load<u32>(st, 8);
  g3 = load<u32>(st, 12);
  normals(dst, n, zig);
  for (let i = 0; i < n; i++) {
    const p = dst + (<usize>i << 3);
    store<f64>(p, loc + scale * load<f64>(p));
  }
  store<u32>(st, g0);
  store<u32>(st, g1, 4);
  store<u32>(st, g2, 8);
  store<u32>(st, g3, 12);
}
