import { zigguratNormal } from './kernels/normal.js';
import type { CorruptionFn } from './types.js';
import { gaussianNoiseWasm, impulseNoiseWasm, shotNoiseWasm } from './wasm/noise-loader.js';

/** imagecorruptions gaussian_noise: clip(x/255 + N(0, c²), 0, 1)·255 per element. */
export const gaussianNoise: CorruptionFn = (img, s, { rng, params }) => {
  const c = params.gaussian_noise[s - 1];
  const src = img.data;
  // the same loop in WebAssembly (wasm/src/noise.ts): same draws, same bytes; this one is the fallback
  const fast = gaussianNoiseWasm(src, c, false, rng);
  if (fast) return fast;
  // uint8 output: the store truncates, as the reference's final cast does
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = clip01(src[i] / 255 + c * zigguratNormal(rng)) * 255;
  return out;
};

/** imagecorruptions speckle_noise: clip(x + x·N(0, c²), 0, 1)·255 with x = value/255. */
export const speckleNoise: CorruptionFn = (img, s, { rng, params }) => {
  const c = params.speckle_noise[s - 1];
  const src = img.data;
  const fast = gaussianNoiseWasm(src, c, true, rng);
  if (fast) return fast;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const x = src[i] / 255;
    out[i] = clip01(x + x * c * zigguratNormal(rng)) * 255;
  }
  return out;
};

/**
 * imagecorruptions impulse_noise = skimage.util.random_noise(mode='s&p', amount=c, salt_vs_pepper=0.5):
 * each element independently is replaced with probability c, half of those by 1 (salt) and half by 0.
 * One uniform draw decides both (u < c/2 salt, c/2 ≤ u < c pepper) — the same distribution.
 */
export const impulseNoise: CorruptionFn = (img, s, { rng, params }) => {
  const c = params.impulse_noise[s - 1];
  const src = img.data;
  const fast = impulseNoiseWasm(src, c, rng);
  if (fast) return fast;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const u = rng.next();
    out[i] = u < c ? (u < c / 2 ? 255 : 0) : src[i];
  }
  return out;
};

/**
 * imagecorruptions shot_noise: clip(Poisson(x·c)/c, 0, 1)·255 with x = value/255.
 * The Poisson rate takes only 256 values per severity, so each level gets an exact inverse-CDF table and
 * a draw is one uniform and a guide-table search (exact inversion, unlike a normal approximation).
 */
export const shotNoise: CorruptionFn = (img, s, { rng, params }) => {
  const c = params.shot_noise[s - 1];
  const tables = poissonTables(c);
  const src = img.data;
  const fast = shotNoiseWasm(src, tables, rng);
  if (fast) return fast;
  const { cdf, start, guide, value } = tables;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    const u = rng.next();
    // the guide table gives the smallest k with cdf[k] > floor(u·G)/G; step up to the smallest with cdf[k] > u
    const base = start[v];
    let k = guide[v * GUIDE + Math.floor(u * GUIDE)];
    while (cdf[base + k] <= u) k++;
    out[i] = value[k];
  }
  return out;
};

/**
 * Inverse-CDF tables of the 256 levels, flattened: level v's cdf is cdf[start[v] + k]; its guide table
 * guide[v·GUIDE + j] = smallest k with cdf[k] > j/GUIDE (Chen & Asau 1974 guide-table inversion).
 */
interface PoissonTables {
  cdf: Float64Array;
  start: Int32Array;
  guide: Int32Array;
  /** clip(k/c, 0, 1)·255 for every k a table can return (looked up instead of divided per pixel) */
  value: Float64Array;
  /** `value` as uint8, as the store truncates it: the WebAssembly kernel's output table */
  valueU8: Uint8Array;
}

const GUIDE = 64;
const poissonCache = new Map<number, PoissonTables>();

/** CDF tables of Poisson(v/255·c) for v = 0..255, each extended until the tail mass is below 1e-17. */
function poissonTables(c: number): PoissonTables {
  const hit = poissonCache.get(c);
  if (hit) return hit;
  const all: number[] = [];
  const start = new Int32Array(256);
  const guide = new Int32Array(256 * GUIDE);
  for (let v = 0; v < 256; v++) {
    const lam = (v / 255) * c;
    const cdf: number[] = [];
    // pmf by recurrence from log pmf(0) = −λ; stop once the remaining tail is negligible
    let logP = -lam;
    let acc = 0;
    const maxK = Math.ceil(lam + 40 * Math.sqrt(lam) + 40);
    for (let k = 0; k <= maxK; k++) {
      if (k > 0) logP += Math.log(lam) - Math.log(k);
      acc += Math.exp(logP);
      cdf.push(acc);
      if (k > lam && 1 - acc < 1e-17) break;
    }
    cdf[cdf.length - 1] = Infinity; // the last bin takes any remaining mass
    let k = 0;
    for (let j = 0; j < GUIDE; j++) {
      while (cdf[k] <= j / GUIDE) k++;
      guide[v * GUIDE + j] = k;
    }
    start[v] = all.length;
    all.push(...cdf);
  }
  let longest = 0;
  for (let v = 0; v < 256; v++) longest = Math.max(longest, (v < 255 ? start[v + 1] : all.length) - start[v]);
  const value = new Float64Array(longest);
  for (let k = 0; k < longest; k++) value[k] = clip01(k / c) * 255;
  const tables = { cdf: Float64Array.from(all), start, guide, value, valueU8: Uint8Array.from(value) };
  poissonCache.set(c, tables);
  return tables;
}

function clip01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
