import { layout, wasmKernels } from '../wasm/loader.js';

/**
 * skimage.color.rgb2hsv → adjust → hsv2rgb on uint8 RGB (as x/255 in float64), fused per pixel so no
 * intermediate H×W×3 float arrays are built. Follows skimage's precedence exactly: when several channels
 * equal the max, blue wins over green over red (later assignments overwrite earlier ones), and hue is 0
 * wherever max == min. The adjustment is s ← clip(s·sMul + sAdd, 0, 1) when `adjustS`, v ← clip(v + vAdd,
 * 0, 1) when `adjustV`; the result is imagecorruptions' clip(x, 0, 1)·255, truncated to uint8.
 */
export function adjustHsv(src: Uint8Array, adjustS: boolean, sMul: number, sAdd: number, adjustV: boolean, vAdd: number): Uint8Array {
  const k = wasmKernels();
  const at = k && layout(k, [src.length, 2048]);
  if (k && at) {
    // the WebAssembly twin of the loop below (the same float64 steps), in place
    const view = new Uint8Array(k.memory.buffer, at[0], src.length);
    view.set(src);
    k.hsvAdjust(at[0], at[0], src.length / 3, adjustS ? 1 : 0, sMul, sAdd, adjustV ? 1 : 0, vAdd, at[1]);
    return view.slice();
  }
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i] / 255;
    const g = src[i + 1] / 255;
    const b = src[i + 2] / 255;
    let v = r > g ? r : g;
    if (b > v) v = b;
    let mn = r < g ? r : g;
    if (b < mn) mn = b;
    const delta = v - mn;
    let h = 0;
    let s = 0;
    if (delta !== 0) {
      s = delta / v;
      if (b === v) h = 4 + (r - g) / delta;
      else if (g === v) h = 2 + (b - r) / delta;
      else h = (g - b) / delta;
      h = h / 6;
      h = h - Math.floor(h); // numpy's % 1. for floats (result takes the divisor's sign)
    }
    if (adjustS) s = Math.min(1, Math.max(0, s * sMul + sAdd));
    if (adjustV) v = Math.min(1, Math.max(0, v + vAdd));
    const hi6 = Math.floor(h * 6);
    const f = h * 6 - hi6;
    const p = v * (1 - s);
    const q = v * (1 - f * s);
    const t = v * (1 - (1 - f) * s);
    const hi = (((hi6 % 6) + 6) % 6) | 0;
    let R: number;
    let G: number;
    let B: number;
    if (hi === 0) {
      R = v;
      G = t;
      B = p;
    } else if (hi === 1) {
      R = q;
      G = v;
      B = p;
    } else if (hi === 2) {
      R = p;
      G = v;
      B = t;
    } else if (hi === 3) {
      R = p;
      G = q;
      B = v;
    } else if (hi === 4) {
      R = t;
      G = p;
      B = v;
    } else {
      R = v;
      G = p;
      B = q;
    }
    out[i] = (R < 0 ? 0 : R > 1 ? 1 : R) * 255;
    out[i + 1] = (G < 0 ? 0 : G > 1 ? 1 : G) * 255;
    out[i + 2] = (B < 0 ? 0 : B > 1 ? 1 : B) * 255;
  }
  return out;
}
