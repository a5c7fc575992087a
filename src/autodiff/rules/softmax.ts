/**
 * Softmax / LogSoftmax over `axis`. Before opset 13 the op normalises over the flattened trailing
 * block [axis, rank), from 13 over the single axis; the reduction axes below follow that.
 *   Softmax:    dX = Y ⊙ (dY − Σ dY⊙Y)
 *   LogSoftmax: dX = dY − exp(Y) ⊙ Σ dY
 */
import { attrInt } from '../onnx-proto.js';
import type { VjpContext, VjpRule } from '../vjp-types.js';
import { rankOf } from './util.js';

function axesOf(ctx: VjpContext): number[] {
  const r = rankOf(ctx, ctx.node.input![0]);
  let axis = attrInt(ctx.node, 'axis', ctx.opset >= 13 ? -1 : 1);
  if (axis < 0) axis += r;
  if (ctx.opset >= 13) return [axis];
  return Array.from({ length: r - axis }, (_, i) => axis + i);
}

export const softmaxGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null];
    const y = ctx.node.output![0];
    const s = ctx.emitter.reduce('ReduceSum', ctx.op('Mul', [dY, y]), axesOf(ctx), true);
    return [ctx.op('Mul', [y, ctx.op('Sub', [dY, s])])];
  },
};

export const logSoftmaxGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null];
    const y = ctx.node.output![0];
    const s = ctx.emitter.reduce('ReduceSum', dY, axesOf(ctx), true);
    return [ctx.op('Sub', [dY, ctx.op('Mul', [ctx.op('Exp', [y]), s])])];
  },
};
