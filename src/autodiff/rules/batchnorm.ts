/**
 * BatchNormalization in inference mode: y = (x − mean)/√(var + ε)·scale + B is affine per channel
 * (axis 1), so dX = dY · scale/√(var + ε), precomputed in float64 when the statistics are constants.
 */
import { attrFloat, attrInt } from '../onnx-proto.js';
import type { VjpRule } from '../vjp-types.js';
import { onlySlots, rankOf } from './util.js';

export const batchNormGrad: VjpRule = {
  differentiableInputs: (node) => (node.input ?? []).map((_, i) => i),
  unsupported(node) {
    if (attrInt(node, 'training_mode', 0) !== 0) return 'training_mode=1 (batch statistics); export the model in eval mode';
    if ((node.output ?? []).filter(Boolean).length > 1) return 'training-mode outputs (running mean/var) requested';
    return null;
  },
  vjp(ctx, [dY], wanted) {
    onlySlots(ctx.node, wanted, [0], 'batch-norm parameters computed from the input are not supported');
    if (!wanted[0] || !dY) return [null];
    const [x, scale, , , variance] = ctx.node.input!;
    const eps = attrFloat(ctx.node, 'epsilon', 1e-5);
    const rank = rankOf(ctx, x);
    const sc = ctx.constant(scale);
    const v = ctx.constant(variance);
    const bshape = [-1, ...new Array(rank - 2).fill(1)];
    let k: string;
    if (sc && v) {
      // onnxruntime evaluates in float32: round var+ε like it does so the factor matches bit for bit as far as possible.
      const f = sc.map((s, c) => s / Math.sqrt(Math.fround(v[c] + eps)));
      k = ctx.emitter.constFloatArray(f, [f.length, ...new Array(rank - 2).fill(1)]);
    } else {
      const f = ctx.op('Div', [scale, ctx.op('Sqrt', [ctx.op('Add', [variance, ctx.constFloat([eps])])])]);
      k = ctx.op('Reshape', [f, ctx.constInt64(bshape)]);
    }
    return [ctx.op('Mul', [dY, k]), null, null, null, null];
  },
};
