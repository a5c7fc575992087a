/**
 * ReduceSum / ReduceMean: the cotangent is dY (divided by the reduced count for the mean) with the
 * reduced axes restored and broadcast back to the input shape. Axes are an attribute before opset
 * 13 (ReduceSum) / 18 (ReduceMean) and an optional input after; no axes means all axes unless
 * noop_with_empty_axes.
 */
import { attrInt, attrInts } from '../onnx-proto.js';
import type { VjpRule } from '../vjp-types.js';
import { rankOf } from './util.js';

function reduceGrad(mean: boolean): VjpRule {
  return {
    differentiableInputs: () => [0],
    vjp(ctx, [dY], wanted) {
      const node = ctx.node;
      const none = node.input!.map(() => null);
      if (!wanted[0] || !dY) return none;
      const x = node.input![0];
      const r = rankOf(ctx, x);
      const axesAsInput = mean ? ctx.opset >= 18 : ctx.opset >= 13;
      let axes: number[] | undefined;
      if (axesAsInput) {
        const name = node.input![1];
        if (name) {
          const v = ctx.constant(name);
          if (!v) throw new Error(`reduction axes '${name}' are computed at run time`);
          axes = Array.from(v);
        }
      } else axes = attrInts(node, 'axes');
      if (!axes || axes.length === 0) {
        if (attrInt(node, 'noop_with_empty_axes', 0) === 1) return [dY, ...node.input!.slice(1).map(() => null)];
        axes = Array.from({ length: r }, (_, i) => i);
      }
      axes = axes.map((a) => (a < 0 ? a + r : a)).sort((a, b) => a - b);
      const keep = attrInt(node, 'keepdims', 1) === 1;
      let g = keep ? dY : ctx.emitter.unsqueeze(dY, axes);
      if (mean) {
        const s = ctx.shape(x)!;
        if (axes.some((a) => s[a] === null)) throw new Error('ReduceMean over the batch axis');
        const count = axes.reduce((p, a) => p * (s[a] as number), 1);
        g = ctx.op('Mul', [g, ctx.constFloat([1 / count])]);
      }
      return [ctx.op('Expand', [g, ctx.op('Shape', [x])]), ...node.input!.slice(1).map(() => null)];
    },
  };
}

export const reduceSumGrad = reduceGrad(false);
export const reduceMeanGrad = reduceGrad(true);
