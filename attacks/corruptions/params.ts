/**
 * Corruption parameters per severity (index 0 = severity 1).
 *
 * 'imagenet': imagecorruptions (bethgelab) corruptions.py, the ImageNet-C values
 *   (fixtures/golden/corruption_params.json lists each with its meaning).
 * 'cifar': CIFAR-10-C, hendrycks/robustness ImageNet-C/create_c/make_cifar_c.py. That script also differs in a
 *   few algorithms (pixelate upsamples with BOX, frost shrinks the texture by 0.2, elastic_transform adds a
 *   random affine warp, motion blur used ImageMagick); see each corruption's comment for what faultline does.
 */
export type ParameterSet = 'imagenet' | 'cifar';

export interface CorruptionParams {
  gaussian_noise: number[];
  shot_noise: number[];
  impulse_noise: number[];
  speckle_noise: number[];
  gaussian_blur: number[];
  /** (sigma, max_delta, iterations) */
  glass_blur: [number, number, number][];
  /** (radius, alias_blur) */
  defocus_blur: [number, number][];
  /** (radius, sigma) */
  motion_blur: [number, number][];
  /** (start, stop, step) of np.arange */
  zoom_blur: [number, number, number][];
  /** (scale, wibbledecay) */
  fog: [number, number][];
  /** (image_weight, frost_weight) */
  frost: [number, number][];
  /** (loc, scale, zoom, threshold, blur_radius, blur_sigma, blend) */
  snow: [number, number, number, number, number, number, number][];
  /** (loc, scale, sigma, threshold, intensity, mode 0 water | 1 mud) */
  spatter: [number, number, number, number, number, number][];
  contrast: number[];
  brightness: number[];
  /** (mult, add) */
  saturate: [number, number][];
  jpeg_compression: number[];
  pixelate: number[];
  /** imagenet: [alpha]; cifar: [alpha, sigma, affine] (all in pixels for 32x32) */
  elastic_transform: number[][];
}

export const IMAGENET_PARAMS: CorruptionParams = {
  gaussian_noise: [0.08, 0.12, 0.18, 0.26, 0.38],
  shot_noise: [60, 25, 12, 5, 3],
  impulse_noise: [0.03, 0.06, 0.09, 0.17, 0.27],
  speckle_noise: [0.15, 0.2, 0.35, 0.45, 0.6],
  gaussian_blur: [1, 2, 3, 4, 6],
  glass_blur: [
    [0.7, 1, 2],
    [0.9, 2, 1],
    [1, 2, 3],
    [1.1, 3, 2],
    [1.5, 4, 2],
  ],
  defocus_blur: [
    [3, 0.1],
    [4, 0.5],
    [6, 0.5],
    [8, 0.5],
    [10, 0.5],
  ],
  motion_blur: [
    [10, 3],
    [15, 5],
    [15, 8],
    [15, 12],
    [20, 15],
  ],
  zoom_blur: [
    [1, 1.11, 0.01],
    [1, 1.16, 0.01],
    [1, 1.21, 0.02],
    [1, 1.26, 0.02],
    [1, 1.31, 0.03],
  ],
  fog: [
    [1.5, 2],
    [2, 2],
    [2.5, 1.7],
    [2.5, 1.5],
    [3, 1.4],
  ],
  frost: [
    [1, 0.4],
    [0.8, 0.6],
    [0.7, 0.7],
    [0.65, 0.7],
    [0.6, 0.75],
  ],
  snow: [
    [0.1, 0.3, 3, 0.5, 10, 4, 0.8],
    [0.2, 0.3, 2, 0.5, 12, 4, 0.7],
    [0.55, 0.3, 4, 0.9, 12, 8, 0.7],
    [0.55, 0.3, 4.5, 0.85, 12, 8, 0.65],
    [0.55, 0.3, 2.5, 0.85, 12, 12, 0.55],
  ],
  spatter: [
    [0.65, 0.3, 4, 0.69, 0.6, 0],
    [0.65, 0.3, 3, 0.68, 0.6, 0],
    [0.65, 0.3, 2, 0.68, 0.5, 0],
    [0.65, 0.3, 1, 0.65, 1.5, 1],
    [0.67, 0.4, 1, 0.65, 1.5, 1],
  ],
  contrast: [0.4, 0.3, 0.2, 0.1, 0.05],
  brightness: [0.1, 0.2, 0.3, 0.4, 0.5],
  saturate: [
    [0.3, 0],
    [0.1, 0],
    [2, 0],
    [5, 0.1],
    [20, 0.2],
  ],
  jpeg_compression: [25, 18, 15, 10, 7],
  pixelate: [0.6, 0.5, 0.4, 0.3, 0.25],
  elastic_transform: [[250 * 0.05], [250 * 0.065], [250 * 0.085], [250 * 0.1], [250 * 0.12]],
};

