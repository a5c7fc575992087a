/**
 * AssemblyScript source of the attack-step kernel (compiled by `npm run build:wasm` into
 * ../step.generated.ts). Why WebAssembly SIMD: a projected sign step is a few float32 ops per
 * pixel, but in JavaScript every op needs Math.fround and the sign is a data-dependent branch
 * (gradient signs are random), so the loop ran at ~25 ns per element. In f32x4 the same ops are
 * native float32 and the selects are masks: the same bytes (test/adversarial/linf-step.test.ts);
 * bench/gradients.ts times both paths on a ResNet-style batch (BENCHMARKS.md, exact-gradients section).
 * pmin/pmax are the ternary minimum/maximum (b < a ? b : a), which is exactly the JavaScript
 * clamps' handling of NaN and −0; no relaxed SIMD, no FMA, so every engine gives the same bytes.
 */
// out[k] = clip(x + clip(f32(cur + a·sign(g)) − x, −e, e), 0, 1), every op in float32, as linfStepUnit.
export function linfStepUnit(x: usize, cur: usize, g: usize, out: usize, n: i32, a: f32, e: f32): void {
  const va = f32x4.splat(a);
  const vna = f32x4.splat(-a);
  const ve = f32x4.splat(e);
  const vne = f32x4.splat(-e);
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const n4 = n & ~3;
  let k = 0;
  for (; k < n4; k += 4) {
    const off = <usize>k << 2;
    const gk = v128.load(g + off);
    const xk = v128.load(x + off);
    // gk > 0 ? a : gk < 0 ? −a : 0 (NaN → 0)
    const s = v128.or(v128.and(f32x4.gt(gk, zero), va), v128.and(f32x4.lt(gk, zero), vna));
    const stepped = f32x4.add(v128.load(cur + off), s);
    let d = f32x4.sub(stepped, xk);
    d = f32x4.pmax(d, vne); // d < −e ? −e : d
    d = f32x4.pmin(d, ve); // e < d ? e : d
    let v = f32x4.add(xk, d);
    v = f32x4.pmax(v, zero); // v < 0 ? 0 : v
    v = f32x4.pmin(v, one); // 1 < v ? 1 : v
    v128.store(out + off, v);
  }
  for (; k < n; k++) {
    const off = <usize>k << 2;
    const gk = load<f32>(g + off);
    const xk = load<f32>(x + off);
    const stepped: f32 = load<f32>(cur + off) + (gk > 0 ? a : gk < 0 ? -a : 0);
    let d: f32 = stepped - xk;
    d = d < -e ? -e : d > e ? e : d;
    const v: f32 = xk + d;
    store<f32>(out + off, v < 0 ? 0 : v > 1 ? 1 : v);
  }
}
