import type { Rng } from '../../../src/random.js';

/**
 * Diamond-square plasma fractal as in imagecorruptions' plasma_fractal (after FLHerne/mapgen): a
 * periodic mapsize×mapsize height map; each new point is the mean of its 4 neighbours plus
 * wibble·U(−wibble, wibble), wibble starting at 100 and divided by `wibbleDecay` per level;
 * finally scaled to [0, 1]. Draw order follows the reference (squares, then the two diamond grids).
 */
export function plasmaFractal(mapsize: number, wibbleDecay: number, rng: Rng): Float64Array {
  if ((mapsize & (mapsize - 1)) !== 0) throw new Error(`plasma fractal size must be a power of two, got ${mapsize}`);
  const n = mapsize;
  const m = new Float64Array(n * n);
  let step = n;
  let wibble = 100;
  const mask = n - 1; // n is a power of two: wrap-around by masking (two's complement handles −half)
  // (plain loops, no closures over the mutable `wibble`: V8 then keeps it and `m` in registers)
  while (step >= 2) {
    const half = step >> 1;
    // squares: centre of each square of corners `step` apart
    for (let y = 0; y < n; y += step) {
      const r0 = y * n;
      const r1 = ((y + step) & mask) * n;
      for (let x = 0; x < n; x += step) {
        const x1 = (x + step) & mask;
        const s = m[r0 + x] + m[r1 + x] + m[r0 + x1] + m[r1 + x1];
        m[(y + half) * n + (x + half)] = s / 4 + wibble * rng.uniform(-wibble, wibble);
      }
    }
    // diamonds on the corner rows: (y, x+half), neighbours centre above/below and corners left/right
    for (let y = 0; y < n; y += step) {
      const r0 = y * n;
      const rc = ((y + half) & mask) * n;
      const ru = ((y - half) & mask) * n;
      for (let x = 0; x < n; x += step) {
        const xc = (x + half) & mask;
        const s = m[rc + xc] + m[ru + xc] + m[r0 + x] + m[r0 + ((x + step) & mask)];
        m[r0 + (x + half)] = s / 4 + wibble * rng.uniform(-wibble, wibble);
      }
    }
    // diamonds on the corner columns: (y+half, x)
    for (let y = 0; y < n; y += step) {
      const r0 = y * n;
      const rc = ((y + half) & mask) * n;
      const r1 = ((y + step) & mask) * n;
      for (let x = 0; x < n; x += step) {
        const s = m[rc + ((x + half) & mask)] + m[rc + ((x - half) & mask)] + m[r0 + x] + m[r1 + x];
        m[(y + half) * n + x] = s / 4 + wibble * rng.uniform(-wibble, wibble);
      }
    }
    step = half;
    wibble /= wibbleDecay;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < m.length; i++) {
    if (m[i] < lo) lo = m[i];
    if (m[i] > hi) hi = m[i];
  }
  const range = hi - lo;
  for (let i = 0; i < m.length; i++) m[i] = range > 0 ? (m[i] - lo) / range : 0;
  return m;
}