const CIFAR_SIZE = 32;
export const CIFAR_PARAMS: CorruptionParams = {
  gaussian_noise: [0.04, 0.06, 0.08, 0.09, 0.1],
  shot_noise: [500, 250, 100, 75, 50],
  impulse_noise: [0.01, 0.02, 0.03, 0.05, 0.07],
  speckle_noise: [0.06, 0.1, 0.12, 0.16, 0.2],
  gaussian_blur: [0.4, 0.6, 0.7, 0.8, 1],
  glass_blur: [
    [0.05, 1, 1],
    [0.25, 1, 1],
    [0.4, 1, 1],
    [0.25, 1, 2],
    [0.4, 1, 2],
  ],
  defocus_blur: [
    [0.3, 0.4],
    [0.4, 0.5],
    [0.5, 0.6],
    [1, 0.2],
    [1.5, 0.1],
  ],
  motion_blur: [
    [6, 1],
    [6, 1.5],
    [6, 2],
    [8, 2],
    [9, 2.5],
  ],
  zoom_blur: [
    [1, 1.06, 0.01],
    [1, 1.11, 0.01],
    [1, 1.16, 0.01],
    [1, 1.21, 0.01],
    [1, 1.26, 0.01],
  ],
  fog: [
    [0.2, 3],
    [0.5, 3],
    [0.75, 2.5],
    [1, 2],
    [1.5, 1.75],
  ],
  frost: [
    [1, 0.2],
    [1, 0.3],
    [0.9, 0.4],
    [0.85, 0.4],
    [0.75, 0.45],
  ],
  snow: [
    [0.1, 0.2, 1, 0.6, 8, 3, 0.95],
    [0.1, 0.2, 1, 0.5, 10, 4, 0.9],
    [0.15, 0.3, 1.75, 0.55, 10, 4, 0.9],
    [0.25, 0.3, 2.25, 0.6, 12, 6, 0.85],
    [0.3, 0.3, 1.25, 0.65, 14, 12, 0.8],
  ],
  spatter: [
    [0.62, 0.1, 0.7, 0.7, 0.5, 0],
    [0.65, 0.1, 0.8, 0.7, 0.5, 0],
    [0.65, 0.3, 1, 0.69, 0.5, 0],
    [0.65, 0.1, 0.7, 0.69, 0.6, 1],
    [0.65, 0.1, 0.5, 0.68, 0.6, 1],
  ],
  contrast: [0.75, 0.5, 0.4, 0.3, 0.15],
  brightness: [0.05, 0.1, 0.15, 0.2, 0.3],
  saturate: [
    [0.3, 0],
    [0.1, 0],
    [1.5, 0],
    [2, 0.1],
    [2.5, 0.2],
  ],
  jpeg_compression: [80, 65, 58, 50, 40],
  pixelate: [0.95, 0.9, 0.85, 0.75, 0.65],
  elastic_transform: [
    [CIFAR_SIZE * 0, CIFAR_SIZE * 0, CIFAR_SIZE * 0.08],
    [CIFAR_SIZE * 0.05, CIFAR_SIZE * 0.2, CIFAR_SIZE * 0.07],
    [CIFAR_SIZE * 0.08, CIFAR_SIZE * 0.06, CIFAR_SIZE * 0.06],
    [CIFAR_SIZE * 0.1, CIFAR_SIZE * 0.04, CIFAR_SIZE * 0.05],
    [CIFAR_SIZE * 0.1, CIFAR_SIZE * 0.03, CIFAR_SIZE * 0.03],
  ],
};

export const PARAMETER_SETS: Record<ParameterSet, CorruptionParams> = { imagenet: IMAGENET_PARAMS, cifar: CIFAR_PARAMS };

/**
 * 'auto' picks CIFAR-10-C's parameters for images of at most 32x32 (the size CIFAR-10-C was made for) and
 * ImageNet-C's otherwise. The choice is reported back so callers can write it into their notes.
 */
export function resolveParameterSet(choice: ParameterSet | 'auto', width: number, height: number): ParameterSet {
  if (choice !== 'auto') return choice;
  return Math.max(width, height) <= 32 ? 'cifar' : 'imagenet';
}

/**
 * np.arange(start, stop, step) exactly as numpy computes it: length ceil((stop − start)/step), values
 * start + i·delta with delta = (start + step) − start (numpy fills from the first two elements). The
 * difference matters: 1 + 25·0.01 = 1.25 but numpy's 25th zoom is 1.2500000000000002, and clipped_zoom's
 * round(26·z) then gives 33 instead of 32 (CIFAR-10-C zoom_blur severity 5).
 */
export function npArange(start: number, stop: number, step: number): number[] {
  const n = Math.ceil((stop - start) / step);
  const delta = start + step - start;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(start + i * delta);
  return out;
}
