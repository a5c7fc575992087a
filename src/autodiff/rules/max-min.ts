/**
 * Elementwise Max / Min (variadic, broadcasting): the cotangent goes to the operand(s) equal to
 * the result, split evenly among ties — for two operands exactly PyTorch's torch.maximum /
 * torch.minimum backward (grad/2 to each on a tie).
 */
import type { VjpRule } from '../vjp-types.js';

export const maxMinGrad: VjpRule = {
  differentiableInputs: (node) => (node.input ?? []).map((_, i) => i),
  vjp(ctx, [dY], wanted) {
    const inputs = ctx.node.input!;
    if (!dY) return inputs.map(() => null);
    const y = ctx.node.output![0];
    const masks = inputs.map((x) => ctx.op('Cast', [ctx.op('Equal', [x, y])], { to: ctx.floatType }));
    const count = masks.length === 1 ? null : ctx.op('Sum', masks);
    const share = count ? ctx.op('Div', [dY, count]) : dY;
    return inputs.map((x, i) => (wanted[i] ? ctx.unbroadcast(ctx.op('Mul', [share, masks[i]]), y, x) : null));
  },
};
