/**
 * ConvTranspose: its adjoint is the plain convolution with the same weights, groups, strides,
 * dilations and pads (output_padding only appends rows, which the conv windows then skip).
 */
import type { VjpRule } from '../vjp-types.js';
import { attrInt, attrInts, attrString } from '../onnx-proto.js';
import { onlySlots } from './util.js';

export const convTransposeGrad: VjpRule = {
  differentiableInputs: (node) => (node.input ?? []).map((_, i) => i),
  unsupported(node) {
    if (attrString(node, 'auto_pad', 'NOTSET') !== 'NOTSET' || attrInts(node, 'output_shape')) {
      return 'auto_pad / output_shape on ConvTranspose (give explicit pads)';
    }
    return null;
  },
  vjp(ctx, [dY], wanted) {
    const node = ctx.node;
    onlySlots(node, wanted, [0], 'gradients through transposed-convolution weights computed from the input are not supported');
    if (!wanted[0] || !dY) return [null];
    const w = node.input![1];
    const wShape = ctx.probeShape(w);
    if (!wShape) throw new Error(`weight '${w}' has no known shape`);
    const r = wShape.length - 2;
    const dX = ctx.op('Conv', [dY, w], {
      group: attrInt(node, 'group', 1),
      strides: attrInts(node, 'strides') ?? new Array(r).fill(1),
      dilations: attrInts(node, 'dilations') ?? new Array(r).fill(1),
      pads: attrInts(node, 'pads') ?? new Array(2 * r).fill(0),
      kernel_shape: wShape.slice(2),
    });
    return [dX, null, null];
  },
};
