/**
 * Gemm: Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A, B' likewise.
 * dA' = α·dY·B'ᵀ, dB' = α·A'ᵀ·dY, dC = β·dY summed over C's broadcast axes; each transposed back
 * when the operand was transposed, expressed as one Gemm with the right trans flags.
 */
import type { VjpRule } from '../vjp-types.js';
import { attrFloat, attrInt } from '../onnx-proto.js';

export const gemmGrad: VjpRule = {
  differentiableInputs: (node) => (node.input ?? []).map((_, i) => i),
  vjp(ctx, [dY], wanted) {
    if (!dY) return [null, null, null];
    const node = ctx.node;
    const [a, b, c] = node.input!;
    const alpha = attrFloat(node, 'alpha', 1);
    const beta = attrFloat(node, 'beta', 1);
    const tA = attrInt(node, 'transA', 0);
    const tB = attrInt(node, 'transB', 0);
    const al = { alpha: { float: alpha } };
    const dA = wanted[0]
      ? tA === 0
        ? ctx.op('Gemm', [dY, b], { ...al, transA: 0, transB: tB ? 0 : 1 })
        : ctx.op('Gemm', [b, dY], { ...al, transA: tB, transB: 1 })
      : null;
    const dB = wanted[1]
      ? tB === 0
        ? ctx.op('Gemm', [a, dY], { ...al, transA: tA ? 0 : 1, transB: 0 })
        : ctx.op('Gemm', [dY, a], { ...al, transA: 1, transB: tA })
      : null;
    let dC: string | null = null;
    if (wanted[2] && c) {
      const scaled = beta === 1 ? dY : ctx.op('Mul', [dY, ctx.constFloat([beta])]);
      dC = ctx.unbroadcast(scaled, node.output![0], c);
    }
    return [dA, dB, dC];
  },
};
