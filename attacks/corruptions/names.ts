/**
 * The 19 corruptions of ImageNet-C (Hendrycks & Dietterich, ICLR 2019), named as in imagecorruptions
 * (bethgelab). The 15 benchmark corruptions enter mCE; the 4 held-out ("validation") ones never do.
 */
export const BENCHMARK_CORRUPTIONS = [
  'gaussian_noise',
  'shot_noise',
  'impulse_noise',
  'defocus_blur',
  'glass_blur',
  'motion_blur',
  'zoom_blur',
  'snow',
  'frost',
  'fog',
  'brightness',
  'contrast',
  'elastic_transform',
  'pixelate',
  'jpeg_compression',
] as const;

export const HELD_OUT_CORRUPTIONS = ['speckle_noise', 'gaussian_blur', 'spatter', 'saturate'] as const;

export const ALL_CORRUPTIONS = [...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS] as const;

export type BenchmarkCorruption = (typeof BENCHMARK_CORRUPTIONS)[number];
export type CorruptionName = (typeof ALL_CORRUPTIONS)[number];

/** Corruptions whose output depends only on the image (no random draw). */
export const DETERMINISTIC_CORRUPTIONS: readonly CorruptionName[] = [
  'brightness',
  'contrast',
  'saturate',
  'pixelate',
  'defocus_blur',
  'zoom_blur',
  'gaussian_blur',
  'jpeg_compression',
];

export const SEVERITIES = [1, 2, 3, 4, 5] as const;

export function isCorruptionName(name: string): name is CorruptionName {
  return (ALL_CORRUPTIONS as readonly string[]).includes(name);
}

/** Throws a message naming the valid choices when `name` is not a corruption. */
export function assertCorruptionName(name: string): asserts name is CorruptionName {
  if (!isCorruptionName(name)) {
    throw new Error(`unknown corruption "${name}"; choose one of: ${ALL_CORRUPTIONS.join(', ')}`);
  }
}

export function assertSeverity(severity: number): void {
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) {
    throw new Error(`corruption severity must be an integer 1–5, got ${severity}`);
  }
}
