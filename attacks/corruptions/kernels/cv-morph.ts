import { borderIndex } from './border.js';

/**
 * Small OpenCV image operations used only by the spatter corruption (water mode), re-derived from
 * OpenCV's documented behaviour: Canny, chamfer distance transform, box blur, histogram equalisation.
 * Single-channel H×W arrays.
 */

/** tan 22.5° in Q15, OpenCV's Canny sector threshold. */
export const CANNY_TG22 = Math.round(0.4142135623730950488016887242097 * (1 << 15));

/**
 * cv2.Canny(img, low, high) with a 3×3 Sobel (edges replicated), L1 magnitude |dx|+|dy|, non-maximum
 * suppression in four directions (tan 22.5° sectors; ties broken as OpenCV: strictly greater than the
 * previous neighbour, ≥ the next on horizontal/vertical, strictly on diagonals), then hysteresis:
 * candidates above `low` kept when 8-connected to one above `high`. Returns 255 on edges, 0 elsewhere.
 * All integer arithmetic (exact in any order).
 */
export function canny(src: Uint8Array, h: number, w: number, low: number, high: number): Uint8Array {
  const dx = new Int32Array(h * w);
  const dy = new Int32Array(h * w);
  const W = w + 2;
  const mag = new Int32Array((h + 2) * W); // zero border as OpenCV's magnitude buffer
  const p = pad1U8(src, h, w, 'nearest');
  // Sobel as sums of the three pixels of each column: gx = v(x+1) − v(x−1) with v = top + 2·mid + bottom,
  // gy = e(x−1) + 2·e(x) + e(x+1) with e = bottom − top. Column x+1 is read once, the others carried.
  for (let y = 0; y < h; y++) {
    const t = y * W;
    const m = t + W;
    const b = m + W;
    let vl = p[t] + 2 * p[m] + p[b];
    let el = p[b] - p[t];
    let vc = p[t + 1] + 2 * p[m + 1] + p[b + 1];
    let ec = p[b + 1] - p[t + 1];
    for (let x = 0; x < w; x++) {
      const tr = p[t + x + 2];
      const mr = p[m + x + 2];
      const br = p[b + x + 2];
      const vr = tr + 2 * mr + br;
      const er = br - tr;
      const gx = vr - vl;
      const gy = el + 2 * ec + er;
      dx[y * w + x] = gx;
      dy[y * w + x] = gy;
      mag[m + x + 1] = (gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy);
      vl = vc;
      el = ec;
      vc = vr;
      ec = er;
    }
  }
  const lo = Math.floor(low);
  const hi = Math.floor(high);
  const TG22 = CANNY_TG22;
  // 0: not an edge, 1: candidate, 2: strong
  const map = new Uint8Array(h * w);
  const stack = new Int32Array(h * w);
  let top = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = (y + 1) * W + x + 1;
      const m = mag[j];
      if (m <= lo) continue;
      const xs = dx[y * w + x];
      const ys = dy[y * w + x];
      const ax = Math.abs(xs);
      const ay = Math.abs(ys) * (1 << 15);
      const tg22x = ax * TG22;
      let keep: boolean;
      if (ay < tg22x) keep = m > mag[j - 1] && m >= mag[j + 1];
      else {
        const tg67x = tg22x + ax * (1 << 16);
        if (ay > tg67x) keep = m > mag[j - W] && m >= mag[j + W];
        else {
          const s = (xs ^ ys) < 0 ? -1 : 1;
          keep = m > mag[j - W - s] && m > mag[j + W + s];
        }
      }
      if (!keep) continue;
      if (m > hi) {
        map[y * w + x] = 2;
        stack[top++] = y * w + x;
      } else map[y * w + x] = 1;
    }
  }
  while (top > 0) {
    const q0 = stack[--top];
    const y = (q0 / w) | 0;
    const x = q0 - y * w;
    for (let oy = -1; oy <= 1; oy++) {
      const yy = y + oy;
      if (yy < 0 || yy >= h) continue;
      for (let ox = -1; ox <= 1; ox++) {
        const xx = x + ox;
        if (xx < 0 || xx >= w) continue;
        const q = yy * w + xx;
        if (map[q] === 1) {
          map[q] = 2;
          stack[top++] = q;
        }
      }
    }
  }
  const out = new Uint8Array(h * w);
  for (let i = 0; i < out.length; i++) out[i] = map[i] === 2 ? 255 : 0;
  return out;
}

/**
 * cv2.distanceTransform(img, DIST_L2, 5): distance to the nearest zero pixel with OpenCV's 5×5 chamfer
 * weights (1, 1.4, 2.1969), two raster passes; pixels beyond the image count as far away.
 */
