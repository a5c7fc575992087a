/**
 * Concat: each input's cotangent is its slab of dY along the axis. Split: the cotangent is the
 * concatenation of the outputs' cotangents (zeros for outputs that received none).
 */
import { attrInt } from '../onnx-proto.js';
import type { VjpRule } from '../vjp-types.js';
import { rankOf, staticDims } from './util.js';

export const concatGrad: VjpRule = {
  differentiableInputs: (node) => (node.input ?? []).map((_, i) => i),
  vjp(ctx, [dY], wanted) {
    const inputs = ctx.node.input!;
    if (!dY) return inputs.map(() => null);
    const r = rankOf(ctx, inputs[0]);
    let axis = attrInt(ctx.node, 'axis', 0);
    if (axis < 0) axis += r;
    let offset = 0;
    return inputs.map((x, i) => {
      const [len] = staticDims(ctx, x, [axis], 'Concat along a batch-dependent axis');
      const start = offset;
      offset += len;
      return wanted[i] ? ctx.emitter.slice(dY, [start], [start + len], [axis]) : null;
    });
  },
};

export const splitGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, dOut, wanted) {
    if (!wanted[0]) return ctx.node.input!.map(() => null);
    const outs = ctx.node.output!;
    const r = rankOf(ctx, ctx.node.input![0]);
    let axis = attrInt(ctx.node, 'axis', 0);
    if (axis < 0) axis += r;
    const parts = outs.map((o, i) => dOut[i] ?? ctx.emitter.zerosLike(o));
    return [ctx.op('Concat', parts, { axis }), ...ctx.node.input!.slice(1).map(() => null)];
  },
};
