import { defocusBlurU8, defocusFilter } from './kernels/defocus.js';
import { gaussianBlurU8, gaussianFilter, gaussianInWasm } from './kernels/gaussian.js';
import { motionBlur as motionBlurKernel, motionBlurU8 } from './kernels/motion.js';
import { zoomBlurSum, zoomBlurU8 } from './kernels/zoom.js';
import { npArange } from './params.js';
import type { Rng } from '../../src/random.js';
import type { CorruptionFn } from './types.js';
import { wasmKernels, withRngState } from './wasm/loader.js';
import { clipScaleU8, toUnitFloat64, UNIT, unitFloat64 } from './unit-range.js';


/** imagecorruptions gaussian_blur: skimage gaussian (mode 'nearest', truncate 4) per channel. */
export const gaussianBlur: CorruptionFn = (img, s, { params }) => {
  const sigma = params.gaussian_blur[s - 1];
  return (
    gaussianBlurU8(img.data, img.height, img.width, 3, sigma, 'nearest', 4) ??
    clipScaleU8(gaussianFilter(toUnitFloat64(img), img.height, img.width, 3, sigma, 'nearest', 4))
  );
};

/** imagecorruptions defocus_blur: cv2.filter2D with the anti-aliased disk (BORDER_REFLECT_101); see kernels/defocus.ts. */
export const defocusBlur: CorruptionFn = (img, s, { params }) => {
  const [radius, alias] = params.defocus_blur[s - 1];
  return defocusBlurU8(img.data, img.height, img.width, 3, radius, alias) ?? clipScaleU8(defocusFilter(toUnitFloat64(img), img.height, img.width, 3, radius, alias));
};

/**
 * imagecorruptions glass_blur: gaussian(σ) → uint8 (truncating) → `iterations` sweeps of local pixel
 * pixel moves (rows and columns from the far edge − δ down to δ+1, offsets dx, dy ∈ [−δ, δ) drawn in that
 * order per pixel; the reference's "swap" is in effect a copy, see below) → gaussian(σ) again.
 */
export const glassBlur: CorruptionFn = (img, s, { rng, params }) => {
  const [sigma, delta, iterations] = params.glass_blur[s - 1];
  const h = img.height;
  const w = img.width;
  const fast = glassBlurWasm(img.data, h, w, sigma, delta, iterations, rng);
  if (fast) return fast;
  // uint8(blurred · 255), truncating (the blur of values in [0, 1] stays in [0, 1], so clipping first is moot)
  const x = clipScaleU8(gaussianFilter(toUnitFloat64(img), h, w, 3, sigma, 'nearest', 4));
  // dx = floor(u32 · 2δ / 2³²) − δ: exactly uniform for span 2, 4, 8; bias < 1e-9 otherwise. u · (2δ/2³²)
  // is that same exact product (2δ/2³² is exact, the product fits 53 bits), and `| 0` floors it.
  const scale = (2 * delta) / 4294967296;
  const rowStep = w * 3;
  for (let it = 0; it < iterations; it++) {
    for (let hh = h - delta; hh > delta; hh--) {
      for (let ww = w - delta, a = (hh * w + ww) * 3; ww > delta; ww--, a -= 3) {
        const dx = ((rng.nextUint32() * scale) | 0) - delta;
        const dy = ((rng.nextUint32() * scale) | 0) - delta;
        const b = a + dy * rowStep + dx * 3;
        // The reference writes `x[h, w], x[h', w'] = x[h', w'], x[h, w]` on numpy (numba) views: the
        // right-hand side holds views, so the second assignment copies back the already-overwritten pixel.
        // The net effect is a copy x[h, w] ← x[h', w'], not a swap; reproduced here.
        x[a] = x[b];
        x[a + 1] = x[b + 1];
        x[a + 2] = x[b + 2];
      }
    }
  }
  return clipScaleU8(gaussianFilter(unitFloat64(x), h, w, 3, sigma, 'nearest', 4));
};

/**
 * glass_blur in the WebAssembly kernels' memory from start to end: blur, truncation to uint8, the pixel moves
 * (their draws made by the kernel from the Rng's state, in the loop's order) and the second blur, with no
 * JavaScript copies between the stages. Null (nothing drawn) without the kernels.
 */
