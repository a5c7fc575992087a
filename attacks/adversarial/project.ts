/**
 * Projections and steps of gradient attacks, in float32 like the reference implementations
 * (PyTorch, torchattacks, ART): constants are rounded to float32 first (`Math.fround`), every
 * result is stored in a Float32Array, so each step rounds exactly once as a float32 op would.
 */
import { linfStepUnitSimd } from './step-simd.js';

/** sign(v) with sign(0) = 0, as torch.sign. */
export function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** Per-sample L2 norms of an [N, …] array (accumulated in float64). */
export function rowNorms(a: Float32Array, n: number): Float64Array {
  const per = a.length / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = i * per; k < (i + 1) * per; k++) s += a[k] * a[k];
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** Per-sample L∞ norms. */
export function rowMaxAbs(a: Float32Array, n: number): Float64Array {
  const per = a.length / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let k = i * per; k < (i + 1) * per; k++) m = Math.max(m, Math.abs(a[k]));
    out[i] = m;
  }
  return out;
}

/** Box constraints per input element: [0, 1] for images, per-feature bounds for tabular models. */
export interface Box {
  lower: (k: number) => number;
  upper: (k: number) => number;
  /** Elements that must not change (immutable tabular features). */
  frozen?: (k: number) => boolean;
}

export const UNIT_BOX: Box = { lower: () => 0, upper: () => 1 };

/**
 * One L∞ step from `cur` around the clean point `x`:
 * x' = cur + α·s(g); δ = clip(x' − x, −ε, ε); out = clip(x + δ, box). (Madry et al. 2018; the
 * golden conventions in fixtures/golden/README.md.) `dir` is +1 to ascend the loss, −1 to descend.
 */
export function linfStep(x: Float32Array, cur: Float32Array, g: Float32Array, alpha: number, eps: number, box: Box, dir: 1 | -1, out: Float32Array): void {
  const a = Math.fround(alpha) * dir;
  const e = Math.fround(eps);
  if (box === UNIT_BOX) {
    if (!linfStepUnitSimd(x, cur, g, a, e, out)) linfStepUnit(x, cur, g, a, e, out);
    return;
  }
  const per = box.frozen;
  for (let k = 0; k < x.length; k++) {
    if (per?.(k)) {
      out[k] = x[k];
      continue;
    }
    const stepped = Math.fround(cur[k] + a * sign(g[k]));
    let d = Math.fround(stepped - x[k]);
    d = d < -e ? -e : d > e ? e : d;
    const v = Math.fround(x[k] + d);
    const lo = box.lower(k);
    const hi = box.upper(k);
    out[k] = v < lo ? lo : v > hi ? hi : v;
  }
}

/**
 * linfStep for images in [0, 1] in JavaScript (the fallback of step-simd.ts, same bytes): the
 * same float32 operations in the same order, without the per-element box callbacks.
 */
function linfStepUnit(x: Float32Array, cur: Float32Array, g: Float32Array, a: number, e: number, out: Float32Array): void {
  const ne = -e;
  for (let k = 0; k < x.length; k++) {
    const gk = g[k];
    const xk = x[k];
    const stepped = Math.fround(cur[k] + (gk > 0 ? a : gk < 0 ? -a : 0));
    let d = Math.fround(stepped - xk);
    d = d < ne ? ne : d > e ? e : d;
    const v = Math.fround(xk + d);
    out[k] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/**
 * One L2 step: ĝ = g / (‖g‖₂ + 1e-10) per sample; x' = cur + α·ĝ; δ = (x' − x)·min(1, ε/‖x' − x‖₂);
 * out = clip(x + δ, box). (torchattacks PGDL2 / the golden conventions.)
 */
export function l2Step(x: Float32Array, cur: Float32Array, g: Float32Array, n: number, alpha: number, eps: number, box: Box, dir: 1 | -1, out: Float32Array): void {
  const per = x.length / n;
  const gn = rowNorms(g, n);
  const a = Math.fround(alpha) * dir;
  const delta = new Float32Array(per);
  for (let i = 0; i < n; i++) {
    const scale = Math.fround(a / Math.fround(gn[i] + 1e-10));
    let s = 0;
    for (let j = 0; j < per; j++) {
      const k = i * per + j;
      const d = box.frozen?.(k) ? 0 : Math.fround(Math.fround(cur[k] + Math.fround(g[k] * scale)) - x[k]);
      delta[j] = d;
      s += d * d;
    }
    const norm = Math.sqrt(s);
    const factor = norm > 0 ? Math.min(1, eps / norm) : 1;
    for (let j = 0; j < per; j++) {
      const k = i * per + j;
      const v = Math.fround(x[k] + Math.fround(delta[j] * factor));
      const lo = box.lower(k);
      const hi = box.upper(k);
      out[k] = v < lo ? lo : v > hi ? hi : v;
    }
  }
}

/** Project `cur` onto the ε-ball around x (L∞ or L2) and the box, in place. */
export function project(x: Float32Array, cur: Float32Array, n: number, eps: number, norm: 'linf' | 'l2', box: Box): void {
  const per = x.length / n;
  const e = Math.fround(eps);
  for (let i = 0; i < n; i++) {
    let factor = 1;
    if (norm === 'l2') {
      let s = 0;
      for (let k = i * per; k < (i + 1) * per; k++) s += (cur[k] - x[k]) ** 2;
      const nrm = Math.sqrt(s);
      factor = nrm > eps ? eps / nrm : 1;
    }
    for (let k = i * per; k < (i + 1) * per; k++) {
      if (box.frozen?.(k)) {
        cur[k] = x[k];
        continue;
      }
      let d = cur[k] - x[k];
      if (norm === 'linf') d = d < -e ? -e : d > e ? e : d;
      else d *= factor;
      const v = Math.fround(x[k] + d);
      cur[k] = v < box.lower(k) ? box.lower(k) : v > box.upper(k) ? box.upper(k) : v;
    }
  }
}
