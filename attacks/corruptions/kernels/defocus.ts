import { layout, wasmKernels } from '../wasm/loader.js';
import { borderIndex } from './border.js';
import { cvGaussianKernel, diskKernel, filter2D } from './filter2d.js';

/** The decomposition K = G ⊛ D + R of the disk kernel (see defocusFilter), or the kernel itself for small disks. */
function defocusPlan(radius: number, aliasBlur: number) {
  const K = diskKernel(radius, aliasBlur);
  // Small disks (CIFAR-10-C's radii ≤ 1.5): the direct sparse filter is as fast and exactly OpenCV's sum.
  let taps = 0;
  for (const v of K.data) if (v !== 0) taps++;
  if (radius < 3 || taps <= 49) return { direct: K, R: 0, r: 0, ksize: 0, g: new Float64Array(0), runs: new Int32Array(0), dval: 0, resid: [] };
  const S = K.size;
  const R = (S - 1) >> 1;
  const ksize = radius <= 8 ? 3 : 5;
  const r = (ksize - 1) >> 1;
  const g = cvGaussianKernel(ksize, aliasBlur);
  // flat disk runs per row dy: [-half, half], value dval
  const runs = new Int32Array(S).fill(-1);
  let count = 0;
  for (let dy = -R; dy <= R; dy++) {
    for (let dx = 0; dx <= R; dx++) if (dx * dx + dy * dy <= radius * radius) runs[dy + R] = dx;
    if (runs[dy + R] >= 0) count += 2 * runs[dy + R] + 1;
  }
  const dval = Math.fround(1 / count);
  // G ⊛ D on the (S+2r)² grid, and the residual against K (zero outside K's grid)
  const T = S + 2 * r;
  const gd = new Float64Array(T * T);
  for (let y = 0; y < T; y++) {
    for (let x = 0; x < T; x++) {
      let a = 0;
      for (let i = -r; i <= r; i++) {
        for (let j = -r; j <= r; j++) {
          const dy = y - r - R + i;
          const dx = x - r - R + j;
          if (dy < -R || dy > R) continue;
          const half = runs[dy + R];
          if (half >= 0 && Math.abs(dx) <= half) a += g[i + r] * g[j + r] * dval;
        }
      }
      gd[y * T + x] = a;
    }
  }
  let kmax = 0;
  for (const v of K.data) kmax = Math.max(kmax, v);
  const resid: { dy: number; dx: number; v: number }[] = [];
  let dropped = 0;
  for (let y = 0; y < T; y++) {
    for (let x = 0; x < T; x++) {
      const ky = y - r;
      const kx = x - r;
      const k = ky >= 0 && ky < S && kx >= 0 && kx < S ? K.data[ky * S + kx] : 0;
      const d = k - gd[y * T + x];
      if (Math.abs(d) > 1e-6 * kmax) resid.push({ dy: y - (R + r), dx: x - (R + r), v: d });
      else dropped += d;
    }
  }
  // Put the dropped float32 rounding back on the centre tap, so the kernel's total weight is exactly
  // OpenCV's: on flat regions (v·Σk, often a hair off an integer) the truncating cast then agrees.
  resid.push({ dy: 0, dx: 0, v: dropped });
  return { direct: null, R, r, ksize, g, runs, dval, resid };
}

/**
 * Fast cv2.filter2D with imagecorruptions' anti-aliased disk (same result up to float rounding).
 *
 * The disk kernel is K = blur(D) where D is a flat disk (value 1/count) and blur a small Gaussian
 * (cv2.GaussianBlur, 3×3 or 5×5). Mathematically K = G ⊛ D wherever the Gaussian does not reach the
 * kernel's own border; where it does (radius 8 on the 17×17 grid, radius 10 on 21×21) OpenCV reflects
 * and the two differ in a few taps. So: x ⊛ K = G ⊛ (D ⊛ x) + R ⊛ x with R = K − G ⊛ D, which is sparse.
 * D ⊛ x costs two prefix-sum lookups per disk row (the disk is a union of horizontal runs) instead of one
 * multiply-add per tap, about 6× faster at radius 6. The image is padded once (BORDER_REFLECT_101) and
 * every stage is a 'valid' convolution of that padded image, so borders match cv2.filter2D exactly.
 * Residual taps below 1e-6 of the largest tap (float32 rounding of K) are dropped: their effect on the
 * output is below 1e-4 of a grey level.
 */
