/**
 * Clip (Relu6, hardtanh): dY strictly between the bounds, 0 at and beyond them (PyTorch's
 * hardtanh_backward, which is what F.relu6 and nn.Hardtanh export to). Bounds are attributes before
 * opset 11 and optional inputs from 11 on.
 */
import { attrFloat } from '../onnx-proto.js';
import type { VjpRule } from '../vjp-types.js';

export const clipGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null];
    const node = ctx.node;
    const x = node.input![0];
    let lo: string | null = null;
    let hi: string | null = null;
    if (ctx.opset < 11) {
      const a = node.attribute ?? [];
      if (a.some((t) => t.name === 'min')) lo = ctx.constFloat([attrFloat(node, 'min', -Infinity)]);
      if (a.some((t) => t.name === 'max')) hi = ctx.constFloat([attrFloat(node, 'max', Infinity)]);
    } else {
      lo = node.input![1] || null;
      hi = node.input![2] || null;
    }
    const conds: string[] = [];
    if (lo) conds.push(ctx.op('Greater', [x, lo]));
    if (hi) conds.push(ctx.op('Less', [x, hi]));
    if (conds.length === 0) return [dY];
    const inside = conds.length === 2 ? ctx.op('And', conds) : conds[0];
    return [ctx.emitter.maskWhere(inside, dY)];
  },
};

/** PRelu(X, slope): dY for x > 0, dY·slope elsewhere (slope broadcast as in the forward op). */
export const preluGrad: VjpRule = {
  differentiableInputs: () => [0, 1],
  vjp(ctx, [dY], wanted) {
    if (wanted[1]) throw new Error('a PRelu slope computed from the input is not supported');
    if (!wanted[0] || !dY) return [null, null];
    const [x, slope] = ctx.node.input!;
    const neg = ctx.op('Mul', [dY, slope]);
    return [ctx.op('Where', [ctx.op('Greater', [x, ctx.constFloat([0])]), dY, neg]), null];
  },
};
