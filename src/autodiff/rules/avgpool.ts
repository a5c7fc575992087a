/**
 * AveragePool: every input element receives dY/divisor from each window containing it — the
 * transposed convolution of dY/divisor with a ones kernel, run on N·C single-channel images.
 * The divisor is k₁·k₂·… (count_include_pad=1, or no padding), else the per-window count of
 * non-padding elements, precomputed as a constant [Ho, Wo] map.
 */
import type { VjpRule } from '../vjp-types.js';
import { attrInt, attrInts } from '../onnx-proto.js';
import { geometry, outputPadding } from './util.js';

function windowCounts(inS: number, outS: number, k: number, s: number, pb: number): number[] {
  return Array.from({ length: outS }, (_, o) => {
    const start = o * s - pb;
    return Math.min(start + k, inS) - Math.max(start, 0);
  });
}

export const averagePoolGrad: VjpRule = {
  differentiableInputs: () => [0],
  unsupported(node) {
    if ((attrInts(node, 'dilations') ?? []).some((d) => d !== 1)) return 'dilated AveragePool';
    return null;
  },
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null];
    const node = ctx.node;
    const x = node.input![0];
    const kernel = attrInts(node, 'kernel_shape')!;
    const g = geometry(ctx, kernel, x, node.output![0]);
    const outPad = outputPadding(g); // throws when ceil_mode made windows hang over the edge
    const r = kernel.length;
    const e = ctx.emitter;
    const includePad = attrInt(node, 'count_include_pad', 0) === 1;
    const padded = g.padsBegin.some((p) => p > 0) || g.padsEnd.some((p) => p > 0);
    let scaled: string;
    if (includePad || !padded) {
      scaled = ctx.op('Mul', [dY, ctx.constFloat([1 / kernel.reduce((a, b) => a * b, 1)])]);
    } else {
      const per = kernel.map((k, i) => windowCounts(g.inSize[i], g.outSize[i], k, g.strides[i], g.padsBegin[i]));
      const size = g.outSize.reduce((a, b) => a * b, 1);
      const inv = new Float64Array(size);
      for (let j = 0; j < size; j++) {
        let rest = j;
        let count = 1;
        for (let i = r - 1; i >= 0; i--) {
          count *= per[i][rest % g.outSize[i]];
          rest = Math.floor(rest / g.outSize[i]);
        }
        inv[j] = 1 / count;
      }
      scaled = ctx.op('Mul', [dY, e.constFloatArray(inv, g.outSize)]);
    }
    const single = e.op('Reshape', [scaled, e.constInt64([-1, 1, ...g.outSize])]);
    const ones = e.constFloatArray(new Float64Array(kernel.reduce((a, b) => a * b, 1)).fill(1), [1, 1, ...kernel]);
    const back = ctx.op('ConvTranspose', [single, ones], {
      strides: g.strides,
      pads: [...g.padsBegin, ...g.padsEnd],
      output_padding: outPad,
      kernel_shape: kernel,
    });
    return [e.op('Reshape', [back, e.op('Shape', [x])])];
  },
};

/** GlobalAveragePool: dX = dY / (H·W…) broadcast over the spatial axes. */
export const globalAveragePoolGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null];
    const x = ctx.node.input![0];
    const s = ctx.probeShape(x)!;
    const count = s.slice(2).reduce((a, b) => a * b, 1);
    const scaled = ctx.op('Mul', [dY, ctx.constFloat([1 / count])]);
    return [ctx.op('Expand', [scaled, ctx.op('Shape', [x])])];
  },
};
