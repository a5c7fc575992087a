import type { Rgb8 } from './types.js';

/** v/255 for every uint8 v (a table lookup is cheaper than a division per element; same doubles). */
export const UNIT = Float64Array.from({ length: 256 }, (_, v) => v / 255);

/** float32(v/255) for every uint8 v, held as doubles: the reference's float32 arrays (snow, spatter). */
export const UNIT_F32 = Float64Array.from({ length: 256 }, (_, v) => Math.fround(v / 255));

/** The same float32(v/255) as a Float32Array, copied into the WebAssembly kernels' memory as their lookup table. */
export const UNIT_F32_TABLE = Float32Array.from(UNIT_F32);

/** uint8 pixels → float64 in [0, 1], as skimage's img_as_float / imagecorruptions' `np.array(x) / 255.`. */
export function toUnitFloat64(img: Rgb8): Float64Array {
  return unitFloat64(img.data);
}

/** uint8 values → float64 v/255. */
export function unitFloat64(data: Uint8Array): Float64Array {
  const out = new Float64Array(data.length);
  const n = data.length;
  let i = 0;
  // three per iteration (a pixel): less loop overhead, which V8 does not unroll away
  for (; i + 2 < n; i += 3) {
    out[i] = UNIT[data[i]];
    out[i + 1] = UNIT[data[i + 1]];
    out[i + 2] = UNIT[data[i + 2]];
  }
  for (; i < n; i++) out[i] = UNIT[data[i]];
  return out;
}

/**
 * imagecorruptions' `np.clip(x, 0, 1) * 255` followed by its uint8 cast, straight into a Uint8Array (the
 * store truncates, as the cast does): one pass, no float copy.
 */
export function clipScaleU8(x: Float64Array): Uint8Array {
  const out = new Uint8Array(x.length);
  const n = x.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v0 = x[i];
    const v1 = x[i + 1];
    const v2 = x[i + 2];
    out[i] = (v0 < 0 ? 0 : v0 > 1 ? 1 : v0) * 255;
    out[i + 1] = (v1 < 0 ? 0 : v1 > 1 ? 1 : v1) * 255;
    out[i + 2] = (v2 < 0 ? 0 : v2 > 1 ? 1 : v2) * 255;
  }
  for (; i < n; i++) {
    const v = x[i];
    out[i] = (v < 0 ? 0 : v > 1 ? 1 : v) * 255;
  }
  return out;
}
