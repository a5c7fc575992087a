/**
 * Broadcasting arithmetic. Each operand's cotangent is reduced over the axes it was broadcast
 * along (ctx.unbroadcast), so e.g. a per-channel bias [C,1,1] gets Σ over N, H, W.
 */
import type { VjpRule } from '../vjp-types.js';

export const addGrad: VjpRule = {
  differentiableInputs: () => [0, 1],
  vjp(ctx, [dY], wanted) {
    if (!dY) return [null, null];
    const [a, b] = ctx.node.input!;
    const y = ctx.node.output![0];
    return [wanted[0] ? ctx.unbroadcast(dY, y, a) : null, wanted[1] ? ctx.unbroadcast(dY, y, b) : null];
  },
};

export const subGrad: VjpRule = {
  differentiableInputs: () => [0, 1],
  vjp(ctx, [dY], wanted) {
    if (!dY) return [null, null];
    const [a, b] = ctx.node.input!;
    const y = ctx.node.output![0];
    return [wanted[0] ? ctx.unbroadcast(dY, y, a) : null, wanted[1] ? ctx.unbroadcast(ctx.op('Neg', [dY]), y, b) : null];
  },
};

export const mulGrad: VjpRule = {
  differentiableInputs: () => [0, 1],
  vjp(ctx, [dY], wanted) {
    if (!dY) return [null, null];
    const [a, b] = ctx.node.input!;
    const y = ctx.node.output![0];
    return [
      wanted[0] ? ctx.unbroadcast(ctx.op('Mul', [dY, b]), y, a) : null,
      wanted[1] ? ctx.unbroadcast(ctx.op('Mul', [dY, a]), y, b) : null,
    ];
  },
};

/** Y = A / B: dA = dY / B, dB = −dY · Y / B. */
export const divGrad: VjpRule = {
  differentiableInputs: () => [0, 1],
  vjp(ctx, [dY], wanted) {
    if (!dY) return [null, null];
    const [a, b] = ctx.node.input!;
    const y = ctx.node.output![0];
    const dYoverB = ctx.op('Div', [dY, b]);
    return [
      wanted[0] ? ctx.unbroadcast(dYoverB, y, a) : null,
      wanted[1] ? ctx.unbroadcast(ctx.op('Neg', [ctx.op('Mul', [dYoverB, y])]), y, b) : null,
    ];
  },
};

/** Sum (variadic): every operand gets dY, unbroadcast. Mean: dY / count. */
export const sumGrad: VjpRule = {
  differentiableInputs: (node) => (node.input ?? []).map((_, i) => i),
  vjp(ctx, [dY], wanted) {
    const y = ctx.node.output![0];
    return ctx.node.input!.map((x, i) => (dY && wanted[i] ? ctx.unbroadcast(dY, y, x) : null));
  },
};

export const meanGrad: VjpRule = {
  differentiableInputs: (node) => (node.input ?? []).map((_, i) => i),
  vjp(ctx, [dY], wanted) {
    const y = ctx.node.output![0];
    const n = ctx.node.input!.length;
    const scaled = dY ? ctx.op('Mul', [dY, ctx.constFloat([1 / n])]) : null;
    return ctx.node.input!.map((x, i) => (scaled && wanted[i] ? ctx.unbroadcast(scaled, y, x) : null));
  },
};

/** Pow(X, P): dX = dY · P · X^(P−1); dP = dY · Y · ln X. */
export const powGrad: VjpRule = {
  differentiableInputs: () => [0, 1],
  vjp(ctx, [dY], wanted) {
    if (!dY) return [null, null];
    const [x, p] = ctx.node.input!;
    const y = ctx.node.output![0];
    let dX: string | null = null;
    if (wanted[0]) {
      const pc = ctx.constant(p);
      if (pc && pc.length === 1) {
        const k = pc[0];
        const deriv = k === 2 ? ctx.op('Mul', [x, ctx.constFloat([2])]) : ctx.op('Mul', [ctx.op('Pow', [x, ctx.constFloat([k - 1])]), ctx.constFloat([k])]);
        dX = ctx.op('Mul', [dY, deriv]);
      } else {
        const pm1 = ctx.op('Sub', [p, ctx.constFloat([1])]);
        dX = ctx.op('Mul', [dY, ctx.op('Mul', [p, ctx.op('Pow', [x, pm1])])]);
      }
      dX = ctx.unbroadcast(dX, y, x);
    }
    const dP = wanted[1] ? ctx.unbroadcast(ctx.op('Mul', [dY, ctx.op('Mul', [y, ctx.op('Log', [x])])]), y, p) : null;
    return [dX, dP];
  },
};

/** Where(cond, A, B): dA = dY where cond, dB = dY elsewhere. */
export const whereGrad: VjpRule = {
  differentiableInputs: () => [1, 2],
  vjp(ctx, [dY], wanted) {
    if (!dY) return [null, null, null];
    const [cond, a, b] = ctx.node.input!;
    const y = ctx.node.output![0];
    const zero = ctx.constFloat([0]);
    return [
      null,
      wanted[1] ? ctx.unbroadcast(ctx.op('Where', [cond, dY, zero]), y, a) : null,
      wanted[2] ? ctx.unbroadcast(ctx.op('Where', [cond, zero, dY]), y, b) : null,
    ];
  },
};