export function distanceTransform5(src: Uint8Array, h: number, w: number): Float32Array {
  const INF = 1e20;
  // padded by 2 on every side with "far" cells, so the 5×5 neighbourhood needs no bounds checks
  const W = w + 4;
  const d = new Float64Array((h + 4) * W).fill(INF);
  for (let y = 0; y < h; y++) {
    const s = y * w;
    const o = (y + 2) * W + 2;
    for (let x = 0; x < w; x++) d[o + x] = src[s + x] === 0 ? 0 : INF;
  }
  // forward pass (rows top to bottom, left to right), then the mirrored backward pass
  for (let y = 2; y < h + 2; y++) chamferRow(d, y * W, y * W - W, y * W - 2 * W, 2, w, 1);
  for (let y = h + 1; y >= 2; y--) chamferRow(d, y * W, y * W + W, y * W + 2 * W, w + 1, w, -1);
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    const o = (y + 2) * W + 2;
    const s = y * w;
    for (let x = 0; x < w; x++) out[s + x] = d[o + x];
  }
  return out;
}

/**
 * One raster pass of the 5×5 chamfer transform over row `r` of the padded plane `d`, `n` pixels from
 * column `x0` in direction `dir` (+1: left to right, reading the two rows above, r1 = r − W and
 * r2 = r − 2W; −1: right to left, reading the two rows below). The already-visited neighbours are the
 * knight moves (C), diagonals (B) and axis (A) towards where the pass came from: the two earlier rows are
 * read through sliding windows (one new value each per pixel), the previous pixel is the value just
 * computed, and the minimum is taken by compare-and-keep (min has no rounding: the order is free).
 */
function chamferRow(d: Float64Array, r: number, r1: number, r2: number, x0: number, n: number, dir: 1 | -1): void {
  const A = 1;
  const B = 1.4;
  const C = 2.1969;
  let p0 = d[r2 + x0 - dir]; // row2[x−dir]
  let p1 = d[r2 + x0]; // row2[x]
  let p2 = d[r2 + x0 + dir]; // row2[x+dir]
  let q0 = d[r1 + x0 - 2 * dir];
  let q1 = d[r1 + x0 - dir];
  let q2 = d[r1 + x0];
  let q3 = d[r1 + x0 + dir];
  let q4 = d[r1 + x0 + 2 * dir]; // row1[x−2dir … x+2dir]
  let prev = d[r + x0 - dir];
  for (let i = 0, x = x0; i < n; i++, x += dir) {
    let v = d[r + x];
    if (v !== 0) {
      let t = p0 + C;
      if (t < v) v = t;
      t = p2 + C;
      if (t < v) v = t;
      t = q0 + C;
      if (t < v) v = t;
      t = q1 + B;
      if (t < v) v = t;
      t = q2 + A;
      if (t < v) v = t;
      t = q3 + B;
      if (t < v) v = t;
      t = q4 + C;
      if (t < v) v = t;
      t = prev + A;
      if (t < v) v = t;
      d[r + x] = v;
    }
    prev = v;
    p0 = p1;
    p1 = p2;
    p2 = d[r2 + x + 2 * dir];
    q0 = q1;
    q1 = q2;
    q2 = q3;
    q3 = q4;
    q4 = d[r1 + x + 3 * dir];
  }
}

/** The 1-pixel border source index of row/column −1 and n per `mode` (borderIndex, computed once). */
function edges(n: number, mode: 'nearest' | 'mirror'): [number, number] {
  return [borderIndex(-1, n, mode), borderIndex(n, n, mode)];
}

/** A copy of an H×W uint8 plane with a one-pixel border filled per `mode`. */
function pad1U8(src: Uint8Array, h: number, w: number, mode: 'nearest' | 'mirror'): Uint8Array {
  const PW = w + 2;
  const p = new Uint8Array((h + 2) * PW);
  const [x0, x1] = edges(w, mode);
  const [y0, y1] = edges(h, mode);
  for (let y = -1; y <= h; y++) {
    const sy = (y < 0 ? y0 : y >= h ? y1 : y) * w;
    const o = (y + 1) * PW;
    p.set(src.subarray(sy, sy + w), o + 1);
    p[o] = src[sy + x0];
    p[o + w + 1] = src[sy + x1];
  }
  return p;
}

/**
 * cv2.blur(img, (3, 3)) on a float32 plane: normalised 3×3 box filter, BORDER_REFLECT_101, the nine values
 * summed row by row left to right in float64, divided by 9, stored as float32.
 */
