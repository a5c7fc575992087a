/**
 * Ops that only rearrange elements. Flatten, Reshape, Squeeze and Unsqueeze keep the element order,
 * so the cotangent is dY reshaped to the input's runtime shape. Transpose applies the inverse perm.
 */
import { attrInts } from '../onnx-proto.js';
import type { VjpRule } from '../vjp-types.js';
import { rankOf } from './util.js';

export const reshapeLikeGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return ctx.node.input!.map(() => null);
    const x = ctx.node.input![0];
    return [ctx.op('Reshape', [dY, ctx.op('Shape', [x])]), ...ctx.node.input!.slice(1).map(() => null)];
  },
};

export const transposeGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null];
    const r = rankOf(ctx, ctx.node.input![0]);
    const perm = attrInts(ctx.node, 'perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i);
    const inv = new Array<number>(r);
    perm.forEach((p, i) => (inv[p] = i));
    return [ctx.op('Transpose', [dY], { perm: inv })];
  },
};

/** Expand: the inverse of broadcasting is summing over the broadcast axes. */
export const expandGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null, null];
    return [ctx.unbroadcast(dY, ctx.node.output![0], ctx.node.input![0]), null];
  },
};

/** Cast between float types: cast the cotangent back; casts to or from integers carry none. */
export const castGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null];
    const to = ctx.node.attribute?.find((a) => a.name === 'to')?.i;
    if (to !== 1 && to !== 11 && to !== 10) return [null];
    // Mixed-precision graphs would need per-value constant types in every rule.
    if (to !== ctx.floatType) throw new Error('a Cast between float types inside the model (mixed precision)');
    return [dY];
  },
};

/** Dropout at inference is the identity on output 0 (the mask output carries no gradient). */
export const dropoutGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp: (_ctx, [dY], wanted) => [wanted[0] ? dY : null],
};
