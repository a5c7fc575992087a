import { layout, wasmKernels, type WasmKernels } from '../wasm/loader.js';

/** The kernel weights and per-tap shifts (dy, dx), truncated where a shift reaches the image size. */
function motionPlan(h: number, w: number, radius: number, sigma: number, angleDeg: number) {
  const width = radius * 2 + 1;
  const kernel = new Float64Array(width);
  let z = 0;
  for (let i = 0; i < width; i++) {
    kernel[i] = Math.exp(-(i * i) / (2 * sigma * sigma)) / (Math.sqrt(2 * Math.PI) * sigma);
    z += kernel[i];
  }
  for (let i = 0; i < width; i++) kernel[i] /= z;
  const rad = (angleDeg * Math.PI) / 180;
  const p0 = width * Math.sin(rad);
  const p1 = width * Math.cos(rad);
  const hyp = Math.hypot(p0, p1);
  const shiftY: number[] = [];
  const shiftX: number[] = [];
  for (let i = 0; i < width; i++) {
    const dy = -Math.ceil((i * p0) / hyp - 0.5);
    const dx = -Math.ceil((i * p1) / hyp - 0.5);
    if (Math.abs(dy) >= h || Math.abs(dx) >= w) break;
    shiftY.push(dy);
    shiftX.push(dx);
  }
  // Rows are padded once with their edge pixels, wide enough for every horizontal shift.
  let padL = 0;
  let padR = 0;
  for (const dx of shiftX) {
    padL = Math.max(padL, dx);
    padR = Math.max(padR, -dx);
  }
  return { kernel, shiftY, shiftX, padL, padR };
}

/**
 * imagecorruptions' motion blur (its numpy stand-in for ImageMagick's MagickMotionBlurImage):
 * a one-sided kernel of width 2·radius+1 with weights exp(−i²/(2σ²)), i = 0..width−1, normalised;
 * tap i adds the image shifted by round-half-down(i·(sin θ, cos θ)) pixels towards −(dy, dx), where the
 * shift replicates the edge row/column (np.roll, then the wrapped part overwritten by the edge).
 * Stops early when a shift reaches the image size, as the reference does. `src` may be the uint8 image
 * itself (its values are exact in float64). WebAssembly SIMD kernels when available (the same sums per
 * element), else motionBlurJs.
 */
export function motionBlur(src: Float64Array | Uint8Array, h: number, w: number, c: number, radius: number, sigma: number, angleDeg: number): Float64Array {
  const out = motionBlurWasm(src, h, w, c, radius, sigma, angleDeg, false);
  return out ? (out as Float64Array) : motionBlurJs(src, h, w, c, radius, sigma, angleDeg);
}

/** motionBlur with the JavaScript kernels (the fallback, and the reference of the WebAssembly path). */
export function motionBlurJs(src: Float64Array | Uint8Array, h: number, w: number, c: number, radius: number, sigma: number, angleDeg: number): Float64Array {
  const { kernel, shiftY, shiftX, padL, padR } = motionPlan(h, w, radius, sigma, angleDeg);
  const taps = shiftY.length;
  // shifted[y, x] is padded[clamp(y − dy)][x − dx + padL]: a contiguous run per tap and output row.
  const n = w * c;
  const pw = (w + padL + padR) * c;
  const padded = new Float64Array(h * pw);
  for (let y = 0; y < h; y++) {
    const s = y * n;
    const d = y * pw;
    padded.set(src.subarray(s, s + n), d + padL * c);
    for (let ch = 0; ch < c; ch++) {
      const first = src[s + ch];
      const last = src[s + n - c + ch];
      for (let x = 0; x < padL; x++) padded[d + x * c + ch] = first;
      for (let x = 0; x < padR; x++) padded[d + (padL + w + x) * c + ch] = last;
    }
  }
  const k = kernel.subarray(0, taps);
  const off = new Int32Array(taps);
  const out = new Float64Array(h * n);
  // Each output element sums its taps in kernel order from 0, as `out += k·shifted` tap by tap does;
  // eight neighbouring outputs per iteration keep their sums in registers.
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < taps; i++) off[i] = Math.min(h - 1, Math.max(0, y - shiftY[i])) * pw + (padL - shiftX[i]) * c;
    const o = y * n;
    let j = 0;
    for (; j + 7 < n; j += 8) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let a4 = 0;
      let a5 = 0;
      let a6 = 0;
      let a7 = 0;
      for (let i = 0; i < taps; i++) {
        const ki = k[i];
        const p = off[i] + j;
        a0 += ki * padded[p];
        a1 += ki * padded[p + 1];
        a2 += ki * padded[p + 2];
        a3 += ki * padded[p + 3];
        a4 += ki * padded[p + 4];
        a5 += ki * padded[p + 5];
        a6 += ki * padded[p + 6];
        a7 += ki * padded[p + 7];
      }
      out[o + j] = a0;
      out[o + j + 1] = a1;
      out[o + j + 2] = a2;
      out[o + j + 3] = a3;
      out[o + j + 4] = a4;
      out[o + j + 5] = a5;
      out[o + j + 6] = a6;
      out[o + j + 7] = a7;
    }
    for (; j < n; j++) {
      let a = 0;
      for (let i = 0; i < taps; i++) a += k[i] * padded[off[i] + j];
      out[o + j] = a;
    }
  }
  return out;
}

