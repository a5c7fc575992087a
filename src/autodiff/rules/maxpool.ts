/**
 * MaxPool: the cotangent of each window goes to the ONE element the forward pass selected — the
 * first maximum in scan order, which is what both PyTorch and onnxruntime pick. The forward
 * MaxPool's Indices output (flat offsets into the N·C·H·W input) says which element that is, and
 * MaxUnpool writes each window's cotangent there.
 *
 * Why MaxUnpool: measured on [128,16,28,28] (onnxruntime 1.30, CPU), MaxPool-with-Indices plus
 * MaxUnpool takes ~1.3 ms, ScatterElements ~2.4 ms, a Reshape+Expand upsample with Equal/Where mask
 * ~7.5 ms (broadcasting over the small window axes is slow in onnxruntime).
 *
 * Index-free backwards that keep the forward MaxPool on the fast NCHWc kernel were measured too
 * (onnxruntime-node 1.30, 2-core Xeon, one thread, whole gradient step) and lost: the Indices
 * MaxPool costs ~8 ms on [128,16,28,28] against 0.55 ms for the plain one, but regathering the
 * windows and scattering back costs as much — SpaceToDepth 1.8 ms, ArgMax over the taps 2.2,
 * int64 Gather 2.2, Where 2.8, DepthToSpace 3.3, each strided Slice ~1.1. fmnist_cnn step:
 * 25.1 ms here vs 25.8 (SpaceToDepth + ArgMax → flat indices → MaxUnpool) and 29.9 (ArgMax →
 * Equal/Where mask → DepthToSpace). ResNet-style stem (3×3/2 pad 1): 73.6 ms vs 102.9 (nine
 * strided window Slices + ArgMax + per-phase Pad/Sum + DepthToSpace). For the overlapping case
 * the opset-<16 grouped MaxUnpools were also slower than one ScatterElements (64.8 vs 54.8 ms).
 * Also exact but slower, the stem pool alone on [128,16,32,32] (one thread): window taps by a one-hot
 * Conv to 9 channels, a −∞ padding mask, ArgMax (first max), Equal/Where, one-hot ConvTranspose to
 * sum the overlapping windows back — 46.7 ms against 26.0 for Indices + ScatterElements; every full
 * pass over the 9×-tap tensor costs 3–10 ms. A double-precision plain MaxPool is as slow as the
 * Indices one: the cost is onnxruntime's generic pooling kernel (~20 ns per output), not the Indices.
 *
 * MaxUnpool overwrites rather than adds, so overlapping windows (kernel reach > stride, e.g. the
 * 3×3/2 stem pool of ResNets) can select the same element twice. From opset 16 one
 * ScatterElements with reduction='add' handles them; before, the windows are split into
 * ⌈reach/s⌉ⁿ interleaved groups that cannot overlap, each unpooled on its own and summed (about
 * 3× the cost of the non-overlapping case).
 */
import { attrInt, attrInts } from '../onnx-proto.js';
import type { VjpContext, VjpRule } from '../vjp-types.js';
import { staticDims } from './util.js';

function unpool(ctx: VjpContext, dY: string, indices: string, x: string, kernel: number[], strides: number[], groups: number[], inSize: number[], outSize: number[]): string {
  const e = ctx.emitter;
  const shape = e.op('Shape', [x]);
  // The indices are absolute and output_shape is given; MaxUnpool's pads only enter its check that
  // output_shape ≥ (out − 1)·s + k − pads, which padding / ceil_mode / dilation can violate.
  const slack = kernel.map((k, i) => Math.max(0, (outSize[i] - 1) * strides[i] + k - inSize[i]));
  const attrs = { kernel_shape: kernel, strides, pads: [...kernel.map(() => 0), ...slack] };
  const total = groups.reduce((a, b) => a * b, 1);
  if (total === 1) return ctx.op('MaxUnpool', [dY, indices, shape], attrs);
  if (ctx.opset >= 16) {
    // One scatter that adds duplicates (ScatterElements gained reduction='add' in opset 16).
    const flat = e.constInt64([-1]);
    const zeros = e.op('Reshape', [e.zerosLike(x), flat]);
    const sc = ctx.op('ScatterElements', [zeros, e.op('Reshape', [indices, flat]), e.op('Reshape', [dY, flat])], { axis: 0, reduction: 'add' });
    return e.op('Reshape', [sc, shape]);
  }
  const parts: string[] = [];
  for (let g = 0; g < total; g++) {
    const starts: number[] = [];
    let rest = g;
    for (let i = groups.length - 1; i >= 0; i--) {
      starts.unshift(rest % groups[i]);
      rest = Math.floor(rest / groups[i]);
    }
    const axes = starts.map((_, i) => i + 2);
    const ends = starts.map(() => 2 ** 62);
    const sl = (t: string): string => e.slice(t, starts, ends, axes, groups);
    parts.push(ctx.op('MaxUnpool', [sl(dY), sl(indices), shape], attrs));
  }
  return e.sum(parts);
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
    const spatial = kernel.map((_, i) => i + 2);
    const inSize = staticDims(ctx, x, spatial, 'MaxPool spatial size');
    const outSize = staticDims(ctx, node.output![0], spatial, 'MaxPool output size');
    const groups = kernel.map((k, i) => Math.ceil(((k - 1) * dil[i] + 1) / strides[i]));
    return [unpool(ctx, dY, ctx.forwardOutput(1), x, kernel, strides, groups, inSize, outSize)];
  },
};

/** GlobalMaxPool: a MaxPool over the whole plane, recomputed with Indices, then unpooled. */
export const globalMaxPoolGrad: VjpRule = {
  differentiableInputs: () => [0],
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null];
    const x = ctx.node.input![0];
    const s = ctx.shape(x)!;
    const spatial = staticDims(ctx, x, s.slice(2).map((_, i) => i + 2), 'GlobalMaxPool spatial size');
    const [, indices] = ctx.emit('MaxPool', [x], { kernel_shape: spatial }, 2);
    return [unpool(ctx, dY, indices, x, spatial, spatial, spatial.map(() => 1), spatial, spatial.map(() => 1))];
  },
};
