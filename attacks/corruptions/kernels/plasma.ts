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
  const at = (y: number, x: number) => m[(y & mask) * n + (x & mask)];
  const jitter = () => wibble * rng.uniform(-wibble, wibble);
  while (step >= 2) {
    const half = step >> 1;
    // squares: centre of each square of corners `step` apart
    for (let y = 0; y < n; y += step) {
      for (let x = 0; x < n; x += step) {
        const s = at(y, x) + at(y + step, x) + at(y, x + step) + at(y + step, x + step);
        m[(y + half) * n + (x + half)] = s / 4 + jitter();
      }
    }
    // diamonds on the corner rows: (y, x+half), neighbours centre above/below and corners left/right
    for (let y = 0; y < n; y += step) {
      for (let x = 0; x < n; x += step) {
        const s = at(y + half, x + half) + at(y - half, x + half) + at(y, x) + at(y, x + step);
        m[y * n + (x + half)] = s / 4 + jitter();
      }
    }
    // diamonds on the corner columns: (y+half, x)
    for (let y = 0; y < n; y += step) {
      for (let x = 0; x < n; x += step) {
        const s = at(y + half, x + half) + at(y + half, x - half) + at(y, x) + at(y + step, x);
        m[(y + half) * n + x] = s / 4 + jitter();
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
