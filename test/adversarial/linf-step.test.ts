import { describe, expect, test } from 'vitest';
import { linfStep, UNIT_BOX, type Box } from '../../attacks/adversarial/project.js';
import { linfStepUnitSimd, setWasmStep } from '../../attacks/adversarial/step-simd.js';
import { STEP_WASM_BASE64 } from '../../attacks/adversarial/wasm/step.generated.js';
import { freshWasmBuild } from '../helpers/wasm-build.js';
import { Rng } from '../../src/random.js';

describe('linfStep', () => {
  test('the committed step module is what attacks/adversarial/wasm/src/step.ts compiles to (npm run build:wasm)', async () => {
    expect((await freshWasmBuild('step')) === STEP_WASM_BASE64, 'step.generated.ts is stale: run npm run build:wasm').toBe(true);
  });

  test('the [0,1] fast paths (WebAssembly SIMD and JavaScript) give the same bytes as the generic box path', () => {
    // odd length, larger than one SIMD chunk (2^18): exercises chunking and the scalar tail
    const n = (1 << 18) + 4099;
    const rng = new Rng(5);
    const x = rng.fillUniform(new Float32Array(n)) as Float32Array;
    const cur = Float32Array.from(x, (v, k) => v + (k % 3 === 0 ? 0.05 : k % 3 === 1 ? -0.2 : 0));
    const g = rng.fillUniform(new Float32Array(n), -1, 1) as Float32Array;
    // edge cases: zero and NaN gradients, points on and outside the box
    for (let k = 0; k < 64; k++) g[k * 7] = 0;
    g[5] = Number.NaN;
    g[n - 2] = Number.NaN; // in the scalar tail
    x[9] = 0;
    x[10] = 1;
    cur[11] = 1.5;
    cur[12] = -0;
    x[13] = -0;
    const generic: Box = { lower: () => 0, upper: () => 1 };
    // Node 20 has WebAssembly SIMD: the fast path must really run here, not fall back silently.
    expect(linfStepUnitSimd(x, cur, g, 0.01, 0.03, new Float32Array(n))).toBe(true);
    for (const [alpha, eps, dir] of [
      [0.01, 0.03, 1],
      [2 / 255, 8 / 255, -1],
      [0.3, 0.1, 1],
    ] as [number, number, 1 | -1][]) {
      const a = new Float32Array(n);
      const b = new Float32Array(n);
      const c = new Float32Array(n);
      linfStep(x, cur, g, alpha, eps, UNIT_BOX, dir, a);
      linfStep(x, cur, g, alpha, eps, generic, dir, b);
      setWasmStep(false);
      try {
        linfStep(x, cur, g, alpha, eps, UNIT_BOX, dir, c);
      } finally {
        setWasmStep(true);
      }
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      expect(Buffer.from(c.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      // and the step did something sane: every non-NaN element is within ε of x and inside [0, 1]
      let bad = -1;
      let moved = 0;
      for (let k = 0; k < n && bad < 0; k++) {
        if (Number.isNaN(a[k])) continue;
        if (a[k] < 0 || a[k] > 1 || Math.abs(a[k] - x[k]) > Math.fround(eps) + 1e-7) bad = k;
        if (a[k] !== x[k]) moved++;
      }
      expect(bad, `element ${bad}: ${a[bad]} from x = ${x[bad]}`).toBe(-1);
      expect(moved).toBeGreaterThan(n / 2);
    }
  });
});
