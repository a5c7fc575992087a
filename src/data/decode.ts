import sharp from 'sharp';
import type { RawImage } from './types.js';
import type { ImageTarget } from './target.js';

/**
 * RGB → grey the way Pillow's convert('L') does it (libImaging/Convert.c, macro L24): ITU-R 601-2 luma
 * on gamma-encoded values in 16-bit fixed point, L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16.
 * Hand-written rather than sharp's greyscale() because libvips weights linear light (an sRGB
 * (10,200,30) pixel becomes 173 there, 124 in Pillow) and models trained with torchvision/PIL saw Pillow's values.
 * The weights sum to 65536, so an already-grey pixel keeps its exact level.
 */
export function rgbToLuma601(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = (rgb[3 * i] * 19595 + rgb[3 * i + 1] * 38470 + rgb[3 * i + 2] * 7471 + 0x8000) >>> 16;
  }
  return out;
}

/**
 * Decode (file path or encoded bytes) or re-fit (raw pixels) one image to the target: sRGB, alpha
 * dropped (not composited, as Pillow's convert('RGB')), resized with sharp's default kernel (Lanczos-3)
 * and the target's fit, then grey via rgbToLuma601 when the model takes one channel.
 * Resizing before the grey conversion equals converting first up to rounding, because both are linear in the pixel values.
 */
export async function toTargetImage(input: string | Buffer | RawImage, target: ImageTarget): Promise<RawImage> {
  const pipeline =
    typeof input === 'string' || Buffer.isBuffer(input)
      ? sharp(input)
      : sharp(Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength), {
          raw: { width: input.width, height: input.height, channels: input.channels as 1 | 2 | 3 | 4 },
        });
  const { data, info } = await pipeline
    .removeAlpha()
    .toColourspace('srgb')
    .resize({ width: target.width, height: target.height, fit: target.resize, background: { r: 0, g: 0, b: 0 } })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== target.width || info.height !== target.height || info.channels !== 3) {
    throw new Error(`decoded to ${info.height}x${info.width}x${info.channels}, expected ${target.height}x${target.width}x3`);
  }
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (target.channels === 1) return { data: rgbToLuma601(rgb), width: info.width, height: info.height, channels: 1 };
  return { data: new Uint8Array(rgb), width: info.width, height: info.height, channels: 3 };
}

/** True when a raw image already matches the target, so no resampling is needed. */
export function matchesTarget(img: { width: number; height: number; channels: number }, target: ImageTarget): boolean {
  return img.width === target.width && img.height === target.height && img.channels === target.channels;
}
