import type { RawImage } from '../../src/data/types.js';
import type { Rgb8 } from './types.js';

/**
 * Grayscale handling. imagecorruptions.corrupt stacks a grayscale image to 3 channels, so faultline does
 * the same, corrupts the RGB image, and converts back to one channel. For the way back it takes the first
 * channel: every corruption except frost and spatter treats the channels identically and independently,
 * so channel 0 is exactly the single-channel corruption (per-element noise keeps its full strength,
 * where averaging channels would shrink it). Frost and spatter add coloured layers; for them the ITU-R 601
 * luma (Pillow's 'L' conversion) is used, as the reference's own grayscale branch does with rgb2gray.
 */
export function toRgb(image: RawImage): Rgb8 {
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new Error(`image data has ${data.length} bytes but ${height}x${width}x${channels} needs ${width * height * channels}`);
  }
  if (channels === 3) return { data, width, height };
  if (channels === 1) {
    const out = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = data[i];
    return { data: out, width, height };
  }
  if (channels === 4) {
    const out = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) for (let k = 0; k < 3; k++) out[3 * i + k] = data[4 * i + k];
    return { data: out, width, height };
  }
  throw new Error(`corruptions need 1 (gray), 3 (RGB) or 4 (RGBA, alpha dropped) channels, got ${channels}`);
}

/** The reference's final np.uint8(float) cast: truncation toward zero (values are already in [0, 255]). */
export function truncateToUint8(x: Float64Array | Float32Array | Uint8Array): Uint8Array {
  if (x instanceof Uint8Array) return x;
  // Typed-array conversion is ToUint8: truncation toward zero for the in-range values the corruptions
  // produce (every corruption clips to [0, 255] first), done natively.
  const out = new Uint8Array(x.length);
  out.set(x);
  return out;
}

export function fromRgb(rgb: Uint8Array, width: number, height: number, channels: number, luma: boolean): RawImage {
  if (channels === 3) return { data: rgb, width, height, channels: 3 };
  const n = width * height;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = luma ? (rgb[3 * i] * 19595 + rgb[3 * i + 1] * 38470 + rgb[3 * i + 2] * 7471 + 0x8000) >> 16 : rgb[3 * i];
  }
  if (channels === 1) return { data: out, width, height, channels: 1 };
  // RGBA input: alpha comes back fully opaque
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) rgba[4 * i + k] = rgb[3 * i + k];
    rgba[4 * i + 3] = 255;
  }
  return { data: rgba, width, height, channels: 4 };
}
