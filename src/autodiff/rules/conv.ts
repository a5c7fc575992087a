/**
 * Conv: the input cotangent is the transposed convolution of dY with the same weights, groups,
 * strides, dilations and pads (the adjoint of a cross-correlation), with output_padding restoring
 * the rows a strided conv never reads. Weight/bias cotangents are not needed.
 */
import type { VjpContext, VjpRule } from '../vjp-types.js';
import { geometry, onlySlots, outputPadding, type Geometry } from './util.js';
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
    const group = attrInt(node, 'group', 1);
    const flipped = flippedConv(ctx, dY, w, wShape, group, g);
    if (flipped) return [flipped, null, null];
    const dX = ctx.op('ConvTranspose', [dY, w], {
      group,
      strides: g.strides,
      dilations: g.dilations,
      pads: [...g.padsBegin, ...g.padsEnd],
      output_padding: outputPadding(g),
      kernel_shape: g.kernel,
    });
    return [dX, null, null];
  },
};

/**
 * For a stride-1 conv with constant weights, the adjoint is itself a convolution: dX = conv(dY, W′)
 * with W′[c, m] = W[m, c] flipped in every spatial axis (per group) and pads (k−1)·d − p. It runs
 * on onnxruntime's NCHWc Conv kernels, which are several times faster than its ConvTranspose.
 * Returns null when that form does not apply (strided, runtime weights, or a pad larger than the
 * kernel reach).
 */
function flippedConv(ctx: VjpContext, dY: string, w: string, wShape: number[], group: number, g: Geometry): string | null {
  if (g.strides.some((s) => s !== 1)) return null;
  // Few output channels (the first layer's 1 or 3): the NCHWc kernel pads them to a block of 8 and
  // reorders the result back, slower than ConvTranspose (measured ~2× on [128,16,32,32] → 3 channels).
  if (wShape[1] * group < 8) return null;
  const wv = ctx.constant(w);
  if (!wv) return null;
  const reach = g.kernel.map((k, i) => (k - 1) * g.dilations[i]);
  const pads = [...reach.map((rch, i) => rch - g.padsBegin[i]), ...reach.map((rch, i) => rch - g.padsEnd[i])];
  if (pads.some((p) => p < 0)) return null;
  const [M, Cg] = wShape;
  const Mg = M / group;
  const ksize = g.kernel.reduce((a, b) => a * b, 1);
  // W′ has shape [C, M/g, *k]: output channel c = grp·Cg + ci, input channel mi of group grp.
  const out = new Float64Array(wv.length);
  for (let grp = 0; grp < group; grp++)
    for (let mi = 0; mi < Mg; mi++)
      for (let ci = 0; ci < Cg; ci++) {
        const src = ((grp * Mg + mi) * Cg + ci) * ksize;
        const dst = ((grp * Cg + ci) * Mg + mi) * ksize;
        for (let k = 0; k < ksize; k++) out[dst + k] = wv[src + ksize - 1 - k];
      }
  const wT = ctx.emitter.constFloatArray(out, [Cg * group, Mg, ...g.kernel]);
  // Rows the forward conv never read (none at stride 1) would need output padding; geometry covers it.
  return ctx.op('Conv', [dY, wT], { group, dilations: g.dilations, pads, kernel_shape: g.kernel, strides: g.kernel.map(() => 1) });
}