export function defocusFilter(src: Float64Array, h: number, w: number, c: number, radius: number, aliasBlur: number): Float64Array {
  const plan = defocusPlan(radius, aliasBlur);
  if (plan.direct) return filter2D(src, h, w, c, plan.direct, 'mirror');
  const { R, r, ksize, g, runs, dval, resid } = plan;
  const P = R + r;
  const pw = w + 2 * P;
  const ph = h + 2 * P;
  const out = new Float64Array(h * w * c);
  const mw = w + 2 * r; // width of D ⊛ x (valid over the padding for G)
  const mh = h + 2 * r;
  const pstride = pw + 1;
  const prefix = new Float64Array(ph * pstride);
  const mid = new Float64Array(mh * mw);
  const tmp = new Float64Array(mh * w);
  const plane = new Float64Array(ph * pw);
  // border maps computed once instead of per pixel
  const colSrc = new Int32Array(pw);
  for (let px = 0; px < pw; px++) colSrc[px] = borderIndex(px - P, w, 'mirror') * c;
  const rowSrc = new Int32Array(ph);
  for (let py = 0; py < ph; py++) rowSrc[py] = borderIndex(py - P, h, 'mirror') * w * c;
  // each disk row is one run: its sum is prefix[hi] − prefix[lo] (offsets for mid row 0, column 0)
  const runLo: number[] = [];
  const runHi: number[] = [];
  for (let dy = -R; dy <= R; dy++) {
    const half = runs[dy + R];
    if (half < 0) continue;
    runLo.push((R + dy) * pstride + R - half);
    runHi.push((R + dy) * pstride + R + half + 1);
  }
  const lo = Int32Array.from(runLo);
  const hi = Int32Array.from(runHi);
  const nRuns = lo.length;
  const nRes = resid.length;
  const resV = Float64Array.from(resid, (t) => t.v);
  const resOff = Int32Array.from(resid, (t) => (P + t.dy) * pw + P + t.dx);
  // The loops below keep every output element's sum in the original order (D runs by dy; G taps; then the
  // residual taps in list order) but compute eight neighbouring outputs per iteration with the running sums
  // in registers, instead of sweeping the whole plane once per term.
  for (let ch = 0; ch < c; ch++) {
    // the padded plane of this channel and its row prefix sums, in one pass
    for (let py = 0; py < ph; py++) {
      const sr = rowSrc[py] + ch;
      const o = py * pw;
      const base = py * pstride;
      let acc = 0;
      prefix[base] = 0;
      for (let px = 0; px < pw; px++) {
        const v = src[sr + colSrc[px]];
        plane[o + px] = v;
        acc += v;
        prefix[base + px + 1] = acc;
      }
    }
    // D ⊛ x at mid (my, mx) ↔ padded centre (my + R, mx + R)
    for (let my = 0; my < mh; my++) {
      const rb = my * pstride;
      const o = my * mw;
      let mx = 0;
      for (; mx + 7 < mw; mx += 8) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let a4 = 0;
        let a5 = 0;
        let a6 = 0;
        let a7 = 0;
        for (let k = 0; k < nRuns; k++) {
          const l = rb + lo[k] + mx;
          const u = rb + hi[k] + mx;
          a0 += prefix[u] - prefix[l];
          a1 += prefix[u + 1] - prefix[l + 1];
          a2 += prefix[u + 2] - prefix[l + 2];
          a3 += prefix[u + 3] - prefix[l + 3];
          a4 += prefix[u + 4] - prefix[l + 4];
          a5 += prefix[u + 5] - prefix[l + 5];
          a6 += prefix[u + 6] - prefix[l + 6];
          a7 += prefix[u + 7] - prefix[l + 7];
        }
        mid[o + mx] = a0;
        mid[o + mx + 1] = a1;
        mid[o + mx + 2] = a2;
        mid[o + mx + 3] = a3;
        mid[o + mx + 4] = a4;
        mid[o + mx + 5] = a5;
        mid[o + mx + 6] = a6;
        mid[o + mx + 7] = a7;
      }
      for (; mx < mw; mx++) {
        let a = 0;
        for (let k = 0; k < nRuns; k++) a += prefix[rb + hi[k] + mx] - prefix[rb + lo[k] + mx];
        mid[o + mx] = a;
      }
    }
    // G (separable) ⊛ mid, valid → h × w
    for (let my = 0; my < mh; my++) {
      const o = my * mw;
      const t = my * w;
      if (ksize === 3) {
        // 3 taps: the window slides, one new mid value per output (same sum order 0 + g₀m₀ + g₁m₁ + g₂m₂)
        const g0 = g[0];
        const g1 = g[1];
        const g2 = g[2];
        let m0 = mid[o];
        let m1 = mid[o + 1];
        for (let x = 0; x < w; x++) {
          const m2 = mid[o + x + 2];
          let a = 0;
          a += g0 * m0;
          a += g1 * m1;
          a += g2 * m2;
          tmp[t + x] = a * dval;
          m0 = m1;
          m1 = m2;
        }
        continue;
      }
      for (let x = 0; x < w; x++) {
        let a = 0;
        for (let j = 0; j < ksize; j++) a += g[j] * mid[o + x + j];
        tmp[t + x] = a * dval;
      }
    }
    for (let y = 0; y < h; y++) {
      const pb = y * pw;
      const ob = y * w * c + ch;
      let x = 0;
      // eight outputs per iteration: the residual taps (up to 161 at radius 10) dominate, and each tap's
      // weight and offset are then loaded once per eight outputs
      for (; x + 7 < w; x += 8) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let a4 = 0;
        let a5 = 0;
        let a6 = 0;
        let a7 = 0;
        for (let i = 0; i < ksize; i++) {
          const t = (y + i) * w + x;
          const gi = g[i];
          a0 += gi * tmp[t];
          a1 += gi * tmp[t + 1];
          a2 += gi * tmp[t + 2];
          a3 += gi * tmp[t + 3];
          a4 += gi * tmp[t + 4];
          a5 += gi * tmp[t + 5];
          a6 += gi * tmp[t + 6];
          a7 += gi * tmp[t + 7];
        }
        for (let k = 0; k < nRes; k++) {
          const v = resV[k];
          const q = pb + resOff[k] + x;
          a0 += v * plane[q];
          a1 += v * plane[q + 1];
          a2 += v * plane[q + 2];
          a3 += v * plane[q + 3];
          a4 += v * plane[q + 4];
          a5 += v * plane[q + 5];
          a6 += v * plane[q + 6];
          a7 += v * plane[q + 7];
        }
        const o = ob + x * c;
        out[o] = a0;
        out[o + c] = a1;
        out[o + 2 * c] = a2;
        out[o + 3 * c] = a3;
        out[o + 4 * c] = a4;
        out[o + 5 * c] = a5;
        out[o + 6 * c] = a6;
        out[o + 7 * c] = a7;
      }
      for (; x < w; x++) {
        let a = 0;
        for (let i = 0; i < ksize; i++) a += g[i] * tmp[(y + i) * w + x];
        for (let k = 0; k < nRes; k++) a += resV[k] * plane[pb + resOff[k] + x];
        out[ob + x * c] = a;
      }
    }
  }
  return out;
}

