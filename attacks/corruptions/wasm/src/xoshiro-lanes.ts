// Four lanes of the one xoshiro128** stream (src/random.ts), shared by noise.ts and kernels.ts (each compiles
// its own copy into its module). The transition is linear over GF(2), so the state SEG steps ahead is a fixed
// 128 × 128 bit matrix J times the state. `fillLanes` puts the states at t, t + SEG, t + 2·SEG and t + 3·SEG in
// the four lanes of i32x4 vectors and steps them together: RAW = 4·SEG consecutive outputs of the stream (the
// same values, each at its index) for one SIMD step per 4 outputs, and the last lane ends at t + RAW, the state
// after them. J is applied with a table of 32 × 16 entries (4 state bits each, "four Russians"): 32 lookups and
// xors per jump, three per fill. The caller owns the memory (table 8 KiB, buffer 16 KiB) and the state.

/** Outputs per lane of one fill. */
export const SEG = 1024;
/** Outputs per fill (u32 in the buffer, 16 KiB). */
export const RAW = 4 * SEG;

/**
 * The state `n` steps after `s` (words s0..s3 in lanes 0..3), one scalar step at a time: for the jump table and
 * for ending a stream part-way through a fill, not for hot loops (those keep the state in locals).
 */
export function advance(s: v128, n: i32): v128 {
  let s0 = <u32>i32x4.extract_lane(s, 0);
  let s1 = <u32>i32x4.extract_lane(s, 1);
  let s2 = <u32>i32x4.extract_lane(s, 2);
  let s3 = <u32>i32x4.extract_lane(s, 3);
  for (let k = 0; k < n; k++) {
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
  }
  return state4(s0, s1, s2, s3);
}

/** The state words s0..s3 as lanes 0..3. */
// @ts-ignore: decorator
@inline
export function state4(s0: u32, s1: u32, s2: u32, s3: u32): v128 {
  return i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(s0), 1, s1), 2, s2), 3, s3);
}

/** Build the jump table at `tab` (8 KiB) for J = SEG steps. Once per instance. */
export function buildJumpTable(tab: usize): void {
  for (let c = 0; c < 32; c++) {
    const e = tab + (<usize>c << 8);
    v128.store(e, i32x4.splat(0));
    for (let b = 0; b < 4; b++) {
      // column of J for state bit 4c + b: SEG steps from the unit state (word c >> 3, bit 4·(c & 7) + b)
      const w = c >> 3;
      const bit: u32 = 1 << ((4 * (c & 7) + b) as u32);
      const col = advance(state4(w == 0 ? bit : 0, w == 1 ? bit : 0, w == 2 ? bit : 0, w == 3 ? bit : 0), SEG);
      const m = 1 << b;
      for (let x = m; x < 2 * m; x++) v128.store(e + (<usize>x << 4), v128.xor(v128.load(e + (<usize>(x - m) << 4)), col));
    }
  }
}

// @ts-ignore: decorator
@inline
function jumpWord(acc: v128, tab: usize, x: u32): v128 {
  for (let q: u32 = 0; q < 8; q++) acc = v128.xor(acc, v128.load(tab + (<usize>(q << 4) << 4) + (<usize>((x >>> (q << 2)) & 15) << 4)));
  return acc;
}

/** J·v with the table at `tab`: the state SEG steps after v (lanes s0..s3). */
function jump(tab: usize, v: v128): v128 {
  let acc = i32x4.splat(0);
  acc = jumpWord(acc, tab, i32x4.extract_lane(v, 0));
  acc = jumpWord(acc, tab + 2048, i32x4.extract_lane(v, 1));
  acc = jumpWord(acc, tab + 4096, i32x4.extract_lane(v, 2));
  acc = jumpWord(acc, tab + 6144, i32x4.extract_lane(v, 3));
  return acc;
}

/**
 * RAW consecutive outputs of the generator in state v0 (lanes s0..s3) into `buf` (u32), with the jump table at
 * `tab`; returns the state after them (v0 advanced by RAW steps, lanes s0..s3).
 */
export function fillLanes(tab: usize, buf: usize, v0: v128): v128 {
  const v1 = jump(tab, v0);
  const v2 = jump(tab, v1);
  const v3 = jump(tab, v2);
  // transpose: vector w holds word w of the four states
  const a = v128.shuffle<u32>(v0, v1, 0, 4, 1, 5);
  const b = v128.shuffle<u32>(v2, v3, 0, 4, 1, 5);
  const c = v128.shuffle<u32>(v0, v1, 2, 6, 3, 7);
  const d = v128.shuffle<u32>(v2, v3, 2, 6, 3, 7);
  let s0 = v128.shuffle<u32>(a, b, 0, 1, 4, 5);
  let s1 = v128.shuffle<u32>(a, b, 2, 3, 6, 7);
  let s2 = v128.shuffle<u32>(c, d, 0, 1, 4, 5);
  let s3 = v128.shuffle<u32>(c, d, 2, 3, 6, 7);
  for (let k = 0; k < SEG; k++) {
    // rotl(s1·5, 7)·9 with shifts and adds (x·5 = x + 4x, x·9 = x + 8x, modulo 2³²)
    const m = i32x4.add(s1, i32x4.shl(s1, 2));
    const r = v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25));
    const o = i32x4.add(r, i32x4.shl(r, 3));
    const p = buf + (<usize>k << 2);
    v128.store32_lane(p, o, 0);
    v128.store32_lane(p, o, 1, SEG * 4);
    v128.store32_lane(p, o, 2, SEG * 8);
    v128.store32_lane(p, o, 3, SEG * 12);
    const t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
  }
  // the last lane's state: lane 3 of s0..s3
  return v128.shuffle<u32>(v128.shuffle<u32>(s0, s1, 3, 7, 3, 7), v128.shuffle<u32>(s2, s3, 3, 7, 3, 7), 0, 1, 4, 5);
}
