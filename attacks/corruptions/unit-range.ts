import type { Rgb8 } from './types.js';

/** v/255 for every uint8 v (a table lookup is cheaper than a division per element; same doubles). */
export const UNIT = Float64Array.from({ length: 256 }, (_, v) => v / 255);

/** uint8 pixels → float64 in [0, 1], as skimage's img_as_float / imagecorruptions' `np.array(x) / 255.`. */
export function toUnitFloat64(img: Rgb8): Float64Array {
  return unitFloat64(img.data);
}

/** uint8 values → float64 v/255. */
export function unitFloat64(data: Uint8Array): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = UNIT[data[i]];
  return out;
}

/**
 * imagecorruptions' `np.clip(x, 0, 1) * 255` followed by its uint8 cast, straight into a Uint8Array (the
 * store truncates, as the cast does): one pass, no float copy.
 */
export function clipScaleU8(x: Float64Array): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = (v < 0 ? 0 : v > 1 ? 1 : v) * 255;
  }
  return out;
}
