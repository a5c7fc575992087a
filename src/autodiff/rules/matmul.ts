/**
 * MatMul (numpy semantics): dA = dY·Bᵀ and dB = Aᵀ·dY over the last two axes, summed over
 * broadcast batch axes; 1-D operands are promoted as numpy does (and the added axis removed).
 */
import type { VjpContext, VjpRule } from '../vjp-types.js';
import { rankOf } from './util.js';

function swapLast(ctx: VjpContext, name: string): string {
  const r = rankOf(ctx, name);
  const c = ctx.constant(name);
  const s = ctx.probeShape(name)!;
  if (c && r === 2) {
    // Weight matrix: transpose once at build time instead of on every run.
    const [rows, cols] = s;
    const t = new Float64Array(c.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = c[i * cols + j];
    return ctx.emitter.constFloatArray(t, [cols, rows]);
  }
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return ctx.op('Transpose', [name], { perm });
}

export const matmulGrad: VjpRule = {
  differentiableInputs: () => [0, 1],
  vjp(ctx, [dY], wanted) {
    if (!dY) return [null, null];
    const [a, b] = ctx.node.input!;
    const y = ctx.node.output![0];
    const ra = rankOf(ctx, a);
    const rb = rankOf(ctx, b);
    const ys = ctx.probeShape(y)!;
    const e = ctx.emitter;
    let dA: string | null = null;
    let dB: string | null = null;
    if (ra >= 2 && rb >= 2) {
      if (wanted[0]) {
        const full = ctx.op('MatMul', [dY, swapLast(ctx, b)]);
        const as = ctx.probeShape(a)!;
        dA = ctx.unbroadcast(full, [...ys.slice(0, -2), as[ra - 2], as[ra - 1]], a);
      }
      if (wanted[1]) {
        const full = ctx.op('MatMul', [swapLast(ctx, a), dY]);
        const bs = ctx.probeShape(b)!;
        dB = ctx.unbroadcast(full, [...ys.slice(0, -2), bs[rb - 2], bs[rb - 1]], b);
      }
    } else if (rb === 1 && ra >= 2) {
      // Y[..., m] = Σ_k A[..., m, k] B[k]
      const dYc = e.unsqueeze(dY, [-1]);
      if (wanted[0]) dA = ctx.op('Mul', [dYc, b]);
      if (wanted[1]) dB = e.reduce('ReduceSum', ctx.op('Mul', [dYc, a]), Array.from({ length: ra - 1 }, (_, i) => i), false);
    } else if (ra === 1 && rb >= 2) {
      // Y[..., n] = Σ_k A[k] B[..., k, n]
      if (wanted[0]) {
        const col = e.squeeze(ctx.op('MatMul', [b, e.unsqueeze(dY, [-1])]), [-1]);
        dA = rb > 2 ? e.reduce('ReduceSum', col, Array.from({ length: rb - 2 }, (_, i) => i), false) : col;
      }
      if (wanted[1]) dB = ctx.op('Mul', [e.unsqueeze(a, [-1]), e.unsqueeze(dY, [-2])]);
    } else {
      // dot product of two vectors: Y scalar
      if (wanted[0]) dA = ctx.op('Mul', [dY, b]);
      if (wanted[1]) dB = ctx.op('Mul', [dY, a]);
    }
    return [dA, dB];
  },
};
