/**
 * Gelu (opset 20) and Selu.
 * Gelu, approximate='none': y = x·Φ(x), dy/dx = Φ(x) + x·φ(x).
 * Gelu, approximate='tanh': y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³),
 *   dy/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)   (Hendrycks & Gimpel 2016).
 * Selu: y = γx for x > 0, γα(eˣ − 1) otherwise; dy/dx = γ, or y + γα.
 */
import { attrFloat, attrString } from '../onnx-proto.js';
import { unary } from './util.js';

export const geluGrad = unary((ctx, dY, x) => {
  const c = (v: number): string => ctx.constFloat([v]);
  const mul = (a: string, b: string): string => ctx.op('Mul', [a, b]);
  const add = (a: string, b: string): string => ctx.op('Add', [a, b]);
  if (attrString(ctx.node, 'approximate', 'none') === 'tanh') {
    const k = Math.sqrt(2 / Math.PI);
    const x2 = mul(x, x);
    const t = ctx.op('Tanh', [mul(mul(x, add(c(1), mul(x2, c(0.044715)))), c(k))]);
    const left = mul(add(c(1), t), c(0.5));
    const sech2 = ctx.op('Sub', [c(1), mul(t, t)]);
    const right = mul(mul(mul(x, sech2), c(0.5 * k)), add(c(1), mul(x2, c(3 * 0.044715))));
    return mul(dY, add(left, right));
  }
  const cdf = mul(add(c(1), ctx.op('Erf', [mul(x, c(Math.SQRT1_2))])), c(0.5));
  const pdf = mul(ctx.op('Exp', [mul(mul(x, x), c(-0.5))]), c(1 / Math.sqrt(2 * Math.PI)));
  return mul(dY, add(cdf, mul(x, pdf)));
});

export const seluGrad = unary((ctx, dY, x, y) => {
  const alpha = attrFloat(ctx.node, 'alpha', 1.67326319217681884765625);
  const gamma = attrFloat(ctx.node, 'gamma', 1.05070102214813232421875);
  const pos = ctx.op('Greater', [x, ctx.constFloat([0])]);
  const slope = ctx.op('Where', [pos, ctx.constFloat([gamma]), ctx.op('Add', [y, ctx.constFloat([gamma * alpha])])]);
  return ctx.op('Mul', [dY, slope]);
});
