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

/** zigguratRest of ../../kernels/normal.ts: the draw `first` missed its layer's rectangle. State in g0..g3. */
function zigguratRest(first: u32, zig: usize): f64 {
  let u = first;
  while (true) {
    const iz = <usize>(u & 127);
    const neg = (u & 128) != 0;
    const mag = <f64>(u >>> 8);
    const x = mag * load<f64>(zig + WN + (iz << 3));
    if (mag < load<f64>(zig + (iz << 3))) return neg ? -x : x;
    if (iz == 0) {
      let xt: f64;
      let yt: f64;
      do {
        xt = -jsLog(1 - nextF64()) / R;
        yt = -jsLog(1 - nextF64());
      } while (yt + yt < xt * xt);
      return neg ? -(R + xt) : R + xt;
    }
    const f = load<f64>(zig + FN + (iz << 3));
    const fPrev = load<f64>(zig + FN + ((iz - 1) << 3));
    if (f + nextF64() * (fPrev - f) < jsExp(-0.5 * x * x)) return neg ? -x : x;
    u = nextU32();
  }
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
 * u8(clip(x + x·c·z, 0, 1)·255); x = src[i]/255, z one ziggurat normal per element. Per block of BLOCK
 * elements: a scalar pass draws the normals into `z` (BLOCK float64), a SIMD pass does the rest two lanes at
 * a time (a scalar float64 → int conversion is several instructions in V8). x·c·z is (x·c)·z, as in JavaScript.
 */
export function gaussianNoise(src: usize, dst: usize, n: i32, c: f64, speckle: bool, st: usize, zig: usize, z: usize): void {
  g0 = load<u32>(st);
  g1 = load<u32>(st, 4);
  g2 = load<u32>(st, 8);
  g3 = load<u32>(st, 12);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const s255 = f64x2.splat(255);
  const cc = f64x2.splat(c);
  for (let b = 0; b < n; b += BLOCK) {
    const m = min(BLOCK, n - b);
    normals(z, m, zig);
    const sb = src + <usize>b;
    const db = dst + <usize>b;
    let i = 0;
    for (; i + 8 <= m; i += 8) {
      // x for 8 bytes: u8 → f64 two at a time, / 255 (correctly rounded, as JavaScript's v / 255)
      const bytes = i16x8.extend_low_i8x16_u(v128.load64_zero(sb + <usize>i));
      const lo = i32x4.extend_low_i16x8_u(bytes);
      const hi = i32x4.extend_high_i16x8_u(bytes);
      const p = z + (<usize>i << 3);
      const a = noiseLanes(f64x2.convert_low_i32x4_u(lo), v128.load(p), cc, speckle, zero, one, s255);
      const b2 = noiseLanes(f64x2.convert_low_i32x4_u(v128.shuffle<i32>(lo, lo, 2, 3, 0, 1)), v128.load(p, 16), cc, speckle, zero, one, s255);
      const c2 = noiseLanes(f64x2.convert_low_i32x4_u(hi), v128.load(p, 32), cc, speckle, zero, one, s255);
      const d = noiseLanes(f64x2.convert_low_i32x4_u(v128.shuffle<i32>(hi, hi, 2, 3, 0, 1)), v128.load(p, 48), cc, speckle, zero, one, s255);
      // 8 values in [0, 255]: the unsigned narrowing is exact
      const w = i16x8.narrow_i32x4_u(v128.shuffle<i32>(a, b2, 0, 1, 4, 5), v128.shuffle<i32>(c2, d, 0, 1, 4, 5));
      v128.store64_lane(db + <usize>i, i8x16.narrow_i16x8_u(w, w), 0);
    }
    for (; i < m; i++) {
      const x = <f64>load<u8>(sb + <usize>i) / 255;
      const zi = load<f64>(z + (<usize>i << 3));
      let v = speckle ? x + x * c * zi : x + c * zi;
      v = v < 0 ? 0 : v > 1 ? 1 : v;
      store<u8>(db + <usize>i, <u8><u32>(v * 255)); // truncates, as the Uint8Array store of a value in [0, 255]
    }
  }
  store<u32>(st, g0);
  store<u32>(st, g1, 4);
  store<u32>(st, g2, 8);
  store<u32>(st, g3, 12);
}

/**
 * Two lanes of gaussian/speckle noise: trunc(clip(x + c·z (or x + (x·c)·z), 0, 1)·255) as int32 lanes 0 and 1,
 * x = v/255. pmax(v, 0) is v < 0 ? 0 : v and pmin(v, 1) is 1 < v ? 1 : v: clip01's comparisons (no NaN here).
 */
// @ts-ignore: decorator
@inline
function noiseLanes(v: v128, z: v128, c: v128, speckle: bool, zero: v128, one: v128, s255: v128): v128 {
  const x = f64x2.div(v, s255);
  const y = speckle ? f64x2.add(x, f64x2.mul(f64x2.mul(x, c), z)) : f64x2.add(x, f64x2.mul(c, z));
  return i32x4.trunc_sat_f64x2_u_zero(f64x2.mul(f64x2.pmin(f64x2.pmax(y, zero), one), s255));
}

/** impulse_noise: u = Rng.next() per element; u < c/2 → 255, u < c → 0, else src[i]. */
export function impulseNoise(src: usize, dst: usize, n: i32, c: f64, st: usize): void {
  const half = c / 2;
  let s0 = load<u32>(st);
  let s1 = load<u32>(st, 4);
  let s2 = load<u32>(st, 8);
  let s3 = load<u32>(st, 12);
  for (let i = 0; i < n; i++) {
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
    const u = (<f64>(a >>> 5) * 67108864.0 + <f64>(b >>> 6)) * INV_2_53;
    // selects, not branches: which case comes is random
    store<u8>(dst + <usize>i, select<u32>(select<u32>(255, 0, u < half), load<u8>(src + <usize>i), u < c));
  }
  store<u32>(st, s0);
  store<u32>(st, s1, 4);
  store<u32>(st, s2, 8);
  store<u32>(st, s3, 12);
}

/**
 * shot_noise by guide-table inversion (../../noise.ts): level v = src[i], u = Rng.next(); the result is the
 * smallest k with cdf_v[k] > u, searched from k = guide[v·64 + floor(u·64)] (int32). `pairs` holds, for each
 * guide entry, cdf_v[k] and cdf_v[k + 1] (+∞ past the level's end): the 0, 1 or 2 steps of nearly every draw
 * are two independent loads and no branch (which of them is random); only a third step reads `cdf` itself.
 * dst[i] = value[k] (uint8).
 */
export function shotNoise(src: usize, dst: usize, n: i32, st: usize, cdf: usize, start: usize, guide: usize, pairs: usize, value: usize): void {
  let s0 = load<u32>(st);
  let s1 = load<u32>(st, 4);
  let s2 = load<u32>(st, 8);
  let s3 = load<u32>(st, 12);
  for (let i = 0; i < n; i++) {
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
    const u = (<f64>(a >>> 5) * 67108864.0 + <f64>(b >>> 6)) * INV_2_53;
    const v = <usize>load<u8>(src + <usize>i);
    // floor(u·64) is the top 6 of u's 53 bits, the top 6 bits of `a` (no float → int conversion)
    const g = (v << 6) + <usize>(a >>> 26);
    const p = pairs + (g << 4);
    const far = load<f64>(p, 8) <= u;
    let k = <usize>load<i32>(guide + (g << 2)) + <usize>(load<f64>(p) <= u) + <usize>far;
    if (far) {
      const base = cdf + (<usize>load<i32>(start + (v << 2)) << 3);
      while (load<f64>(base + (k << 3)) <= u) k++;
    }
    store<u8>(dst + <usize>i, load<u8>(value + k));
  }
  store<u32>(st, s0);
  store<u32>(st, s1, 4);
  store<u32>(st, s2, 8);
  store<u32>(st, s3, 12);
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
    for (let pass = 0; pass < 3; pass++) {
      for (let y = 0; y < n; y += step) {
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
          const u = (<f64>(a >>> 5) * 67108864.0 + <f64>(b >>> 6)) * INV_2_53;
          const r = wibble * (lo + span * u);
          // the same neighbour sums, in the same order, as the three loops of plasmaFractal
          let s: f64;
          let at: i32;
          if (pass == 0) {
            // squares: centre (y+half, x+half) of the corners `step` apart
            const r0 = y * n;
            const r1 = ((y + step) & mask) * n;
            const x1 = (x + step) & mask;
            s = ld(m, r0 + x) + ld(m, r1 + x) + ld(m, r0 + x1) + ld(m, r1 + x1);
            at = (y + half) * n + (x + half);
          } else if (pass == 1) {
            // diamonds on the corner rows: (y, x+half)
            const r0 = y * n;
            const rc = ((y + half) & mask) * n;
            const ru = ((y - half) & mask) * n;
            const xc = (x + half) & mask;
            s = ld(m, rc + xc) + ld(m, ru + xc) + ld(m, r0 + x) + ld(m, r0 + ((x + step) & mask));
            at = r0 + (x + half);
          } else {
            // diamonds on the corner columns: (y+half, x)
            const r0 = y * n;
            const rc = ((y + half) & mask) * n;
            const r1 = ((y + step) & mask) * n;
            s = ld(m, rc + ((x + half) & mask)) + ld(m, rc + ((x - half) & mask)) + ld(m, r0 + x) + ld(m, r1 + x);
            at = (y + half) * n + x;
          }
          store<f64>(m + (<usize>at << 3), s / 4 + r);
        }
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
  const nm = size * size; // ≥ 16, even
  let lo2 = f64x2.splat(Infinity);
  let hi2 = f64x2.splat(-Infinity);
  for (let i = 0; i < nm; i += 2) {
    const v = v128.load(m + (<usize>i << 3));
    lo2 = f64x2.pmin(lo2, v);
    hi2 = f64x2.pmax(hi2, v);
  }
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
        const b16 = i16x8.extend_low_i8x16_u(v128.load64_zero(s + k));
        const b03 = i32x4.extend_low_i16x8_u(b16);
        const b47 = i32x4.extend_high_i16x8_u(b16);
        const x01 = f64x2.div(f64x2.convert_low_i32x4_u(b03), s255);
        const x23 = f64x2.div(f64x2.convert_low_i32x4_u(v128.shuffle<i32>(b03, b03, 2, 3, 0, 1)), s255);
        const x45 = f64x2.div(f64x2.convert_low_i32x4_u(b47), s255);
        const a = fogLanes(x01, v128.shuffle<f64>(pp, pp, 0, 0), vf, zero, one, s255);
        const b = fogLanes(x23, pp, vf, zero, one, s255);
        const c = fogLanes(x45, v128.shuffle<f64>(pp, pp, 1, 1), vf, zero, one, s255);
        const q = i16x8.narrow_i32x4_u(v128.shuffle<i32>(a, b, 0, 1, 4, 5), c);
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

/** Two lanes of fog: trunc(clip((x + p)·f, 0, 1)·255) as int32 lanes 0 and 1 (pmax/pmin: clip01's comparisons). */
// @ts-ignore: decorator
@inline
function fogLanes(x: v128, p: v128, f: v128, zero: v128, one: v128, s255: v128): v128 {
  const v = f64x2.mul(f64x2.add(x, p), f);
  return i32x4.trunc_sat_f64x2_u_zero(f64x2.mul(f64x2.pmin(f64x2.pmax(v, zero), one), s255));
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
