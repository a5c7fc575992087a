import { describe, expect, it } from 'vitest';
import { fillZigguratNormal, zigguratNormal } from '../../attacks/corruptions/kernels/normal.js';
import { Rng } from '../../src/random.js';

// The bulk fills keep the generator's state in locals; they must give exactly the one-at-a-time
// stream and leave the generator where the one-at-a-time loop would.
describe('Rng bulk fills give the same stream as single draws', () => {
  it('fillUint32 (with a sub-range) = nextUint32 draws', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const out = new Uint32Array(1000);
    b.fillUint32(out, 10, 990);
    for (let i = 10; i < 990; i++) expect(out[i]).toBe(a.nextUint32());
    expect(out[0]).toBe(0);
    expect(out[999]).toBe(0);
    expect(b.nextUint32()).toBe(a.nextUint32());
  });

  it('fillNext and fillUniform(Float64Array) = next() draws', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(7);
    const x = b.fillNext(new Float64Array(777));
    const y = c.fillUniform(new Float64Array(777));
    for (let i = 0; i < 777; i++) {
      const v = a.next();
      expect(x[i]).toBe(v);
      expect(y[i]).toBe(v);
    }
    const after = a.next();
    expect(b.next()).toBe(after);
    expect(c.next()).toBe(after);
  });

  it('fillZigguratNormal = zigguratNormal draws, including the rare tail/wedge paths, and the same final state', () => {
    for (const seed of [1, 2, 3]) {
      const a = new Rng(seed);
      const b = new Rng(seed);
      const n = 200_000; // ~1% of draws take the slow path: thousands of them, several crossing a block's end
      const z = fillZigguratNormal(b, new Float64Array(n));
      let slow = 0;
      for (let i = 0; i < n; i++) {
        const v = zigguratNormal(a);
        if (z[i] !== v) throw new Error(`seed ${seed}: draw ${i} differs (${z[i]} vs ${v})`);
        if (Math.abs(v) > 3.442619855899) slow++;
      }
      expect(slow).toBeGreaterThan(0); // the tail was exercised
      expect(b.nextUint32()).toBe(a.nextUint32());
    }
  });
});
