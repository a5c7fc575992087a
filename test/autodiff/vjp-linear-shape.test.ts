import { describe, expect, test } from 'vitest';
import { gradCheck, tolerance } from './gradcheck.js';
import { unaryCase, w, type Case } from './cases.js';

const cases: Case[] = [
  // Gemm: every transA/transB combination, alpha/beta, C of several broadcast shapes
  unaryCase('Gemm transB=1 (PyTorch Linear)', [6], (b, x) => b.op('Gemm', [x, w(b, [4, 6]), w(b, [4])], { transB: 1 })),
  unaryCase('Gemm transB=0 alpha 0.5 beta 2, C [1,4]', [6], (b, x) => b.op('Gemm', [x, w(b, [6, 4]), w(b, [1, 4])], { alpha: { float: 0.5 }, beta: { float: 2 } })),
  unaryCase('Gemm x as B (transA=1 on a constant A)', [6], (b, x) => b.op('Gemm', [w(b, [6, 4]), b.op('Transpose', [x])], { transA: 1 })),
  unaryCase('Gemm x as transposed B', [6], (b, x) => b.op('Gemm', [w(b, [4, 6]), x], { transB: 1, alpha: { float: 1.5 } })),
  unaryCase('Gemm transA=1 on live A', [6], (b, x) => b.op('Gemm', [b.op('Transpose', [x]), w(b, [4, 6])], { transA: 1, transB: 1 })),
  unaryCase('Gemm with live C', [4], (b, x) => b.op('Gemm', [x, w(b, [4, 4]), b.op('Tanh', [x])], { beta: { float: 0.3 } })),
  // MatMul with numpy semantics
  unaryCase('MatMul [N,K]·[K,M]', [5], (b, x) => b.op('MatMul', [x, w(b, [5, 3])])),
  unaryCase('MatMul [N,T,K]·[K,M] (token-wise linear)', [3, 5], (b, x) => b.op('MatMul', [x, w(b, [5, 2])])),
  unaryCase('MatMul const [M,K]·[N,K,T] (broadcast A)', [5, 3], (b, x) => b.op('MatMul', [w(b, [2, 5]), x])),
  unaryCase('MatMul x·xᵀ (both live, batched)', [3, 4], (b, x) => b.op('MatMul', [x, b.op('Transpose', [x], { perm: [0, 2, 1] })])),
  unaryCase('MatMul by a 1-D vector', [3, 4], (b, x) => b.op('MatMul', [x, w(b, [4])])),
  unaryCase('MatMul 1-D vector by x', [4, 3], (b, x) => b.op('MatMul', [w(b, [4]), x])),
  // shape ops
  unaryCase('Flatten axis 1 then Gemm', [2, 3, 2], (b, x) => b.op('Gemm', [b.op('Flatten', [x], { axis: 1 }), w(b, [3, 12])], { transB: 1 })),
  unaryCase('Reshape with a computed shape (Shape→Gather→Concat, no gradient)', [2, 3, 2], (b, x) => {
    const shp = b.op('Shape', [x]);
    const n = b.op('Gather', [shp, b.ints('i0', [0], [1])], { axis: 0 });
    const target = b.op('Concat', [n, b.ints('rest', [-1])], { axis: 0 });
    return b.op('Mul', [b.op('Reshape', [x, target]), w(b, [12])]);
  }),
  unaryCase('Transpose perm [0,2,3,1]', [2, 3, 4], (b, x) => b.op('Mul', [b.op('Transpose', [x], { perm: [0, 2, 3, 1] }), w(b, [4, 2])])),
  unaryCase('Transpose default perm (reverse)', [2, 3], (b, x) => b.op('Mul', [b.op('Transpose', [x]), w(b, [3, 2, 1])])),
  unaryCase('Concat x and sigmoid(x) on axis 1', [2, 3], (b, x) => b.op('Mul', [b.op('Concat', [x, b.op('Sigmoid', [x])], { axis: 1 }), w(b, [4, 3])])),
  unaryCase('Concat on axis -1', [2, 3], (b, x) => b.op('Mul', [b.op('Concat', [b.op('Mul', [x, x]), x], { axis: -1 }), w(b, [2, 6])])),
  unaryCase('Split (opset 13, split input), one output unused', [5, 2], (b, x) => {
    const [p, , r] = b.node('Split', [x, b.ints('split', [2, 1, 2])], { axis: 1 }, 3);
    return b.op('Mul', [p, b.op('Tanh', [r])]);
  }),
  unaryCase('Slice with negative index and axes', [4, 6], (b, x) => b.op('Slice', [x, b.ints('s', [1, -4]), b.ints('e', [3, 100]), b.ints('a', [1, 2])])),
  unaryCase('Pad constant (begin and end)', [2, 3], (b, x) => b.op('Mul', [b.op('Pad', [x, b.ints('p', [0, 1, 0, 0, 1, 2])]), w(b, [4, 5])])),
  unaryCase('Pad with negative pads (crop)', [4, 4], (b, x) => b.op('Pad', [x, b.ints('p', [0, -1, 1, 0, 0, -2])])),
  unaryCase('Squeeze / Unsqueeze (opset 13 axes inputs)', [1, 4], (b, x) =>
    b.op('Unsqueeze', [b.op('Tanh', [b.op('Squeeze', [x, b.ints('ax', [1])])]), b.ints('ax2', [1, 3])]),
  ),
  { ...unaryCase('Squeeze / Unsqueeze (opset 11 axes attributes)', [1, 4], (b, x) => b.op('Unsqueeze', [b.op('Tanh', [b.op('Squeeze', [x], { axes: [1] })])], { axes: [1] })), opset: 11 },
  unaryCase('Gather a scalar index on axis 1 (x[:, 2])', [4, 3], (b, x) => b.op('Gather', [x, b.ints('i', [2], [])], { axis: 1 })),
  unaryCase('Expand [N,1,3] → [N,4,3]', [1, 3], (b, x) => b.op('Mul', [b.op('Expand', [x, b.ints('sh', [1, 4, 3])]), w(b, [4, 3])])),
  unaryCase('ReduceMean axes [2,3] keepdims 0', [2, 3, 4], (b, x) => b.op('ReduceMean', [b.op('Mul', [x, x])], { axes: [2, 3], keepdims: 0 })),
  { ...unaryCase('ReduceMean opset 18 (axes input)', [2, 3, 4], (b, x) => b.op('ReduceMean', [b.op('Mul', [x, x]), b.ints('ax', [-1])], { keepdims: 1 })), opset: 18 },
  unaryCase('ReduceSum (opset 13 axes input) keepdims 1', [2, 3, 4], (b, x) => b.op('Mul', [b.op('ReduceSum', [x, b.ints('ax', [1])]), x])),
  unaryCase('ReduceSum axes [1,2] keepdims 0', [2, 3], (b, x) => b.op('ReduceSum', [b.op('Tanh', [x]), b.ints('ax', [1, 2])], { keepdims: 0 })),
  { ...unaryCase('ReduceSum opset 11 (axes attribute)', [2, 3, 4], (b, x) => b.op('ReduceSum', [b.op('Tanh', [x])], { axes: [1, 3], keepdims: 0 })), opset: 11 },
];

describe('linear-algebra and shape VJPs match finite differences', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const r = await gradCheck(c.build, c.opset ?? 13, { sampleShape: c.sampleShape, range: c.range });
      expect(r.rel, `${r.floatType}: max err ${r.maxAbsErr} vs max grad ${r.maxAbsGrad}`).toBeLessThanOrEqual(tolerance(r));
      expect(r.maxAbsGrad).toBeGreaterThan(0);
    });
  }
});
