/**
 * MaxPool: the cotangent of each window goes to the ONE element the forward pass selected (the
 * first maximum in scan order — what both PyTorch and onnxruntime pick), read from MaxPool's own
 * Indices output (flat offsets into the whole N·C·H·W input) and scattered back with
 * ScatterElements.
 *
 * Overlapping windows (kernel > stride, e.g. ResNet's 3×3/2 stem pool) can select the same element
 * twice, so the scatter must add: opset ≥ 16 has reduction='add'; before that the windows are split
 * into ⌈k/s⌉ⁿ interleaved groups that cannot overlap, scattered separately and summed.
 */
import type { VjpContext, VjpRule } from '../vjp-types.js';
import { attrInt, attrInts } from '../onnx-proto.js';
import { staticDims } from './util.js';

/** Scatter window cotangents dY to the flat positions `indices`, returning a tensor shaped like x. */
export function scatterToInput(ctx: VjpContext, dY: string, indices: string, x: string, overlapGroups: number[] | null): string {
  const e = ctx.emitter;
  const flat = e.constInt64([-1]);
  const zeros = e.op('Reshape', [e.zerosLike(x), flat]);
  const scatter = (upd: string, idx: string, add: boolean): string =>
    ctx.op('ScatterElements', [zeros, e.op('Reshape', [idx, flat]), e.op('Reshape', [upd, flat])], add ? { axis: 0, reduction: 'add' } : { axis: 0 });
  let out: string;
  if (!overlapGroups) out = scatter(dY, indices, false);
  else if (ctx.opset >= 16) out = scatter(dY, indices, true);
  else {
    const r = overlapGroups.length;
    const parts: string[] = [];
    const total = overlapGroups.reduce((a, b) => a * b, 1);
    for (let g = 0; g < total; g++) {
      const starts: number[] = [];
      let rest = g;
      for (let i = r - 1; i >= 0; i--) {
        starts.unshift(rest % overlapGroups[i]);
        rest = Math.floor(rest / overlapGroups[i]);
      }
      const axes = starts.map((_, i) => i + 2);
      const ends = starts.map(() => 2 ** 62);
      const sl = (t: string): string => e.slice(t, starts, ends, axes, overlapGroups);
      parts.push(scatter(sl(dY), sl(indices), false));
    }
    out = e.sum(parts);
  }
  return e.op('Reshape', [out, e.op('Shape', [x])]);
}

export const maxPoolGrad: VjpRule = {
  differentiableInputs: () => [0],
  unsupported(node) {
    if (attrInt(node, 'storage_order', 0) !== 0) return 'storage_order=1 (column-major indices)';
    return null;
  },
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null];
    const node = ctx.node;
    const x = node.input![0];
    const kernel = attrInts(node, 'kernel_shape')!;
    const strides = attrInts(node, 'strides') ?? kernel.map(() => 1);
    const dil = attrInts(node, 'dilations') ?? kernel.map(() => 1);
    staticDims(ctx, x, kernel.map((_, i) => i + 2), 'MaxPool spatial size');
    const groups = kernel.map((k, i) => Math.ceil(((k - 1) * dil[i] + 1) / strides[i]));
    const overlap = groups.some((g) => g > 1) ? groups : null;
    const indices = ctx.forwardOutput(1);
    return [scatterToInput(ctx, dY, indices, x, overlap)];
  },
};

/** GlobalMaxPool: a MaxPool over the whole spatial extent, recomputed with Indices, then scattered. */
export const globalMaxPoolGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null];
    const x = ctx.node.input![0];
    const s = ctx.shape(x)!;
    const spatial = staticDims(ctx, x, s.slice(2).map((_, i) => i + 2), 'GlobalMaxPool spatial size');
    const [, indices] = ctx.emit('MaxPool', [x], { kernel_shape: spatial }, 2);
    return [scatterToInput(ctx, dY, indices, x, null)];
  },
};
