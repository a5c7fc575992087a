/** Shared pieces of the VJP rules. */
import { attrInts, attrString, type NodeProto } from '../onnx-proto.js';
import type { VjpContext, VjpRule } from '../vjp-types.js';

/** Ops whose outputs carry no gradient (shapes, comparisons, indices, piecewise-constant maps). */
export const noGradient: VjpRule = {
  differentiableInputs: () => [],
  vjp: (_ctx, _dOut, wanted) => wanted.map(() => null),
};

/** A rule for a one-input op whose VJP is dX = f(ctx, dY, X, Y). */
export function unary(f: (ctx: VjpContext, dY: string, x: string, y: string) => string): VjpRule {
  return {
    differentiableInputs: () => [0],
    vjp: (ctx, dOut, wanted) => [wanted[0] && dOut[0] ? f(ctx, dOut[0], ctx.node.input![0], ctx.node.output![0]) : null],
  };
}

/** Throw a clear error when a slot the rule does not differentiate turns out to depend on the input. */
export function onlySlots(node: NodeProto, wanted: boolean[], slots: number[], what: string): void {
  wanted.forEach((w, i) => {
    if (w && !slots.includes(i)) throw new Error(`${what} (input ${i} '${node.input![i]}' depends on the model input)`);
  });
}

/** Static dims of a value, failing with a clear message when one is batch-dependent or unknown. */
export function staticDims(ctx: VjpContext, name: string, axes: number[], why: string): number[] {
  const s = ctx.shape(name);
  if (!s) throw new Error(`shape of '${name}' unknown (${why})`);
  return axes.map((a) => {
    const d = s[a < 0 ? s.length + a : a];
    if (d === null || d === undefined) throw new Error(`dimension ${a} of '${name}' depends on the batch size (${why})`);
    return d;
  });
}

export function rankOf(ctx: VjpContext, name: string): number {
  const s = ctx.probeShape(name);
  if (!s) throw new Error(`shape of '${name}' unknown`);
  return s.length;
}

/** Spatial geometry of a Conv/Pool node with auto_pad resolved to explicit pads. */
export interface Geometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
  inSize: number[];
  outSize: number[];
}


export function geometry(ctx: VjpContext, kernel: number[], x: string, y: string): Geometry {
  const node = ctx.node;
  const r = kernel.length;
  const spatial = Array.from({ length: r }, (_, i) => i + 2);
  const inSize = staticDims(ctx, x, spatial, 'spatial input size');
  const outSize = staticDims(ctx, y, spatial, 'spatial output size');
  const strides = attrInts(node, 'strides') ?? new Array(r).fill(1);
  const dilations = attrInts(node, 'dilations') ?? new Array(r).fill(1);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let padsBegin: number[];
  let padsEnd: number[];
  if (autoPad === 'NOTSET') {
    const pads = attrInts(node, 'pads') ?? new Array(2 * r).fill(0);
    padsBegin = pads.slice(0, r);
    padsEnd = pads.slice(r);
  } else if (autoPad === 'VALID') {
    padsBegin = new Array(r).fill(0);
    padsEnd = new Array(r).fill(0);
  } else {
    // ONNX Conv/Pool spec: total = max(0, (out − 1)·s + (k − 1)·d + 1 − in); SAME_UPPER puts the odd pixel at the end.
    padsBegin = [];
    padsEnd = [];
    for (let i = 0; i < r; i++) {
      const total = Math.max(0, (outSize[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - inSize[i]);
      const small = Math.floor(total / 2);
      padsBegin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      padsEnd.push(autoPad === 'SAME_UPPER' ? total - small : small);
    }
  }
  return { kernel, strides, dilations, padsBegin, padsEnd, inSize, outSize };
}

/**
 * output_padding that makes the adjoint (ConvTranspose) reproduce the forward input size: the
 * forward op drops trailing rows that no window reaches when (in + pads − k_eff) is not a multiple
 * of the stride; the adjoint must give them a zero gradient.
 */
export function outputPadding(g: Geometry): number[] {
  return g.inSize.map((inS, i) => {
    const covered = (g.outSize[i] - 1) * g.strides[i] + (g.kernel[i] - 1) * g.dilations[i] + 1 - g.padsBegin[i] - g.padsEnd[i];
    const op = inS - covered;
    if (op < 0) throw new Error(`windows reach past the padded input on axis ${i + 2} (ceil_mode?); not supported`);
    return op;
  });
}
