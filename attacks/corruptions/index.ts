/**
 * Natural corruptions (ImageNet-C / CIFAR-10-C, Hendrycks & Dietterich 2019), re-derived from
 * imagecorruptions (bethgelab) on uint8 typed arrays. Every random draw comes from src/random.ts, so the
 * same (image, corruption, severity, seed) gives the same bytes.
 */
import type { RawImage } from '../../src/data/types.js';
import { Rng } from '../../src/random.js';
import { defocusBlur, gaussianBlur, glassBlur, motionBlur, zoomBlur } from './blur.js';
import { brightness, contrast, saturate } from './color.js';
import { jpegCompression, pixelate } from './digital.js';
import { elasticTransform } from './elastic.js';
import { loadFrostTextures } from './frost-textures.js';
import { fromRgb, toRgb, truncateToUint8 } from './image.js';
import { assertCorruptionName, assertSeverity, type CorruptionName } from './names.js';
import { gaussianNoise, impulseNoise, shotNoise, speckleNoise } from './noise.js';
import { PARAMETER_SETS, resolveParameterSet, type ParameterSet } from './params.js';
import { spatter } from './spatter.js';
import type { CorruptionContext, CorruptionFn, Texture } from './types.js';
import { fog, frost, snow } from './weather.js';

export * from './names.js';
export { PARAMETER_SETS, IMAGENET_PARAMS, CIFAR_PARAMS, resolveParameterSet, npArange, type ParameterSet } from './params.js';
export { loadFrostTextures } from './frost-textures.js';
export type { Texture } from './types.js';

const SYNC_CORRUPTIONS: Record<Exclude<CorruptionName, 'jpeg_compression'>, CorruptionFn> = {
  gaussian_noise: gaussianNoise,
  shot_noise: shotNoise,
  impulse_noise: impulseNoise,
  speckle_noise: speckleNoise,
  defocus_blur: defocusBlur,
  glass_blur: glassBlur,
  motion_blur: motionBlur,
  zoom_blur: zoomBlur,
  gaussian_blur: gaussianBlur,
  snow,
  frost,
  fog,
  spatter,
  brightness,
  contrast,
  saturate,
  elastic_transform: elasticTransform,
  pixelate,
};

export interface CorruptOptions {
  /** Seed of the random draws (ignored by deterministic corruptions). */
  seed: number;
  /** 'auto' (default): CIFAR-10-C parameters for images ≤ 32×32, ImageNet-C's otherwise. */
  params?: ParameterSet | 'auto';
  /** Pre-decoded frost textures (loaded on demand by `corrupt`). */
  frostTextures?: Texture[];
}

/**
 * The random stream of one corruption of one image: derived from the seed and the corruption name so
 * that corruptions never share draws (adding one never shifts another's output).
 */
export function corruptionRng(seed: number, name: CorruptionName, severity: number): Rng {
  return Rng.derive(seed, `corruption/${name}/${severity}`);
}

function prepare(image: RawImage, name: string, severity: number, options: CorruptOptions) {
  assertCorruptionName(name);
  assertSeverity(severity);
  const rgb = toRgb(image);
  const parameterSet = resolveParameterSet(options.params ?? 'auto', image.width, image.height);
  const ctx: CorruptionContext = {
    rng: corruptionRng(options.seed, name, severity),
    params: PARAMETER_SETS[parameterSet],
    parameterSet,
    frostTextures: options.frostTextures,
  };
  const luma = name === 'frost' || name === 'spatter';
  const finish = (out: Uint8Array) => fromRgb(out, image.width, image.height, image.channels, luma);
  return { name, rgb, ctx, finish };
}

/**
 * Corrupt one image synchronously. Works for every corruption except jpeg_compression (the codec is
 * async); frost needs `frostTextures` (see loadFrostTextures).
 */
export function corruptSync(image: RawImage, name: CorruptionName | string, severity: number, options: CorruptOptions): RawImage {
  const p = prepare(image, name, severity, options);
  if (p.name === 'jpeg_compression') throw new Error('jpeg_compression is asynchronous: use corrupt()');
  return p.finish(truncateToUint8(SYNC_CORRUPTIONS[p.name](p.rgb, severity, p.ctx)));
}

/** Corrupt one image: `name` at `severity` 1–5, random draws from `seed`. Returns a new image of the same shape. */
export async function corrupt(image: RawImage, name: CorruptionName | string, severity: number, options: CorruptOptions): Promise<RawImage> {
  const p = prepare(image, name, severity, options);
  if (p.name === 'jpeg_compression') {
    const q = p.ctx.params.jpeg_compression[severity - 1];
    return p.finish(await jpegCompression(p.rgb, q));
  }
  if (p.name === 'frost' && !p.ctx.frostTextures) p.ctx.frostTextures = await loadFrostTextures();
  return p.finish(truncateToUint8(SYNC_CORRUPTIONS[p.name](p.rgb, severity, p.ctx)));
}