/**
 * defocus_blur from uint8 to uint8 (x/255, defocusFilter, clip · 255, truncated) with the WebAssembly
 * kernels: the same stages and per-element sums as defocusFilter with the channels interleaved, so the same
 * bytes. Null without the kernels, or for the small disks that defocusFilter filters directly.
 */
export function defocusBlurU8(data: Uint8Array, h: number, w: number, c: number, radius: number, aliasBlur: number): Uint8Array | null {
  const k = wasmKernels();
  if (!k || h === 0 || w === 0) return null; // an empty image: no border to mirror (defocusFilter returns it empty)
  const plan = defocusPlan(radius, aliasBlur);
  if (plan.direct) return null;
  const { R, r, ksize, g, runs, dval, resid } = plan;
  const P = R + r;
  const pw = w + 2 * P;
  const ph = h + 2 * P;
  const mh = h + 2 * r;
  const n = w * c;
  const mn = (w + 2 * r) * c;
  const pix = c * 8; // bytes per pixel
  const lo: number[] = [];
  const hi: number[] = [];
  for (let dy = -R; dy <= R; dy++) {
    const half = runs[dy + R];
    if (half < 0) continue;
    lo.push(((R + dy) * (pw + 1) + R - half) * pix);
    hi.push(((R + dy) * (pw + 1) + R + half + 1) * pix);
  }
  const at = layout(k, [h * n, h * n * 8, ph * pw * pix, ph * (pw + 1) * pix, mh * mn * 8, mh * n * 8, h * n * 8, ph * 4, pw * 4, lo.length * 8, ksize * 8, resid.length * 12, 2048]);
  if (!at) return null;
  const [bytes, src, plane, prefix, mid, tmp, out, rowSrc, colSrc, runsAt, gAt, resAt, table] = at;
  const buf = k.memory.buffer;
  new Uint8Array(buf, bytes, h * n).set(data);
  const rows = new Int32Array(buf, rowSrc, ph);
  for (let py = 0; py < ph; py++) rows[py] = borderIndex(py - P, h, 'mirror') * n * 8;
  const cols = new Int32Array(buf, colSrc, pw);
  for (let px = 0; px < pw; px++) cols[px] = borderIndex(px - P, w, 'mirror') * pix;
  const runsView = new Int32Array(buf, runsAt, 2 * lo.length);
  runsView.set(lo);
  runsView.set(hi, lo.length);
  new Float64Array(buf, gAt, ksize).set(g);
  new Float64Array(buf, resAt, resid.length).set(resid.map((t) => t.v));
  new Int32Array(buf, resAt + resid.length * 8, resid.length).set(resid.map((t) => ((P + t.dy) * pw + P + t.dx) * pix));
  k.u8ToUnitF64(bytes, src, h * n, table);
  k.defocusPad(src, plane, prefix, ph, pw, c, rowSrc, colSrc);
  k.defocusRuns(prefix, mid, mh, mn, (pw + 1) * pix, lo.length, runsAt, runsAt + lo.length * 4);
  k.defocusRowG(mid, tmp, mh, n, c, gAt, ksize, dval);
  k.defocusColG(tmp, plane, out, h, n, pw * pix, gAt, ksize, resid.length, resAt, resAt + resid.length * 8);
  k.clipScaleU8(out, bytes, h * n, 1, 255);
  return new Uint8Array(buf, bytes, h * n).slice();
}
