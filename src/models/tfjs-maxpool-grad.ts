/**
 * Max-pool input gradient in NHWC: each output's dy goes to the FIRST maximum of its window in
 * row-major scan order — PyTorch's max_pool2d and TensorFlow's (and tfjs-backend-cpu's
 * `maxPoolPositions`) convention, re-derived here on flat typed arrays.
 *
 * Hand-written because the two tfjs kernels available are unusable for us: tfjs-backend-wasm's
 * MaxPoolGrad (4.22) gives tied windows' gradient to the last maximum and drops windows whose
 * maximum is ≤ 0, and tfjs-backend-cpu's is correct but ~60x slower than this loop (it re-derives
 * argmax positions through TensorBuffer accessors; 450 ms vs ~7 ms per 128-image batch of the
 * Fashion-MNIST CNN).
 */
import type { backend_util } from '@tensorflow/tfjs-core';

/** dx (same shape as x) for input x [N,H,W,C], upstream gradient dy [N,OH,OW,C]. */
export function maxPoolGradNHWC(x: ArrayLike<number>, dy: ArrayLike<number>, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top: padTop, left: padLeft } = info.padInfo;
  const dx = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++) {
    const xb = b * h * w * c;
    for (let yr = 0; yr < oh; yr++) {
      const r0 = yr * sh - padTop;
      let rMin = r0;
      while (rMin < 0) rMin += dh;
      const rMax = Math.min(h, r0 + fh);
      for (let yc = 0; yc < ow; yc++) {
        const c0 = yc * sw - padLeft;
        let cMin = c0;
        while (cMin < 0) cMin += dw;
        const cMax = Math.min(w, c0 + fw);
        const dyBase = ((b * oh + yr) * ow + yc) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -1;
          let bestV = -Infinity;
          for (let r = rMin; r < rMax; r += dh) {
            for (let col = cMin; col < cMax; col += dw) {
              const i = xb + (r * w + col) * c + ch;
              if (x[i] > bestV) {
                bestV = x[i];
                best = i;
              }
            }
          }
          if (best >= 0) dx[best] += dy[dyBase + ch];
        }
      }
    }
  }
  return dx;
}
