/**
 * LayerNormalization (opset 17): y = x̂·γ + β with x̂ = (x − μ)·r, r = 1/√(var + ε), over the axes
 * [axis, rank). With g = dY·γ the input cotangent is
 *   dX = r · (g − mean(g) − x̂ · mean(g ⊙ x̂))            (means over the normalised axes),
 * the standard layer-norm backward (e.g. Ba et al. 2016; PyTorch's native_layer_norm_backward).
 * μ and r come from the op's own optional Mean / InvStdDev outputs, so nothing is recomputed.
 */
import { attrInt, DataType } from '../onnx-proto.js';
import type { VjpRule } from '../vjp-types.js';
import { onlySlots, rankOf } from './util.js';

export const layerNormGrad: VjpRule = {
  differentiableInputs: (node) => (node.input ?? []).map((_, i) => i),
  vjp(ctx, [dY], wanted) {
    onlySlots(ctx.node, wanted, [0], 'layer-norm scale/bias computed from the input are not supported');
    if (!wanted[0] || !dY) return [null, null, null];
    const [x, scale] = ctx.node.input!;
    const e = ctx.emitter;
    const r = rankOf(ctx, x);
    let axis = attrInt(ctx.node, 'axis', -1);
    if (axis < 0) axis += r;
    const axes = Array.from({ length: r - axis }, (_, i) => axis + i);
    // Mean / InvStdDev have the stash type (float32 by default); bring them to the graph's type.
    const toGraph = (v: string): string => (ctx.floatType === DataType.FLOAT ? v : ctx.op('Cast', [v], { to: ctx.floatType }));
    const mean = toGraph(ctx.forwardOutput(1));
    const invStd = toGraph(ctx.forwardOutput(2));
    const xhat = ctx.op('Mul', [ctx.op('Sub', [x, mean]), invStd]);
    const g = ctx.op('Mul', [dY, scale]);
    const meanG = e.reduce('ReduceMean', g, axes, true);
    const meanGX = e.reduce('ReduceMean', ctx.op('Mul', [g, xhat]), axes, true);
    const inner = ctx.op('Sub', [ctx.op('Sub', [g, meanG]), ctx.op('Mul', [xhat, meanGX])]);
    return [ctx.op('Mul', [inner, invStd]), null, null];
  },
};
