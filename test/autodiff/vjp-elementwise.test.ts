import { describe, expect, test } from 'vitest';
import { gradCheck, tolerance } from './gradcheck.js';
import { unaryCase, w, type Case } from './cases.js';

const S = [3, 4, 5];
/** Piecewise ops: distinct inputs at least 0.03 from the kink, so a float32 finite-difference step never crosses it. */
const KINK = { range: [-4, 4] as [number, number], distinct: true };
const cases: Case[] = [
  // broadcasting arithmetic: constant operands of several broadcast shapes, and both operands live
  unaryCase('Add per-channel [3,1,1]', S, (b, x) => b.op('Add', [x, w(b, [3, 1, 1])])),
  unaryCase('Add with the constant first, [5]', S, (b, x) => b.op('Add', [w(b, [5]), x])),
  unaryCase('Sub x − const and const − x', S, (b, x) => b.op('Sub', [w(b, [4, 1]), b.op('Sub', [x, w(b, [1, 5])])])),
  unaryCase('Mul by [3,1,5]', S, (b, x) => b.op('Mul', [x, w(b, [3, 1, 5])])),
  unaryCase('Mul x ⊙ sigmoid(x) (both live, Swish)', S, (b, x) => b.op('Mul', [x, b.op('Sigmoid', [x])])),
  unaryCase('Div x / const', S, (b, x) => b.op('Div', [x, b.weight('d', [1, 4, 1], [1.5, -2, 3, 0.7])])),
  unaryCase('Div const / x (x positive)', S, (b, x) => b.op('Div', [w(b, [5]), x]), { range: [0.5, 2] }),
  unaryCase('Add broadcasting a live [N,3,1,1] operand', S, (b, x) => b.op('Add', [x, b.op('ReduceMean', [x], { axes: [2, 3], keepdims: 1 })])),
  unaryCase('Sum of three (broadcast)', S, (b, x) => b.op('Sum', [x, w(b, [5]), b.op('Tanh', [x])])),
  unaryCase('Mean of two', S, (b, x) => b.op('Mean', [x, b.op('Mul', [x, x])])),
  unaryCase('Pow x³ (constant exponent)', S, (b, x) => b.op('Pow', [x, b.weight('p', [], [3])])),
  unaryCase('Pow x^y with a live exponent', [6], (b, x) => b.op('Pow', [x, b.op('Sigmoid', [x])]), { range: [0.5, 2] }),
  unaryCase('Where(x > 0, x², −x)', S, (b, x) =>
    b.op('Where', [b.op('Greater', [x, b.weight('z', [], [0])]), b.op('Mul', [x, x]), b.op('Neg', [x])]),
  ),
  unaryCase('Max(x, const [5]) (tf.maximum)', S, (b, x) => b.op('Max', [x, w(b, [5])]), KINK),
  unaryCase('Min(Max(x, 0), 6·0.1) (Relu6 as tf2onnx may emit it)', S, (b, x) => b.op('Min', [b.op('Max', [x, b.weight('z', [], [0])]), b.weight('six', [], [0.6])]), KINK),
  unaryCase('Max of three live operands', S, (b, x) => b.op('Max', [x, b.op('Neg', [x]), b.op('Mul', [x, b.weight('h', [], [0.5])])]), KINK),
  // activations
  unaryCase('Relu', S, (b, x) => b.op('Relu', [x]), KINK),
  unaryCase('LeakyRelu α 0.1', S, (b, x) => b.op('LeakyRelu', [x], { alpha: { float: 0.1 } }), KINK),
  unaryCase('PRelu per-channel slope', S, (b, x) => b.op('PRelu', [x, w(b, [3, 1, 1])]), KINK),
  unaryCase('Clip min/max inputs (Relu6 at scale)', S, (b, x) => b.op('Clip', [x, b.weight('lo', [], [-0.3]), b.weight('hi', [], [0.4])])),
  unaryCase('Clip max only', S, (b, x) => b.op('Clip', [x, '', b.weight('hi', [], [0.2])])),
  unaryCase('Sigmoid', S, (b, x) => b.op('Sigmoid', [x])),
  unaryCase('Tanh', S, (b, x) => b.op('Tanh', [x])),
  unaryCase('HardSigmoid α 0.3 β 0.4', S, (b, x) => b.op('HardSigmoid', [x], { alpha: { float: 0.3 }, beta: { float: 0.4 } }), { range: [-4, 4] }),
  { ...unaryCase('HardSwish (opset 14)', S, (b, x) => b.op('HardSwish', [x]), { range: [-5, 5] }), opset: 14 },
  unaryCase('Elu α 0.7', S, (b, x) => b.op('Elu', [x], { alpha: { float: 0.7 } }), KINK),
  unaryCase('Erf', S, (b, x) => b.op('Erf', [x])),
  { ...unaryCase('Gelu exact (opset 20)', S, (b, x) => b.op('Gelu', [x]), { range: [-3, 3] }), opset: 20 },
  { ...unaryCase('Gelu tanh approximation (opset 20)', S, (b, x) => b.op('Gelu', [x], { approximate: 'tanh' }), { range: [-3, 3] }), opset: 20 },
  unaryCase('Selu', S, (b, x) => b.op('Selu', [x]), KINK),
  unaryCase('Sqrt', S, (b, x) => b.op('Sqrt', [x]), { range: [0.5, 2] }),
  unaryCase('Exp', S, (b, x) => b.op('Exp', [x])),
  unaryCase('Log', S, (b, x) => b.op('Log', [x]), { range: [0.5, 2] }),
  unaryCase('Abs', S, (b, x) => b.op('Abs', [x]), KINK),
  unaryCase('Reciprocal', S, (b, x) => b.op('Reciprocal', [x]), { range: [0.5, 2] }),
  unaryCase('Softplus', S, (b, x) => b.op('Softplus', [x])),
  unaryCase('Neg, Identity, Dropout (inference)', S, (b, x) => b.op('Dropout', [b.op('Identity', [b.op('Neg', [x])])])),
  unaryCase('Softmax axis 1 (opset 13)', S, (b, x) => b.op('Softmax', [x], { axis: 1 })),
  unaryCase('Softmax last axis', S, (b, x) => b.op('Softmax', [x], { axis: -1 })),
  { ...unaryCase('Softmax axis 1 with opset-11 flattening semantics', S, (b, x) => b.op('Softmax', [x], { axis: 1 })), opset: 11 },
  unaryCase('LogSoftmax axis 2', S, (b, x) => b.op('LogSoftmax', [x], { axis: 2 })),
  unaryCase('BatchNormalization (inference)', S, (b, x) =>
    b.op('BatchNormalization', [x, w(b, [3]), w(b, [3]), w(b, [3]), b.weight('var', [3], [0.5, 1.5, 2])], { epsilon: { float: 1e-3 } }),
  ),
  { ...unaryCase('LayerNormalization over the last two axes (opset 17)', S, (b, x) => b.op('LayerNormalization', [x, w(b, [4, 5]), w(b, [4, 5])], { axis: -2, epsilon: { float: 1e-3 } })), opset: 17 },
  { ...unaryCase('LayerNormalization last axis, no bias (opset 18)', S, (b, x) => b.op('LayerNormalization', [x, w(b, [5])], { axis: -1 })), opset: 18 },
  unaryCase('Cast to the same float type (as exporters emit)', S, (b, x) => b.op('Sigmoid', [b.op('Cast', [x], { to: b.floatType })])),
];

describe('elementwise VJPs match finite differences', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const r = await gradCheck(c.build, c.opset ?? 13, { sampleShape: c.sampleShape, range: c.range, distinct: c.distinct });
      expect(r.rel, `${r.floatType}: max err ${r.maxAbsErr} vs max grad ${r.maxAbsGrad}`).toBeLessThanOrEqual(tolerance(r));
      expect(r.maxAbsGrad).toBeGreaterThan(0);
    });
  }
});

test('Max with a tie splits the cotangent evenly (torch.maximum)', async () => {
  const x = new Float64Array([0.3, 0.5, 0.7, 0.5]);
  const r = await gradCheck((b) => b.finish(b.op('Max', [b.input('x', ['N', 4]), b.weight('m', [4], [0.5, 0.5, 0.5, 0.5])]), 'y'), 13, {
    sampleShape: [4],
    batch: 1,
    x,
    skipFiniteDifferences: true,
  });
  const c = r.cotangent;
  expect(Array.from(r.grad)).toEqual([0, c[1] / 2, c[2], c[3] / 2].map((v) => (r.floatType === 'float64' ? v : Math.fround(v))));
});
