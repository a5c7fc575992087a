import { describe, expect, test } from 'vitest';
import { ModelBuilder } from '../../src/autodiff/model-builder.js';
import { decodeModel } from '../../src/autodiff/onnx-proto.js';
import { buildGradientGraph } from '../../src/autodiff/reverse.js';
import { probeShapes } from '../../src/autodiff/shape-probe.js';
import { gradCheck, tolerance } from './gradcheck.js';
import { w } from './cases.js';

// Conv → BatchNormalization is folded into one Conv inside the gradient model (rewrite.ts); the
// gradient must still match finite differences of the original, unfolded model.
const variance = (b: ModelBuilder, n: number): string => b.weight('var', [n], Array.from({ length: n }, (_, i) => 0.3 + 0.7 * i));
const bn = (b: ModelBuilder, x: string, n: number): string =>
  b.op('BatchNormalization', [x, w(b, [n]), w(b, [n]), w(b, [n]), variance(b, n)], { epsilon: { float: 1e-3 } });

function chain(kind: 'bias' | 'nobias' | 'shared' | 'none'): (b: ModelBuilder) => void {
  return (b) => {
    const x = b.input('x', ['N', 2, 6, 6]);
    const conv = b.op('Conv', kind === 'bias' ? [x, w(b, [3, 2, 3, 3]), w(b, [3])] : [x, w(b, [3, 2, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    // No ReLU: its kinks would dominate float32 central differences (onnxruntime has no float64 Conv).
    let y = kind === 'none' ? conv : bn(b, conv, 3);
    // 'shared': the conv output also feeds an Add, so the BN must not be folded away.
    if (kind === 'shared') y = b.op('Add', [y, conv]);
    b.finish(b.op('Conv', [y, w(b, [2, 3, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }), 'y');
  };
}

async function gradientOps(build: (b: ModelBuilder) => void): Promise<string[]> {
  const b = new ModelBuilder(13);
  build(b);
  const proto = decodeModel(b.bytes());
  const shapes = await probeShapes(proto, 'x', 'float32', [2, 6, 6], null);
  const g = buildGradientGraph(proto, { inputName: 'x', outputName: 'y', loss: 'cotangent', numClasses: 2 * 36, shapes });
  return (decodeModel(g.bytes).graph?.node ?? []).map((n) => n.op_type);
}

describe('Conv → BatchNormalization folding in the gradient model', () => {
  for (const kind of ['bias', 'nobias', 'shared'] as const) {
    test(`${kind}: gradient matches finite differences of the unfolded model`, async () => {
      const r = await gradCheck(chain(kind), 13, { sampleShape: [2, 6, 6] });
      expect(r.rel, `${r.floatType}: max err ${r.maxAbsErr} vs max grad ${r.maxAbsGrad}`).toBeLessThanOrEqual(tolerance(r));
      expect(r.maxAbsGrad).toBeGreaterThan(0);
    });
  }
  test('the folded model has no BatchNormalization and no per-channel Mul; a shared conv output keeps its BN', async () => {
    const folded = await gradientOps(chain('bias'));
    const count = (ops: string[], op: string): number => ops.filter((o) => o === op).length;
    expect(folded).not.toContain('BatchNormalization');
    // the same graph without a BN: only the loss head's Muls remain
    expect(count(folded, 'Mul')).toBe(count(await gradientOps(chain('none')), 'Mul'));
    const kept = await gradientOps(chain('shared'));
    expect(kept).toContain('BatchNormalization');
  });
});
