import { describe, expect, it } from 'vitest';
import {
  expNonPositive,
  softmaxSettings,
  softmaxWasmRuns,
  topConfidenceJs,
  topConfidenceWasm,
  topSoftmaxConfidence,
} from '../../metrics/performance/softmax.js';
import { SOFTMAX_WASM_BASE64 } from '../../metrics/performance/wasm/softmax.generated.js';
import { Rng } from '../../src/random.js';
import { softmaxRows } from '../../src/tensor.js';
import { freshWasmBuild } from '../helpers/wasm-build.js';

/** Distance in units of the last place between two positive doubles. */
function ulps(a: number, b: number): number {
  const f = new Float64Array([a, b]);
  const i = new BigInt64Array(f.buffer);
  return Number(i[0] > i[1] ? i[0] - i[1] : i[1] - i[0]);
}

describe('expNonPositive: faultline’s exponential on x ≤ 0', () => {
  it('is within 1 ulp of Math.exp on [−708, 0], and exact where it must be', () => {
    const rng = new Rng(11);
    let worst = 0;
    const xs = [-0.5, -1, -Math.LN2, -Math.LN2 / 2, -1e-300, -5e-324, -1e-8, -700, -707.99, -708];
    for (let k = 0; k < 200_000; k++) xs.push(-rng.next() * (k % 3 === 0 ? 708 : k % 3 === 1 ? 20 : 1));
    for (const x of xs) worst = Math.max(worst, ulps(expNonPositive(x), Math.exp(x)));
    expect(worst).toBeLessThanOrEqual(1);
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-0)).toBe(1);
    expect(expNonPositive(-708.0000001)).toBe(0);
    expect(expNonPositive(-Infinity)).toBe(0);
    expect(expNonPositive(NaN)).toBeNaN();
  });
});

describe('top-1 softmax confidence', () => {
  /** Random logits with every awkward row: ties, NaN, ±∞, huge spreads, a single class; preds mostly argmax, some not a class. */
  function cases(C: number, n: number, seed: number): { logits: Float32Array; preds: Int32Array } {
    const rng = new Rng(seed);
    const logits = new Float32Array(n * C);
    for (let i = 0; i < logits.length; i++) logits[i] = (rng.next() - 0.5) * (i % 7 === 0 ? 2000 : 40);
    const preds = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const row = logits.subarray(i * C, (i + 1) * C);
      const kind = i % 23;
      if (kind === 1) row.fill(3);
      if (kind === 2) row[i % C] = NaN;
      if (kind === 3) row[i % C] = Infinity;
      if (kind === 4) row[i % C] = -Infinity;
      if (kind === 5) row.fill(-Infinity);
      let best = 0;
      for (let j = 1; j < C; j++) if (row[j] > row[best]) best = j;
      preds[i] = kind === 6 ? -1 : kind === 7 ? C : kind === 8 ? (best + 1) % C : best;
    }
    return { logits, preds };
  }

  it('is the same bytes through WebAssembly and JavaScript, for any class count and across kernel blocks', () => {
    for (const [C, n] of [[1, 50], [2, 300], [3, 300], [7, 500], [10, 10_000], [1000, 2500]]) {
      const { logits, preds } = cases(C, n, C);
      const before = softmaxWasmRuns.count;
      const wasm = topConfidenceWasm(logits, preds, C)!;
      expect(softmaxWasmRuns.count, 'the kernel ran').toBe(before + 1);
      const js = topConfidenceJs(logits, preds, C);
      expect(Buffer.from(wasm.buffer).equals(Buffer.from(js.buffer)), `C = ${C}`).toBe(true);
    }
  });

  it('is softmax(row)[pred] within 4 ulps (or 1e-300), 0 for a prediction that is not a class, NaN for a row with NaN or +∞', () => {
    const C = 10;
    const { logits, preds } = cases(C, 3000, 5);
    const conf = topSoftmaxConfidence(logits, preds, C);
    const probs = softmaxRows(logits, C);
    for (let i = 0; i < preds.length; i++) {
      const p = preds[i];
      const want = p >= 0 && p < C ? probs[i * C + p] : 0;
      if (Number.isNaN(want)) expect(conf[i], `row ${i}`).toBeNaN();
      // (terms below e^−708 are 0 here where Math.exp gives a subnormal: the absolute slack)
      else expect(Math.abs(conf[i] - want), `row ${i}`).toBeLessThanOrEqual(4 * Number.EPSILON * want + 1e-300);
    }
    expect(conf[6]).toBe(0); // row 6: prediction −1
    expect(conf[1]).toBe(1 / 10); // row 1: ten equal logits
  });

  it('falls back to JavaScript when the kernel is off, and explains a length mismatch', () => {
    const { logits, preds } = cases(4, 100, 9);
    softmaxSettings.wasm = false;
    try {
      const before = softmaxWasmRuns.count;
      const js = topSoftmaxConfidence(logits, preds, 4);
      expect(softmaxWasmRuns.count).toBe(before);
      expect(Array.from(js)).toEqual(Array.from(topConfidenceJs(logits, preds, 4)));
    } finally {
      softmaxSettings.wasm = true;
    }
    expect(() => topSoftmaxConfidence(logits, preds, 5)).toThrow(/400 logits are not 100 rows of 5/);
  });

  it('committed module is a fresh build of wasm/src/softmax.ts', async () => {
    expect((await freshWasmBuild('softmax')) === SOFTMAX_WASM_BASE64, 'softmax.generated.ts is stale: run npm run build:wasm').toBe(true);
  });
});
