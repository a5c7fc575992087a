import { describe, expect, it } from 'vitest';
import { zigguratNormal } from '../../attacks/corruptions/kernels/normal.js';
import { Rng } from '../../src/random.js';

/** Φ via erf (Abramowitz–Stegun 7.1.26 is too coarse for a KS test at n = 2e5; use a series). */
function phi(x: number): number {
  // erf by its Taylor series for |x| < 3, continued fraction tail otherwise
  const z = x / Math.SQRT2;
  if (Math.abs(z) < 3) {
    let sum = z;
    let term = z;
    for (let n = 1; n < 200; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    return 0.5 * (1 + (2 / Math.sqrt(Math.PI)) * sum);
  }
  // Mills ratio tail: 1 − Φ(t) ≈ φ(t)/t · (1 − 1/t² + 3/t⁴ − 15/t⁶)
  const t = Math.abs(x);
  const tail = (Math.exp(-0.5 * t * t) / (t * Math.sqrt(2 * Math.PI))) * (1 - 1 / t ** 2 + 3 / t ** 4 - 15 / t ** 6);
  return x > 0 ? 1 - tail : tail;
}

describe('ziggurat normal sampler', () => {
  it('matches N(0,1): moments, tails and the Kolmogorov–Smirnov distance', () => {
    const rng = new Rng(12345);
    const n = 200_000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = zigguratNormal(rng);
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (const x of xs) {
      m1 += x;
      m2 += x * x;
      m4 += x ** 4;
    }
    m1 /= n;
    m2 /= n;
    m4 /= n;
    // standard errors: mean 1/√n ≈ 0.0022, variance √(2/n) ≈ 0.0032, 4th moment √(96/n) ≈ 0.022
    expect(Math.abs(m1)).toBeLessThan(0.01);
    expect(Math.abs(m2 - 1)).toBeLessThan(0.015);
    expect(Math.abs(m4 - 3)).toBeLessThan(0.1);
    xs.sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = phi(xs[i]);
      d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
    }
    // KS critical value at α = 0.001 is 1.95/√n ≈ 0.0044
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
    // tail mass beyond the ziggurat base (R ≈ 3.44): 2·(1 − Φ(3.4426)) ≈ 5.76e-4
    const beyond = xs.filter((x) => Math.abs(x) > 3.442619855899).length / n;
    expect(Math.abs(beyond - 2 * (1 - phi(3.442619855899)))).toBeLessThan(3 * Math.sqrt(5.76e-4 / n));
  });
});
