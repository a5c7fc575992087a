import { boxBlur3F32, boxBlur3U8, canny, CANNY_TG22, distanceTransform5, equalizeHist, filter3x3U8 } from './kernels/cv-morph.js';
import { gaussianFilter, gaussianInWasm } from './kernels/gaussian.js';
import { zigguratNormal } from './kernels/normal.js';
import type { Rng } from '../../src/random.js';
import type { CorruptionFn } from './types.js';
import { UNIT_F32, UNIT_F32_TABLE } from './unit-range.js';
import { wasmKernels } from './wasm/loader.js';
import { normalFillWasm } from './wasm/noise-loader.js';

/**
 * imagecorruptions spatter. A liquid layer N(loc, scale) is smoothed (gaussian σ) and thresholded.
 * Water (mode 0): the layer's Canny edges give a distance map (truncated at 20, blurred, equalised,
 * embossed, blurred) that shades the layer; the shaded layer, normalised to its max and scaled by
 * `intensity`, adds pale turquoise (175, 238, 238)/255. Mud (mode 1): the thresholded mask is blurred
 * with σ = intensity, cut below 0.8, and blends the image towards mud brown (63, 42, 20)/255.
 */
export const spatter: CorruptionFn = (img, s, { rng, params }) => {
  const [loc, scale, sigma, threshold, intensity, mode] = params.spatter[s - 1];
  const { width: w, height: h, data } = img;
  const n = h * w;
  if (n === 0) return new Uint8Array(0); // nothing to spatter (and no draws): the kernels' 1-pixel padding needs a pixel
  if (mode === 0) {
    const fast = spatterWaterWasm(data, h, w, loc, scale, sigma, threshold, intensity, rng);
    if (fast) return fast;
  }
  const raw = new Float64Array(n);
  fillNormals(raw, loc, scale, rng);
  const liquid = gaussianFilter(raw, h, w, 1, sigma, 'nearest', 4);
  for (let i = 0; i < n; i++) if (liquid[i] < threshold) liquid[i] = 0;
  // written straight to uint8 (the store truncates, as the final cast does)
  const out = new Uint8Array(data.length);
  // float32(v/255) takes 256 values: looked up instead of divided per element
  const unit = UNIT_F32;
  if (mode === 0) {
    const l8 = new Uint8Array(n);
    for (let i = 0; i < n; i++) l8[i] = Math.trunc(liquid[i] * 255) & 255; // numpy astype(uint8) wraps
    const edges = canny(l8, h, w, 50, 150);
    const inv = new Uint8Array(n);
    for (let i = 0; i < n; i++) inv[i] = 255 - edges[i];
    const dist = distanceTransform5(inv, h, w);
    for (let i = 0; i < n; i++) if (dist[i] > 20) dist[i] = 20;
    // the first blur runs on float32 distances and stays float32
    const b1 = boxBlur3F32(dist, h, w);
    const d8 = new Uint8Array(n);
    for (let i = 0; i < n; i++) d8[i] = Math.trunc(b1[i]);
    const eq = equalizeHist(d8);
    const emb = filter3x3U8(eq, h, w, [-2, -1, 0, -1, 1, 1, 0, 1, 2]);
    const b2 = boxBlur3U8(emb, h, w);
    const m = new Float64Array(n);
    let max = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.fround(l8[i] * Math.fround(Math.round(b2[i])));
      m[i] = v;
      if (v > max) max = v;
    }
    const c0 = 175 / 255;
    const c1 = 238 / 255;
    for (let i = 0; i < n; i++) {
      const mi = max > 0 ? (m[i] / max) * intensity : 0;
      const q = 3 * i;
      const v0 = unit[data[q]] + mi * c0;
      const v1 = unit[data[q + 1]] + mi * c1;
      const v2 = unit[data[q + 2]] + mi * c1;
      out[q] = (v0 < 0 ? 0 : v0 > 1 ? 1 : v0) * 255;
      out[q + 1] = (v1 < 0 ? 0 : v1 > 1 ? 1 : v1) * 255;
      out[q + 2] = (v2 < 0 ? 0 : v2 > 1 ? 1 : v2) * 255;
    }
    return out;
  }
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = liquid[i] > threshold ? 1 : 0;
  const mb = gaussianFilter(mask, h, w, 1, intensity, 'nearest', 4);
  const c0 = 63 / 255;
  const c1 = 42 / 255;
  const c2 = 20 / 255;
  for (let i = 0; i < n; i++) {
    const mi = mb[i] < 0.8 ? 0 : mb[i];
    const q = 3 * i;
    const v0 = unit[data[q]] * (1 - mi) + c0 * mi;
    const v1 = unit[data[q + 1]] * (1 - mi) + c1 * mi;
    const v2 = unit[data[q + 2]] * (1 - mi) + c2 * mi;
    out[q] = (v0 < 0 ? 0 : v0 > 1 ? 1 : v0) * 255;
    out[q + 1] = (v1 < 0 ? 0 : v1 > 1 ? 1 : v1) * 255;
    out[q + 2] = (v2 < 0 ? 0 : v2 > 1 ? 1 : v2) * 255;
  }
  return out;
};

