import { motionBlurJs, motionInWasm } from './kernels/motion.js';
import { zigguratNormal } from './kernels/normal.js';
import { plasmaFractal } from './kernels/plasma.js';
import { cvResizeRegion } from './kernels/resize.js';
import { clippedZoom, snowFlakesInWasm } from './kernels/zoom.js';
import type { Rng } from '../../src/random.js';
import type { CorruptionFn } from './types.js';
import { UNIT, UNIT_F32, UNIT_F32_TABLE } from './unit-range.js';
import { layout, wasmKernels } from './wasm/loader.js';
import { fogWasm, normalsWasm } from './wasm/noise-loader.js';

function nextPowerOf2(x: number): number {
  return x <= 1 ? 1 : 2 ** Math.ceil(Math.log2(x));
}

/**
 * imagecorruptions fog: x/255 + scale·plasma (one fractal for all channels, top-left crop of a
 * next-power-of-two map), then clip(x·max / (max + scale)) where max is the clean image's maximum.
 */
export const fog: CorruptionFn = (img, s, { rng, params }) => {
  const [scale, decay] = params.fog[s - 1];
  const { width: w, height: h, data } = img;
  const size = nextPowerOf2(Math.max(w, h, 3));
  // the fractal and this loop in WebAssembly (wasm/src/noise.ts): same draws, same bytes; this is the fallback
  const fast = fogWasm(data, w, h, size, scale, decay, rng);
  if (fast) return fast;
  const plasma = plasmaFractal(size, decay, rng);
  let maxVal = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > maxVal) maxVal = data[i];
  maxVal /= 255;
  // written straight to uint8 (the store truncates, as the final cast does)
  const out = new Uint8Array(data.length);
  const f = maxVal / (maxVal + scale);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = scale * plasma[y * size + x];
      const i = (y * w + x) * 3;
      const v0 = (UNIT[data[i]] + p) * f;
      const v1 = (UNIT[data[i + 1]] + p) * f;
      const v2 = (UNIT[data[i + 2]] + p) * f;
      out[i] = (v0 < 0 ? 0 : v0 > 1 ? 1 : v0) * 255;
      out[i + 1] = (v1 < 0 ? 0 : v1 > 1 ? 1 : v1) * 255;
      out[i + 2] = (v2 < 0 ? 0 : v2 > 1 ? 1 : v2) * 255;
    }
  }
  return out;
};

/**
 * imagecorruptions frost: blend with a random crop of one of frost1..frost5 (np.random.randint(5): frost6 is
 * never used). ImageNet-C: the texture is scaled by 1.1× (more when the image is larger than the texture,
 * cv2 INTER_CUBIC, new size ceil(side·factor)); CIFAR-10-C shrinks it by 0.2 (cv2 INTER_LINEAR).
 * The crop offsets are randint(0, texture − image) per axis; out = clip(a·x + b·frost, 0, 255).
 */
export const frost: CorruptionFn = (img, s, { rng, params, parameterSet, frostTextures }) => {
  if (!frostTextures || frostTextures.length < 5) {
    throw new Error('frost needs the frost textures: call loadFrostTextures() (or use the async corrupt())');
  }
  const [a, b] = params.frost[s - 1];
  // an empty image: nothing to blend, and no draws (the crop offsets would be drawn from an empty image's size)
  if (img.width === 0 || img.height === 0) return new Uint8Array(0);
  const idx = rng.int(5);
  const tex = frostTextures[idx];
  const { width: w, height: h, data } = img;
  let th: number;
  let tw: number;
  const kind = parameterSet === 'cifar' ? 'linear' : 'cubic';
  if (parameterSet === 'cifar') {
    tw = Math.round(tex.width * 0.2);
    th = Math.round(tex.height * 0.2);
  } else {
    let factor = 1;
    if (tex.height >= h && tex.width >= w) factor = 1;
    else if (tex.height < h && tex.width >= w) factor = h / tex.height;
    else if (tex.height >= h && tex.width < w) factor = w / tex.width;
    else factor = Math.max(h / tex.height, w / tex.width);
    factor *= 1.1;
    tw = Math.ceil(tex.width * factor);
    th = Math.ceil(tex.height * factor);
  }
  if (th <= h || tw <= w) {
    throw new Error(`frost: texture ${th}x${tw} is not larger than the image ${h}x${w}; the reference fails here too`);
  }
  const y0 = rng.int(th - h);
  const x0 = rng.int(tw - w);
  // only the crop of the resized texture is computed (same pixels as resizing all, then cropping)
  const crop = cvResizeRegion(tex.data, tex.height, tex.width, 3, th, tw, kind, y0, x0, h, w);
  const k = wasmKernels();
  const at = k && layout(k, [data.length, data.length]);
  if (k && at) {
    // the same float64 blend in the WebAssembly kernels, in place
    new Uint8Array(k.memory.buffer, at[0], data.length).set(data);
    new Uint8Array(k.memory.buffer, at[1], data.length).set(crop);
    k.frostBlend(at[0], at[1], at[0], data.length, a, b);
    return new Uint8Array(k.memory.buffer, at[0], data.length).slice();
  }
  // written straight to uint8 (the store truncates, as the final cast does)
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = a * data[i] + b * crop[i];
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
};

/**
 * imagecorruptions snow: a N(loc, scale) layer, clipped-zoomed, thresholded, clipped to [0, 1], motion
 * blurred at an angle U(−135°, −45°), rounded to /255 and cropped; the image is brightened towards
 * max(x, 1.5·gray + 0.5) (cv2 RGB2GRAY weights) by (1 − blend); the layer and its 180° rotation are added.
 * Float32 where the reference is (the image), float64 for the layer.
 */
