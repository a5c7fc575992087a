import { borderIndex, type BorderMode } from './border.js';

/** A dense square 2-D kernel (odd size), row-major. */
export interface Kernel2D {
  size: number;
  data: Float64Array;
}

/**
 * cv2.filter2D on every channel of an H×W×C float image: correlation with the kernel anchored at its
 * centre, borders per `mode` (OpenCV's default BORDER_REFLECT_101 = 'mirror').
 * Zero kernel taps are skipped, and each tap adds a shifted row of the padded image, so the inner loop
 * runs over contiguous memory (a disk kernel is mostly zeros in its corners).
 */
export function filter2D(src: Float64Array, h: number, w: number, c: number, kernel: Kernel2D, mode: BorderMode = 'mirror'): Float64Array {
  const r = (kernel.size - 1) >> 1;
  const pw = w + 2 * r;
  const ph = h + 2 * r;
  const padded = new Float64Array(ph * pw * c);
  for (let py = 0; py < ph; py++) {
    const sy = borderIndex(py - r, h, mode);
    for (let px = 0; px < pw; px++) {
      const sx = borderIndex(px - r, w, mode);
      const s = (sy * w + sx) * c;
      const d = (py * pw + px) * c;
      for (let ch = 0; ch < c; ch++) padded[d + ch] = src[s + ch];
    }
  }
  const out = new Float64Array(h * w * c);
  const n = w * c;
  for (let ky = 0; ky < kernel.size; ky++) {
    for (let kx = 0; kx < kernel.size; kx++) {
      const k = kernel.data[ky * kernel.size + kx];
      if (k === 0) continue;
      for (let y = 0; y < h; y++) {
        const o = y * n;
        const p = ((y + ky) * pw + kx) * c;
        for (let j = 0; j < n; j++) out[o + j] += k * padded[p + j];
      }
    }
  }
  return out;
}

/**
 * cv2.getGaussianKernel(ksize, sigma) for sigma > 0: exp(-(i-(ksize-1)/2)²/(2σ²)) normalised.
 */
export function cvGaussianKernel(ksize: number, sigma: number): Float64Array {
  const k = new Float64Array(ksize);
  let sum = 0;
  for (let i = 0; i < ksize; i++) {
    const x = i - (ksize - 1) * 0.5;
    k[i] = Math.exp((-0.5 / (sigma * sigma)) * x * x);
    sum += k[i];
  }
  for (let i = 0; i < ksize; i++) k[i] /= sum;
  return k;
}

/**
 * The anti-aliased disk of imagecorruptions' defocus_blur: an aliased disk X²+Y² ≤ r² on the grid
 * -8..8 (radius ≤ 8) or -r..r, normalised to sum 1 in float32, then cv2.GaussianBlur with a 3×3
 * (radius ≤ 8) or 5×5 kernel of sigma `aliasBlur` (BORDER_REFLECT_101 at the kernel's own edges),
 * result rounded to float32 as OpenCV stores it.
 */
export function diskKernel(radius: number, aliasBlur: number): Kernel2D {
  const half = radius <= 8 ? 8 : Math.trunc(radius);
  const ksize = radius <= 8 ? 3 : 5;
  const size = 2 * half + 1;
  const disk = new Float64Array(size * size);
  let count = 0;
  for (let y = -half; y <= half; y++) {
    for (let x = -half; x <= half; x++) {
      if (x * x + y * y <= radius * radius) {
        disk[(y + half) * size + (x + half)] = 1;
        count++;
      }
    }
  }
  const inv = Math.fround(1 / count);
  for (let i = 0; i < disk.length; i++) if (disk[i]) disk[i] = Math.fround(disk[i] / count) || inv;
  // OpenCV filters a float32 image with a float32 kernel in float32 arithmetic (row pass, then column
  // pass), and for a symmetric kernel adds the mirrored pair before multiplying (SymmRow/SymmColumn
  // filters): every sum and product is rounded to float32 in that order here too. Its SIMD body fuses the
  // multiply-add (one rounding); the columns past the last multiple of 4 go through scalar code (two
  // roundings). Checked against OpenCV 4.6: bit-identical kernels for radii 3, 4, 6, 10 and all CIFAR
  // radii; radius 8 differs in 56 taps by one float32 ulp (≤ 1e-9), which no golden output notices.
  const simdEnd = size - (size % 4);
  const g = Float64Array.from(cvGaussianKernel(ksize, aliasBlur), Math.fround);
  const r = (ksize - 1) >> 1;
  const f = Math.fround;
  const tmp = new Float64Array(size * size);
  const px = (y: number, x: number) => disk[y * size + borderIndex(x, size, 'mirror')];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let a = f(g[r] * px(y, x));
      if (x >= simdEnd) for (let k = 1; k <= r; k++) a = f(a + f(g[r + k] * f(px(y, x - k) + px(y, x + k))));
      else for (let k = 1; k <= r; k++) a = f(a + g[r + k] * f(px(y, x - k) + px(y, x + k)));
      tmp[y * size + x] = a;
    }
  }
  const data = new Float64Array(size * size);
  const py = (y: number, x: number) => tmp[borderIndex(y, size, 'mirror') * size + x];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let a = f(g[r] * py(y, x));
      if (x >= simdEnd) for (let k = 1; k <= r; k++) a = f(a + f(g[r + k] * f(py(y - k, x) + py(y + k, x))));
      else for (let k = 1; k <= r; k++) a = f(a + g[r + k] * f(py(y - k, x) + py(y + k, x)));
      data[y * size + x] = a;
    }
  }
  return { size, data };
}
