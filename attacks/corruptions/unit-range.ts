import type { Rgb8 } from './types.js';

/** uint8 pixels → float64 in [0, 1], as skimage's img_as_float / imagecorruptions' `np.array(x) / 255.`. */
export function toUnitFloat64(img: Rgb8): Float64Array {
  const out = new Float64Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i] / 255;
  return out;
}

/** imagecorruptions' `np.clip(x, 0, 1) * 255`, in place (the caller's uint8 cast truncates). */
export function clipScale(x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = (v < 0 ? 0 : v > 1 ? 1 : v) * 255;
  }
  return x;
}

/** clipScale straight into the final uint8 (the store truncates, as the reference's cast): one pass, no float copy. */
export function clipScaleU8(x: Float64Array): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = (v < 0 ? 0 : v > 1 ? 1 : v) * 255;
  }
  return out;
}
