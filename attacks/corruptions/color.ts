import { hsvToRgb, rgbToHsv } from './kernels/hsv.js';
import type { CorruptionFn } from './types.js';
import { clipScale, toUnitFloat64 } from './unit-range.js';


/** imagecorruptions brightness: HSV value + c (skimage rgb2hsv/hsv2rgb), clipped. */
export const brightness: CorruptionFn = (img, s, { params }) => {
  const c = params.brightness[s - 1];
  const hsv = rgbToHsv(toUnitFloat64(img));
  for (let i = 2; i < hsv.length; i += 3) hsv[i] = Math.min(1, Math.max(0, hsv[i] + c));
  return clipScale(hsvToRgb(hsv));
};

/** imagecorruptions saturate: HSV saturation · mult + add, clipped. */
export const saturate: CorruptionFn = (img, s, { params }) => {
  const [mult, add] = params.saturate[s - 1];
  const hsv = rgbToHsv(toUnitFloat64(img));
  for (let i = 1; i < hsv.length; i += 3) hsv[i] = Math.min(1, Math.max(0, hsv[i] * mult + add));
  return clipScale(hsvToRgb(hsv));
};

/** imagecorruptions contrast: (x − per-channel mean)·c + mean, clipped. */
export const contrast: CorruptionFn = (img, s, { params }) => {
  const c = params.contrast[s - 1];
  const x = toUnitFloat64(img);
  const means = [0, 0, 0];
  for (let i = 0; i < x.length; i++) means[i % 3] += x[i];
  const count = x.length / 3;
  for (let k = 0; k < 3; k++) means[k] /= count;
  for (let i = 0; i < x.length; i++) {
    const m = means[i % 3];
    x[i] = (x[i] - m) * c + m;
  }
  return clipScale(x);
};