export const snow: CorruptionFn = (img, s, { rng, params, parameterSet }) => {
  const [loc, scale, zoom, threshold, radius, sigma, blend] = params.snow[s - 1];
  const { width: w, height: h, data } = img;
  const n = h * w;
  // the layer's normals, drawn by the noise kernels (a view into their memory) or here; then the blur's angle
  const drawn = normalsWasm(n, loc, scale, rng);
  let layer: Float64Array;
  if (drawn) layer = drawn;
  else {
    layer = new Float64Array(n);
    for (let i = 0; i < n; i++) layer[i] = loc + scale * zigguratNormal(rng);
  }
  const angle = rng.uniform(-135, -45);
  const zh = Math.max(h, Math.round(Math.ceil(h / zoom) * zoom) + 1);
  const zw = Math.max(w, Math.round(Math.ceil(w / zoom) * zoom) + 1);
  const cifar = parameterSet === 'cifar';
  const fast = snowWasm(data, layer, h, w, zoom, cifar, zh, zw, threshold, radius, sigma, angle, blend);
  if (fast) return fast;
  const zoomed = new Float64Array(zh * zw);
  const dims = clippedZoom(layer, h, w, 1, zoom, zoomed, zh, zw, cifar);
  // compact to the real zoomed size (clippedZoom wrote rows of stride zw)
  const lh = cifar ? Math.min(h, dims.zh) : dims.zh;
  const lw = cifar ? Math.min(w, dims.zw) : dims.zw;
  const flake = new Float64Array(lh * lw);
  for (let y = 0; y < lh; y++) {
    for (let x = 0; x < lw; x++) {
      let v = zoomed[y * zw + x];
      if (v < threshold) v = 0;
      flake[y * lw + x] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return snowFinish(data, flake, lh, lw, h, w, radius, sigma, angle, blend);
};

/**
 * snow in the WebAssembly kernels' memory after the draws: the normal layer is copied in once, then the flakes
 * (snowFlakes), their motion blur (motionPad, motionTaps) and the rounding and compositing (snowFinish) run on
 * buffers of one layout, with no JavaScript arrays between the stages; the same float64 / float32 steps as the
 * JavaScript path. Null without the kernels.
 */
function snowWasm(data: Uint8Array, layer: Float64Array, h: number, w: number, zoom: number, cifar: boolean, zh: number, zw: number, threshold: number, radius: number, sigma: number, angle: number, blend: number): Uint8Array | null {
  const k = wasmKernels();
  if (!k) return null;
  const n = h * w;
  const flakes = snowFlakesInWasm(h, w, zoom, cifar, zh, zw, cifar ? h : zh, cifar ? w : zw, threshold);
  const { rows, cols } = flakes;
  const motion = motionInWasm(rows, cols, 1, radius, sigma, angle);
  const nf = flakes.sizes.length;
  const at = layout(k, [n * 8, rows * cols * 8, n * 3, n * 8, 1024, ...flakes.sizes, ...motion.sizes]);
  if (!at) return null;
  const [src, blurred, bytes, snowLayer, table] = at;
  const buf = k.memory.buffer;
  new Float64Array(buf, src, n).set(layer);
  flakes.run(k, at.slice(5, 5 + nf), src);
  motion.run(k, at.slice(5 + nf), at[5], blurred);
  new Uint8Array(buf, bytes, n * 3).set(data);
  new Float32Array(buf, table, 256).set(UNIT_F32_TABLE);
  k.snowFinish(bytes, blurred, snowLayer, bytes, h, w, cols, Math.fround(blend), Math.fround(1 - blend), table);
  return new Uint8Array(buf, bytes, n * 3).slice();
}

/** snow after the flake layer (lh × lw) in JavaScript: motion blur at `angle`, rounding, compositing. */
function snowFinish(data: Uint8Array, flake: Float64Array, lh: number, lw: number, h: number, w: number, radius: number, sigma: number, angle: number, blend: number): Uint8Array {
  const blurred = motionBlurJs(flake, lh, lw, 1, radius, sigma, angle);
  const snowLayer = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.round(blurred[y * lw + x] * 255);
      snowLayer[y * w + x] = (v < 0 ? 0 : v > 255 ? 255 : v) / 255;
    }
  }
  // written straight to uint8 (the store truncates, as the final cast does)
  const out = new Uint8Array(data.length);
  const keep = Math.fround(blend);
  const mix = Math.fround(1 - blend);
  const n = h * w;
  // float32(v/255) and float32(keep·that) take 256 values: looked up instead of divided per pixel
  const unit = UNIT_F32;
  const kept = new Float64Array(256);
  for (let v = 0; v < 256; v++) kept[v] = Math.fround(keep * unit[v]);
  for (let p = 0; p < n; p++) {
    const q = 3 * p;
    const d0 = data[q];
    const d1 = data[q + 1];
    const d2 = data[q + 2];
    const r = unit[d0];
    const g = unit[d1];
    const bl = unit[d2];
    const gray = Math.fround(Math.fround(0.299 * r + 0.587 * g + 0.114 * bl) * 1.5 + 0.5);
    const sn = snowLayer[p] + snowLayer[n - 1 - p];
    const v0 = Math.fround(kept[d0] + Math.fround(mix * Math.max(r, gray))) + sn;
    const v1 = Math.fround(kept[d1] + Math.fround(mix * Math.max(g, gray))) + sn;
    const v2 = Math.fround(kept[d2] + Math.fround(mix * Math.max(bl, gray))) + sn;
    out[q] = (v0 < 0 ? 0 : v0 > 1 ? 1 : v0) * 255;
    out[q + 1] = (v1 < 0 ? 0 : v1 > 1 ? 1 : v1) * 255;
    out[q + 2] = (v2 < 0 ? 0 : v2 > 1 ? 1 : v2) * 255;
  }
  return out;
}