/**
 * The water mode in the WebAssembly kernels, from the draws on: the same normals (drawn by the noise kernels,
 * copied once) written into the kernels' memory, the same Gaussian passes and threshold, then every step as the JavaScript one above (integer
 * where that is integer, the same float64 / float32 steps elsewhere), so the same bytes, with no JavaScript
 * copies between the stages. Null (nothing drawn) without the kernels.
 */
function spatterWaterWasm(data: Uint8Array, h: number, w: number, loc: number, scale: number, sigma: number, threshold: number, intensity: number, rng: Rng): Uint8Array | null {
  const k = wasmKernels();
  if (!k) return null;
  const n = h * w;
  const padded = (h + 2) * (w + 2);
  const g = gaussianInWasm(
    k,
    [
      n, // l8
      n, // canny map
      n * 4, // clipped distances
      padded, // 1-pixel padded bytes
      n * 4, // gx
      n * 4, // gy
      padded * 4, // magnitudes
      Math.max(n * 4, w * 8), // stack; also one row of float64 scratch for the distance pass (h = 1: more than n int32)
      Math.max((h + 4) * (w + 4), padded) * 8, // distance plane, later the padded distances
      n, // d8
      n, // eq
      n, // emb
      1280, // histogram + LUT
      n * 3, // pixels
      1024, // float32(v/255)
    ],
    h,
    w,
    1,
    sigma,
    'nearest',
    4,
    false,
  );
  if (!g) return null;
  const [l8, map, dist, pad, gx, gy, mag, stack, plane, d8, eq, emb, hist, bytes, table, a] = g.at;
  const buf = k.memory.buffer;
  fillNormals(new Float64Array(buf, a, n), loc, scale, rng);
  // the liquid layer (float64), later the shading m
  const lq = g.run();
  k.zeroBelow(lq, n, threshold);
  new Uint8Array(buf, bytes, n * 3).set(data);
  new Float32Array(buf, table, 256).set(UNIT_F32_TABLE);
  k.spatterL8(lq, l8, n);
  k.spatterEdgesDistance(l8, map, dist, h, w, 50, 150, CANNY_TG22, pad, gx, gy, mag, stack, plane);
  const max = k.spatterShade(dist, l8, lq, h, w, plane, d8, eq, emb, pad, hist);
  k.spatterWaterBlend(bytes, lq, bytes, n, max, intensity, table);
  return new Uint8Array(buf, bytes, n * 3).slice();
}

/** out[i] = loc + scale·z, z ziggurat normals: drawn by the noise kernels when they run, else by zigguratNormal here (same draws). */
function fillNormals(out: Float64Array, loc: number, scale: number, rng: Rng): void {
  if (normalFillWasm(out, loc, scale, rng)) return;
  for (let i = 0; i < out.length; i++) out[i] = loc + scale * zigguratNormal(rng);
}
