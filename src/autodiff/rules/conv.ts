/**
 * Conv: the input cotangent is the transposed convolution of dY with the same weights, groups,
 * strides, dilations and pads (the adjoint of a cross-correlation), with output_padding restoring
 * the rows a strided conv never reads. Weight/bias cotangents are not needed.
 */
import type { VjpRule } from '../vjp-types.js';
import { geometry, onlySlots, outputPadding } from './util.js';
import { attrInt } from '../onnx-proto.js';

export const convGrad: VjpRule = {
  differentiableInputs: (node) => (node.input ?? []).map((_, i) => i),
  vjp(ctx, [dY], wanted) {
    const node = ctx.node;
    onlySlots(node, wanted, [0], 'gradients through convolution weights or biases computed from the input are not supported');
    if (!wanted[0] || !dY) return [null];
    const [x, w] = node.input!;
    const wShape = ctx.probeShape(w);
    if (!wShape) throw new Error(`weight '${w}' has no known shape`);
    const g = geometry(ctx, wShape.slice(2), x, node.output![0]);
    const dX = ctx.op('ConvTranspose', [dY, w], {
      group: attrInt(node, 'group', 1),
      strides: g.strides,
      dilations: g.dilations,
      pads: [...g.padsBegin, ...g.padsEnd],
      output_padding: outputPadding(g),
      kernel_shape: g.kernel,
    });
    return [dX, null, null];
  },
};
