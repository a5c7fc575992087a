/**
 * AssemblyScript source of the top-1 softmax probability kernel (compiled by `npm run build:wasm` into
 * ../softmax.generated.ts). Why WebAssembly SIMD: the calibration metrics need one exponential per
 * logit, 100,000 for 10,000 Fashion-MNIST samples, and Math.exp costs about 19 ns each (1.9 ms, most
 * of what the performance probe computes after inference). Here exp is two lanes at a time of the
 * same arithmetic as expNonPositive in ../../softmax.ts, op for op: Cody–Waite reduction by ln 2 with
 * fdlibm's split constant, k rounded half to even by the 1.5·2^52 trick, the degree-13 Taylor
 * polynomial on |r| ≤ ln2/2 in Horner form, then ·2^k. No FMA, no relaxed SIMD: IEEE float64 mul/add
 * only, so this and the JavaScript twin give the same bytes (test/performance/softmax.test.ts).
 */
const INV_LN2: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const ROUND: f64 = 6755399441055744.0; // 1.5 · 2^52
const UNDER: f64 = -708.0;
const C13: f64 = 1.0 / 6227020800.0;
const C12: f64 = 1.0 / 479001600.0;
const C11: f64 = 1.0 / 39916800.0;
const C10: f64 = 1.0 / 3628800.0;
const C9: f64 = 1.0 / 362880.0;
const C8: f64 = 1.0 / 40320.0;
const C7: f64 = 1.0 / 5040.0;
const C6: f64 = 1.0 / 720.0;
const C5: f64 = 1.0 / 120.0;
const C4: f64 = 1.0 / 24.0;
const C3: f64 = 1.0 / 6.0;
const C2: f64 = 0.5;

// exp(x) for x ≤ 0 (NaN → NaN, below −708 → 0), two lanes.
@inline function expLanes(x: v128): v128 {
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(INV_LN2)), f64x2.splat(ROUND));
  const k = f64x2.sub(t, f64x2.splat(ROUND));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(C13);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C12));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C11));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C10));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C9));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C8));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C7));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C4));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C3));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(C2));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^k from k's integer bits in t (t = 1.5·2^52 + k exactly); for NaN lanes the scale is irrelevant.
  const kBits = i64x2.sub(t, f64x2.splat(ROUND));
  const scale = i64x2.shl(i64x2.add(kBits, i64x2.splat(1023)), 52);
  const e = f64x2.mul(p, scale);
  // x < −708 (and −∞) → 0; NaN compares false and stays NaN.
  return v128.andnot(e, f64x2.lt(x, f64x2.splat(UNDER)));
}

@inline function expOne(x: f64): f64 {
  return f64x2.extract_lane(expLanes(f64x2.splat(x)), 0);
}

/**
 * conf[i] = exp(z[i, p] − m) / Σ_j exp(z[i, j] − m) for rows i of C float32 logits at `z`, p = preds[i]
 * (0 when p is not a class), m the row's maximum (NaN if the row holds NaN). The sum runs over two
 * lanes, even j and odd j, added at the end, then the odd C's last term.
 */
export function topConfidence(z: usize, preds: usize, out: usize, n: i32, C: i32): void {
  const pairs = C >> 1;
  for (let i = 0; i < n; i++) {
    const row = z + ((<usize>i * <usize>C) << 2);
    let m = <f64>load<f32>(row);
    for (let j = 1; j < C; j++) {
      const v = <f64>load<f32>(row + (<usize>j << 2));
      if (v > m || v != v) m = v;
    }
    const vm = f64x2.splat(m);
    const p = load<i32>(preds + (<usize>i << 2));
    const pq = p >= 0 && p < C ? p >> 1 : -1; // the pair that holds the predicted class's term
    let ep: f64 = 0.0;
    let acc = f64x2.splat(0);
    for (let q = 0; q < pairs; q++) {
      const x = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>q << 3))), vm);
      const e = expLanes(x);
      if (q == pq) ep = p & 1 ? f64x2.extract_lane(e, 1) : f64x2.extract_lane(e, 0);
      acc = f64x2.add(acc, e);
    }
    let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (C & 1) {
      const e = expOne(<f64>load<f32>(row + (<usize>(C - 1) << 2)) - m);
      if (p == C - 1) ep = e;
      s += e;
    }
    store<f64>(out + (<usize>i << 3), ep / s);
  }
}
