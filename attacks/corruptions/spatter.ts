import { boxBlur3, canny, distanceTransform5, equalizeHist, filter3x3U8 } from './kernels/cv-morph.js';
import { gaussianFilter } from './kernels/gaussian.js';
import { zigguratNormal } from './kernels/normal.js';
import type { CorruptionFn } from './types.js';

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
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = loc + scale * zigguratNormal(rng);
  const liquid = gaussianFilter(raw, h, w, 1, sigma, 'nearest', 4);
  for (let i = 0; i < n; i++) if (liquid[i] < threshold) liquid[i] = 0;
  const out = new Float64Array(data.length);
  if (mode === 0) {
    const l8 = new Uint8Array(n);
    for (let i = 0; i < n; i++) l8[i] = Math.trunc(liquid[i] * 255) & 255; // numpy astype(uint8) wraps
    const edges = canny(l8, h, w, 50, 150);
    const inv = new Uint8Array(n);
    for (let i = 0; i < n; i++) inv[i] = 255 - edges[i];
    const dist = distanceTransform5(inv, h, w);
    for (let i = 0; i < n; i++) if (dist[i] > 20) dist[i] = 20;
    const b1 = boxBlur3F32(dist, h, w);
    const d8 = new Uint8Array(n);
    for (let i = 0; i < n; i++) d8[i] = Math.trunc(b1[i]);
    const eq = equalizeHist(d8);
    const emb = filter3x3U8(eq, h, w, [-2, -1, 0, -1, 1, 1, 0, 1, 2]);
    const b2 = boxBlur3(emb, h, w);
    const m = new Float64Array(n);
    let max = 0;
    for (let i = 0; i < n; i++) {
      m[i] = Math.fround(l8[i] * Math.fround(Math.round(b2[i])));
      if (m[i] > max) max = m[i];
    }
    const colour = [175 / 255, 238 / 255, 238 / 255];
    for (let i = 0; i < n; i++) {
      const mi = max > 0 ? (m[i] / max) * intensity : 0;
      for (let k = 0; k < 3; k++) {
        const v = Math.fround(data[3 * i + k] / 255) + mi * colour[k];
        out[3 * i + k] = (v < 0 ? 0 : v > 1 ? 1 : v) * 255;
      }
    }
    return out;
  }
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = liquid[i] > threshold ? 1 : 0;
  const mb = gaussianFilter(mask, h, w, 1, intensity, 'nearest', 4);
  const colour = [63 / 255, 42 / 255, 20 / 255];
  for (let i = 0; i < n; i++) {
    const mi = mb[i] < 0.8 ? 0 : mb[i];
    for (let k = 0; k < 3; k++) {
      const v = Math.fround(data[3 * i + k] / 255) * (1 - mi) + colour[k] * mi;
      out[3 * i + k] = (v < 0 ? 0 : v > 1 ? 1 : v) * 255;
    }
  }
  return out;
};

/** The first blur runs on float32 distances and stays float32. */
function boxBlur3F32(src: Float32Array, h: number, w: number): Float32Array {
  return Float32Array.from(boxBlur3(src, h, w));
}
