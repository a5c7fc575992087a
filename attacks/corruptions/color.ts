import { adjustHsv } from './kernels/hsv.js';
import type { CorruptionFn } from './types.js';
import { UNIT } from './unit-range.js';
import { layout, wasmKernels } from './wasm/loader.js';

/** imagecorruptions brightness: HSV value + c (skimage rgb2hsv/hsv2rgb), clipped. */
export const brightness: CorruptionFn = (img, s, { params }) => {
  const c = params.brightness[s - 1];
  return adjustHsv(img.data, false, 1, 0, true, c);
};

/** imagecorruptions saturate: HSV saturation · mult + add, clipped. */
export const saturate: CorruptionFn = (img, s, { params }) => {
  const [mult, add] = params.saturate[s - 1];
  return adjustHsv(img.data, true, mult, add, false, 0);
};

/** imagecorruptions contrast: (x − per-channel mean)·c + mean, clipped. */
export const contrast: CorruptionFn = (img, s, { params }) => {
  const c = params.contrast[s - 1];
  const d = img.data;
  const k = wasmKernels();
  const at = k && layout(k, [d.length, 2048 + 768]);
  if (k && at) {
    // the WebAssembly twin of the loops below (the same sums in the same order), in place
    const view = new Uint8Array(k.memory.buffer, at[0], d.length);
    view.set(d);
    k.contrast(at[0], at[0], d.length / 3, c, at[1]);
    return view.slice();
  }
  // per-channel sums of x/255, each accumulated in pixel order
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < d.length; i += 3) {
    m0 += UNIT[d[i]];
    m1 += UNIT[d[i + 1]];
    m2 += UNIT[d[i + 2]];
  }
  const count = d.length / 3;
  m0 /= count;
  m1 /= count;
  m2 /= count;
  // each channel maps its 256 byte values with the same constants: the per-element arithmetic once per value
  const lut = new Uint8Array(768);
  for (let v = 0; v < 256; v++) {
    const v0 = (UNIT[v] - m0) * c + m0;
    const v1 = (UNIT[v] - m1) * c + m1;
    const v2 = (UNIT[v] - m2) * c + m2;
    lut[v] = (v0 < 0 ? 0 : v0 > 1 ? 1 : v0) * 255;
    lut[256 + v] = (v1 < 0 ? 0 : v1 > 1 ? 1 : v1) * 255;
    lut[512 + v] = (v2 < 0 ? 0 : v2 > 1 ? 1 : v2) * 255;
  }
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i += 3) {
    out[i] = lut[d[i]];
    out[i + 1] = lut[256 + d[i + 1]];
    out[i + 2] = lut[512 + d[i + 2]];
  }
  return out;
};
