/**
 * imagecorruptions' motion blur (its numpy stand-in for ImageMagick's MagickMotionBlurImage):
 * a one-sided kernel of width 2·radius+1 with weights exp(−i²/(2σ²)), i = 0..width−1, normalised;
 * tap i adds the image shifted by round-half-down(i·(sin θ, cos θ)) pixels towards −(dy, dx), where the
 * shift replicates the edge row/column (np.roll, then the wrapped part overwritten by the edge).
 * Stops early when a shift reaches the image size, as the reference does.
 */
export function motionBlur(src: Float64Array, h: number, w: number, c: number, radius: number, sigma: number, angleDeg: number): Float64Array {
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
  const out = new Float64Array(h * w * c);
  const cols = new Int32Array(w);
  for (let i = 0; i < width; i++) {
    const dy = -Math.ceil((i * p0) / hyp - 0.5);
    const dx = -Math.ceil((i * p1) / hyp - 0.5);
    if (Math.abs(dy) >= h || Math.abs(dx) >= w) break;
    const k = kernel[i];
    // shifted[y, x] = src[clamp(y − dy), clamp(x − dx)]
    for (let x = 0; x < w; x++) cols[x] = Math.min(w - 1, Math.max(0, x - dx)) * c;
    for (let y = 0; y < h; y++) {
      const sy = Math.min(h - 1, Math.max(0, y - dy));
      const srow = sy * w * c;
      const orow = y * w * c;
      if (c === 3) {
        for (let x = 0; x < w; x++) {
          const s = srow + cols[x];
          const o = orow + x * 3;
          out[o] += k * src[s];
          out[o + 1] += k * src[s + 1];
          out[o + 2] += k * src[s + 2];
        }
      } else {
        for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) out[orow + x * c + ch] += k * src[srow + cols[x] + ch];
      }
    }
  }
  return out;
}