export function boxBlur3F32(src: Float32Array, h: number, w: number): Float32Array {
  const PW = w + 2;
  const p = new Float64Array((h + 2) * PW);
  const [x0, x1] = edges(w, 'mirror');
  const [y0, y1] = edges(h, 'mirror');
  for (let y = -1; y <= h; y++) {
    const sy = (y < 0 ? y0 : y >= h ? y1 : y) * w;
    const o = (y + 1) * PW;
    p.set(src.subarray(sy, sy + w), o + 1);
    p[o] = src[sy + x0];
    p[o + w + 1] = src[sy + x1];
  }
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    const t = y * PW;
    const m = t + PW;
    const b = m + PW;
    // the 3×3 window slides right: columns x−1 and x carried, column x+1 read
    let t0 = p[t];
    let m0 = p[m];
    let b0 = p[b];
    let t1 = p[t + 1];
    let m1 = p[m + 1];
    let b1 = p[b + 1];
    for (let x = 0; x < w; x++) {
      const t2 = p[t + x + 2];
      const m2 = p[m + x + 2];
      const b2 = p[b + x + 2];
      out[y * w + x] = (t0 + t1 + t2 + m0 + m1 + m2 + b0 + b1 + b2) / 9;
      t0 = t1;
      m0 = m1;
      b0 = b1;
      t1 = t2;
      m1 = m2;
      b1 = b2;
    }
  }
  return out;
}

/**
 * cv2.blur(img, (3, 3)) on a uint8 plane (float result): the integer sum of the 3×3 window over 9,
 * BORDER_REFLECT_101. Integer sums are exact in any order, so column sums are shared between neighbours.
 */
export function boxBlur3U8(src: Uint8Array, h: number, w: number): Float64Array {
  const PW = w + 2;
  const p = pad1U8(src, h, w, 'mirror');
  const col = new Int32Array(PW);
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    const r = (y + 1) * PW;
    for (let x = 0; x < PW; x++) col[x] = p[r - PW + x] + p[r + x] + p[r + PW + x];
    for (let x = 0; x < w; x++) out[y * w + x] = (col[x] + col[x + 1] + col[x + 2]) / 9;
  }
  return out;
}

/** cv2.equalizeHist: LUT from the cumulative histogram above the lowest occupied level, rounded. */
export function equalizeHist(src: Uint8Array): Uint8Array {
  const hist = new Int32Array(256);
  for (let k = 0; k < src.length; k++) hist[src[k]]++;
  let i = 0;
  while (i < 256 && hist[i] === 0) i++;
  const total = src.length;
  const out = new Uint8Array(src.length);
  if (i === 256) return out;
  if (hist[i] === total) return out.fill(i);
  const scale = 255 / (total - hist[i]);
  const lut = new Uint8Array(256);
  let sum = 0;
  for (let j = i + 1; j < 256; j++) {
    sum += hist[j];
    lut[j] = Math.min(255, Math.round(sum * scale));
  }
  for (let k = 0; k < src.length; k++) out[k] = lut[src[k]];
  return out;
}

/**
 * cv2.filter2D(img, CV_8U, 3×3 integer kernel): correlation, BORDER_REFLECT_101, saturated to uint8.
 * Integer weights on uint8 values: the sum is an exact integer (no rounding needed).
 */
export function filter3x3U8(src: Uint8Array, h: number, w: number, k: number[]): Uint8Array {
  const PW = w + 2;
  const p = pad1U8(src, h, w, 'mirror');
  const [k0, k1, k2, k3, k4, k5, k6, k7, k8] = k;
  const out = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) {
    const t = y * PW;
    const m = t + PW;
    const b = m + PW;
    // the 3×3 window slides right: columns x−1 and x carried, column x+1 read
    let t0 = p[t];
    let m0 = p[m];
    let b0 = p[b];
    let t1 = p[t + 1];
    let m1 = p[m + 1];
    let b1 = p[b + 1];
    for (let x = 0; x < w; x++) {
      const t2 = p[t + x + 2];
      const m2 = p[m + x + 2];
      const b2 = p[b + x + 2];
      const s = k0 * t0 + k1 * t1 + k2 * t2 + k3 * m0 + k4 * m1 + k5 * m2 + k6 * b0 + k7 * b1 + k8 * b2;
      out[y * w + x] = s <= 0 ? 0 : s >= 255 ? 255 : Math.round(s);
      t0 = t1;
      m0 = m1;
      b0 = b1;
      t1 = t2;
      m1 = m2;
      b1 = b2;
    }
  }
  return out;
}
