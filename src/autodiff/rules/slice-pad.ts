/**
 * Slice (unit steps): its adjoint zero-pads dY back to the input extent. Pad (constant mode): its
 * adjoint slices the padding off again (negative pads crop, whose adjoint pads).
 * Gather with a constant scalar index along an axis (x[:, 0]) is a Slice plus Squeeze.
 */
import { attrInt, attrInts, attrString } from '../onnx-proto.js';
import type { VjpContext, VjpRule } from '../vjp-types.js';
import { rankOf } from './util.js';

function constInts(ctx: VjpContext, name: string | undefined, what: string): number[] | undefined {
  if (!name) return undefined;
  const v = ctx.constant(name);
  if (!v) throw new Error(`${what} '${name}' is computed at run time; only constant ${what} are supported`);
  return Array.from(v);
}

export const sliceGrad: VjpRule = {
  differentiableInputs: () => [0],
  unsupported(node, opset, constant) {
    if (opset < 10) return null;
    const [, starts, ends, axes, steps] = node.input ?? [];
    for (const [what, name] of [['starts', starts], ['ends', ends], ['axes', axes], ['steps', steps]] as const) {
      if (name && !constant(name)) return `Slice ${what} computed at run time`;
    }
    if (steps && Array.from(constant(steps)!).some((v) => v !== 1)) return 'Slice with steps ≠ 1';
    return null;
  },
  vjp(ctx, [dY], wanted) {
    const node = ctx.node;
    const none = node.input!.map(() => null);
    if (!wanted[0] || !dY) return none;
    const x = node.input![0];
    const xs = ctx.probeShape(x)!;
    const xStatic = ctx.shape(x)!;
    const r = xs.length;
    const starts = ctx.opset >= 10 ? constInts(ctx, node.input![1], 'starts')! : attrInts(node, 'starts')!;
    const ends = ctx.opset >= 10 ? constInts(ctx, node.input![2], 'ends')! : attrInts(node, 'ends')!;
    const axes = (ctx.opset >= 10 ? constInts(ctx, node.input![3], 'axes') : attrInts(node, 'axes')) ?? starts.map((_, i) => i);
    const steps = ctx.opset >= 10 ? constInts(ctx, node.input![4], 'steps') : undefined;
    if (steps && steps.some((s) => s !== 1)) throw new Error('Slice with steps ≠ 1');
    const pads = new Array(2 * r).fill(0);
    axes.forEach((a0, i) => {
      const a = a0 < 0 ? a0 + r : a0;
      if (xStatic[a] === null) throw new Error('Slice along the batch axis');
      const d = xs[a];
      const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      const s = clamp(starts[i]);
      const e = Math.max(clamp(ends[i]), s);
      pads[a] = s;
      pads[a + r] = d - e;
    });
    return [ctx.emitter.pad(dY, pads), ...node.input!.slice(1).map(() => null)];
  },
};

export const padGrad: VjpRule = {
  differentiableInputs: () => [0],
  unsupported(node) {
    const mode = attrString(node, 'mode', 'constant');
    return mode === 'constant' ? null : `Pad mode '${mode}'`;
  },
  vjp(ctx, [dY], wanted) {
    const node = ctx.node;
    const none = node.input!.map(() => null);
    if (!wanted[0] || !dY) return none;
    const r = rankOf(ctx, node.input![0]);
    const pads = ctx.opset >= 11 ? constInts(ctx, node.input![1], 'pads')! : attrInts(node, 'pads')!;
    const axesIn = ctx.opset >= 18 ? constInts(ctx, node.input![3], 'axes') : undefined;
    const axes = (axesIn ?? Array.from({ length: r }, (_, i) => i)).map((a) => (a < 0 ? a + r : a));
    const k = axes.length;
    // Cotangent = dY sliced by [begin, dim − end) on padded axes; negative pads (crops) → pad back.
    const starts: number[] = [];
    const ends: number[] = [];
    const sliceAxes: number[] = [];
    const unpad = new Array(2 * r).fill(0);
    axes.forEach((a, i) => {
      const b = pads[i];
      const e = pads[i + k];
      if (b > 0 || e > 0) {
        starts.push(Math.max(b, 0));
        ends.push(e > 0 ? -e : 2 ** 62);
        sliceAxes.push(a);
      }
      if (b < 0) unpad[a] = -b;
      if (e < 0) unpad[a + r] = -e;
    });
    let g = sliceAxes.length > 0 ? ctx.emitter.slice(dY, starts, ends, sliceAxes) : dY;
    if (unpad.some((p) => p > 0)) g = ctx.emitter.pad(g, unpad);
    return [g, ...node.input!.slice(1).map(() => null)];
  },
};

export const gatherGrad: VjpRule = {
  differentiableInputs: () => [0],
  unsupported(node, _opset, constant) {
    const idx = constant(node.input![1]);
    return idx && idx.length === 1 ? null : 'Gather with non-constant or non-scalar indices';
  },
  vjp(ctx, [dY], wanted) {
    if (!wanted[0] || !dY) return [null, null];
    const [x, indices] = ctx.node.input!;
    const idx = ctx.constant(indices);
    const idxShape = ctx.probeShape(indices);
    if (!idx || !idxShape || idxShape.length !== 0) throw new Error('Gather with non-constant or non-scalar indices');
    const xs = ctx.probeShape(x)!;
    const r = xs.length;
    let axis = attrInt(ctx.node, 'axis', 0);
    if (axis < 0) axis += r;
    if (ctx.shape(x)![axis] === null) throw new Error('Gather along the batch axis');
    const i = idx[0] < 0 ? idx[0] + xs[axis] : idx[0];
    const pads = new Array(2 * r).fill(0);
    pads[axis] = i;
    pads[axis + r] = xs[axis] - i - 1;
    return [ctx.emitter.pad(ctx.emitter.unsqueeze(dY, [axis]), pads), null];
  },
};