function glassBlurWasm(data: Uint8Array, h: number, w: number, sigma: number, delta: number, iterations: number, rng: Rng): Uint8Array | null {
  const k = wasmKernels();
  if (!k) return null;
  const n = h * w * 3;
  const g = gaussianInWasm(k, [n, 2048, 16], h, w, 3, sigma, 'nearest', 4, false);
  if (!g) return null;
  const [bytes, table, st, a] = g.at;
  new Uint8Array(k.memory.buffer, bytes, n).set(data);
  k.u8ToUnitF64(bytes, a, n, table);
  k.clipScaleU8(g.run(), bytes, n, 1, 255);
  withRngState(k, st, rng, () => k.glassMoves(bytes, h, w, delta, iterations, st));
  k.u8ToUnitF64(bytes, a, n, table);
  k.clipScaleU8(g.run(), bytes, n, 1, 255);
  return new Uint8Array(k.memory.buffer, bytes, n).slice();
}

/**
 * imagecorruptions motion_blur: the shifted-copies kernel (kernels/motion.ts) at angle U(−45°, 45°) on the
 * 0–255 values, clipped. CIFAR-10-C used ImageMagick's MotionBlurImage with the same (radius, sigma); here the
 * same numpy emulation is used for both parameter sets.
 */
export const motionBlur: CorruptionFn = (img, s, { rng, params }) => {
  const [radius, sigma] = params.motion_blur[s - 1];
  const angle = rng.uniform(-45, 45);
  const fast = motionBlurU8(img.data, img.height, img.width, 3, radius, sigma, angle);
  if (fast) return fast;
  const out = motionBlurKernel(img.data, img.height, img.width, 3, radius, sigma, angle);
  // clipped and cast straight into uint8 (the store truncates)
  const res = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i += 3) {
    const v0 = out[i];
    const v1 = out[i + 1];
    const v2 = out[i + 2];
    res[i] = v0 < 0 ? 0 : v0 > 255 ? 255 : v0;
    res[i + 1] = v1 < 0 ? 0 : v1 > 255 ? 255 : v1;
    res[i + 2] = v2 < 0 ? 0 : v2 > 255 ? 255 : v2;
  }
  return res;
};

/**
 * imagecorruptions zoom_blur: the mean of the image and its clipped zooms by each factor of
 * np.arange(start, stop, step), in float32 as the reference (which casts x to float32).
 */
export const zoomBlur: CorruptionFn = (img, s, { params, parameterSet }) => {
  const [start, stop, step] = params.zoom_blur[s - 1];
  const zooms = npArange(start, stop, step);
  const h = img.height;
  const w = img.width;
  const fast = zoomBlurU8(img.data, h, w, zooms, parameterSet === 'cifar');
  if (fast) return fast;
  const n = img.data.length;
  const x = new Float32Array(n);
  const d = img.data;
  for (let i = 0; i < n; i += 3) {
    x[i] = UNIT[d[i]];
    x[i + 1] = UNIT[d[i + 1]];
    x[i + 2] = UNIT[d[i + 2]];
  }
  const out = new Float32Array(n);
  zoomBlurSum(x, h, w, 3, zooms, parameterSet === 'cifar', out);
  const denom = zooms.length + 1;
  // uint8 output; v·255 is first rounded to float32 as the reference's float32 array holds it
  const res = new Uint8Array(n);
  const f = Math.fround;
  for (let i = 0; i < n; i += 3) {
    let v0 = f(f(x[i] + out[i]) / denom);
    let v1 = f(f(x[i + 1] + out[i + 1]) / denom);
    let v2 = f(f(x[i + 2] + out[i + 2]) / denom);
    v0 = v0 < 0 ? 0 : v0 > 1 ? 1 : v0;
    v1 = v1 < 0 ? 0 : v1 > 1 ? 1 : v1;
    v2 = v2 < 0 ? 0 : v2 > 1 ? 1 : v2;
    res[i] = f(v0 * 255);
    res[i + 1] = f(v1 * 255);
    res[i + 2] = f(v2 * 255);
  }
  return res;
};
