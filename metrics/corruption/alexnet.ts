/**
 * AlexNet's ImageNet-C top-1 errors, the normaliser of mCE (Hendrycks & Dietterich 2019, Appendix):
 * per benchmark corruption, the error averaged over severities 1–5, to 6 decimals as published with
 * hendrycks/robustness and reused by AugMix (google-research/augmix imagenet.py, ALEXNET_ERR).
 * Because each is a mean over the five severities, Σ_s E_s / Σ_s E^AlexNet_s = mean_s E_s / ALEXNET[c].
 */
export const ALEXNET_CORRUPTION_ERRORS: Readonly<Record<string, number>> = {
  gaussian_noise: 0.886428,
  shot_noise: 0.894468,
  impulse_noise: 0.92264,
  defocus_blur: 0.81988,
  glass_blur: 0.826268,
  motion_blur: 0.785948,
  zoom_blur: 0.79836,
  snow: 0.866816,
  frost: 0.826572,
  fog: 0.819324,
  brightness: 0.564592,
  contrast: 0.853204,
  elastic_transform: 0.646056,
  pixelate: 0.71784,
  jpeg_compression: 0.6065,
};

/** AlexNet's clean ImageNet validation top-1 error, for relative mCE. */
export const ALEXNET_CLEAN_ERROR = 0.4348;