/**
 * imagecorruptions' `np.clip(motion_blur(x), 0, 255)` cast to uint8 (truncating), with the WebAssembly
 * kernels; null without them.
 */
export function motionBlurU8(src: Uint8Array, h: number, w: number, c: number, radius: number, sigma: number, angleDeg: number): Uint8Array | null {
  return motionBlurWasm(src, h, w, c, radius, sigma, angleDeg, true) as Uint8Array | null;
}

/**
 * motionBlur planned for the WebAssembly kernels: `sizes` are the byte sizes of its buffers (the padded image
 * first) for the caller's `layout`; `run(k, at, x, out)` fills its tables at those offsets and blurs the h × w × c
 * float64 image at `x` into `out` (same sums per element as motionBlurJs).
 */
export function motionInWasm(h: number, w: number, c: number, radius: number, sigma: number, angleDeg: number) {
  const { kernel, shiftY, shiftX, padL, padR } = motionPlan(h, w, radius, sigma, angleDeg);
  const taps = shiftY.length;
  const n = w * c;
  const pRow = (w + padL + padR) * c * 8;
  return {
    sizes: [h * pRow, taps * 8, taps * 4, taps * 4, taps * 4],
    run(k: WasmKernels, at: number[], x: number, out: number): void {
      const [padded, kAt, syAt, oxAt, offs] = at;
      const buf = k.memory.buffer;
      new Float64Array(buf, kAt, taps).set(kernel.subarray(0, taps));
      new Int32Array(buf, syAt, taps).set(shiftY);
      const ox = new Int32Array(buf, oxAt, taps);
      for (let i = 0; i < taps; i++) ox[i] = (padL - shiftX[i]) * c * 8;
      k.motionPad(x, padded, h, w, c, padL, padR);
      k.motionTaps(padded, out, h, n, pRow, taps, kAt, syAt, oxAt, offs);
    },
  };
}

/** motionBlur in the WebAssembly kernels (same sums per element): float64 out, or uint8 clipped to [0, 255]. */
function motionBlurWasm(src: Float64Array | Uint8Array, h: number, w: number, c: number, radius: number, sigma: number, angleDeg: number, toU8: boolean): Float64Array | Uint8Array | null {
  const k = wasmKernels();
  if (!k) return null;
  const plan = motionInWasm(h, w, c, radius, sigma, angleDeg);
  const n = h * w * c;
  const u8 = src instanceof Uint8Array;
  const at = layout(k, [u8 ? n : 0, n * 8, n * 8, ...plan.sizes]);
  if (!at) return null;
  const [bytes, x, out] = at;
  const buf = k.memory.buffer;
  if (u8) {
    new Uint8Array(buf, bytes, n).set(src);
    k.u8ToF64(bytes, x, n);
  } else new Float64Array(buf, x, n).set(src);
  plan.run(k, at.slice(3), x, out);
  if (!toU8) return new Float64Array(buf, out, n).slice();
  k.clipScaleU8(out, bytes, n, 255, 1);
  return new Uint8Array(buf, bytes, n).slice();
}
