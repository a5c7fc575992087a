import type { Batch } from '../tensor.js';
import type { Layout } from '../models/types.js';
import type { RawImage } from './types.js';
import { unitFloatsSimd } from './unit-simd.js';

/** Image layouts a batch can be in (tabular 'NC' has no pixels). */
export type ImageLayout = Exclude<Layout, 'NC'>;

function imageLayout(layout: Layout): ImageLayout {
  if (layout === 'NC') throw new Error("layout 'NC' is for tabular models; image batches need 'NCHW' or 'NHWC'");
  return layout;
}

/** v / 255 for every byte value, as float32: a table lookup is cheaper than a division per element. */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * out[offset + i] = src[i] / 255 (as float32) for every byte of src: the JavaScript path, used where
 * WebAssembly SIMD is unavailable (unit-simd.ts). Unrolled by four, which V8 does not do itself; the
 * decoding table of BENCHMARKS.md compares it with the plain loop.
 */
export function bytesToUnit(src: Uint8Array, out: Float32Array, offset = 0): void {
  const n = src.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const j = offset + i;
    out[j] = UNIT[src[i]];
    out[j + 1] = UNIT[src[i + 1]];
    out[j + 2] = UNIT[src[i + 2]];
    out[j + 3] = UNIT[src[i + 3]];
  }
  for (; i < n; i++) out[offset + i] = UNIT[src[i]];
}

/**
 * Turn uint8 HWC images (all the same size and channel count) into a model-input batch in pixel space
 * [0, 1] (value / 255) and the given layout: [N, C, H, W] for NCHW, [N, H, W, C] for NHWC.
 * Pure; used by the loaders and by probes that corrupt raw pixels and feed them back to the model.
 * `into` (at least N·H·W·C long) receives the values instead of a new array; the batch's data is then
 * a view of its first N·H·W·C values.
 */
export function rawImagesToBatch(images: readonly RawImage[], layout: Layout, into?: Float32Array): Batch {
  const lay = imageLayout(layout);
  if (images.length === 0) throw new Error('rawImagesToBatch needs at least one image');
  const { width: w, height: h, channels: c } = images[0];
  const per = w * h * c;
  const direct = lay === 'NHWC' || c === 1;
  for (let n = 0; n < images.length; n++) {
    const img = images[n];
    if (img.width !== w || img.height !== h || img.channels !== c) {
      throw new Error(
        `rawImagesToBatch: image ${n} is ${img.height}x${img.width}x${img.channels} but image 0 is ${h}x${w}x${c}; all images of a batch must share one size`,
      );
    }
    if (img.data.length !== per) {
      throw new Error(`rawImagesToBatch: image ${n} has ${img.data.length} bytes, expected ${per} (${h}x${w}x${c})`);
    }
  }
  const shape = lay === 'NHWC' ? [images.length, h, w, c] : [images.length, c, h, w];
  const total = images.length * per;
  if (into && into.length < total) throw new Error(`rawImagesToBatch: the output buffer holds ${into.length} values, the batch needs ${total}`);
  const out = into ? into.subarray(0, total) : null;
  if (direct) {
    // Same byte order in and out: one SIMD pass over the whole batch where available (unit-simd.ts).
    const simd = unitFloatsSimd(
      images.map((im) => im.data),
      total,
      out ?? undefined,
    );
    if (simd) return { data: simd, shape };
  }
  return { data: unitLoop(images, !direct, out ?? new Float32Array(total)), shape };
}

/**
 * Samples whose bytes are already in the model's order (NHWC, or one channel) → float32 v / 255, the
 * same values rawImagesToBatch gives: `parts` concatenated hold `total` bytes (e.g. runs of records cut
 * from one file chunk). Written into `into` (its first `total` values) when given, else a new array.
 */
export function unitBytes(parts: readonly Uint8Array[], total: number, into?: Float32Array): Float32Array {
  if (into && into.length < total) throw new Error(`unitBytes: the output buffer holds ${into.length} values, the batch needs ${total}`);
  const out = into ? into.subarray(0, total) : undefined;
  const simd = unitFloatsSimd(parts, total, out);
  if (simd) return simd;
  const res = out ?? new Float32Array(total);
  let off = 0;
  for (const p of parts) {
    if (off + p.length > total) break;
    bytesToUnit(p, res, off);
    off += p.length;
  }
  if (off !== total) throw new Error(`unitBytes: parts hold ${parts.reduce((a, p) => a + p.length, 0)} bytes, expected ${total}`);
  return res;
}

/** The JavaScript path of rawImagesToBatch (sizes already checked): byte order kept, or HWC → CHW. */
function unitLoop(images: readonly RawImage[], toChw: boolean, out: Float32Array): Float32Array {
  const { width: w, height: h, channels: c } = images[0];
  const per = w * h * c;
  for (let n = 0; n < images.length; n++) {
    const base = n * per;
    const src = images[n].data;
    if (!toChw) {
      bytesToUnit(src, out, base);
    } else {
      const plane = h * w;
      for (let p = 0; p < plane; p++) {
        for (let ch = 0; ch < c; ch++) out[base + ch * plane + p] = UNIT[src[p * c + ch]];
      }
    }
  }
  return out;
}

/**
 * Inverse of rawImagesToBatch: a [0, 1] image batch back to uint8 HWC images, each value clamped to
 * [0, 1] and rounded to the nearest of the 256 levels (so rawImagesToBatch ∘ batchToRawImages is exact).
 */
export function batchToRawImages(batch: Batch, layout: Layout): RawImage[] {
  const lay = imageLayout(layout);
  if (batch.shape.length !== 4) throw new Error(`batchToRawImages needs a 4-d batch, got shape [${batch.shape.join(', ')}]`);
  const [n, a, b, d] = batch.shape;
  const [h, w, c] = lay === 'NHWC' ? [a, b, d] : [b, d, a];
  const per = h * w * c;
  const plane = h * w;
  const images: RawImage[] = [];
  for (let i = 0; i < n; i++) {
    const data = new Uint8Array(per);
    const base = i * per;
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < c; ch++) {
        const v = lay === 'NHWC' ? batch.data[base + p * c + ch] : batch.data[base + ch * plane + p];
        data[p * c + ch] = Math.round(Math.min(1, Math.max(0, v)) * 255);
      }
    }
    images.push({ data, width: w, height: h, channels: c });
  }
  return images;
}

/** Reorder a batch between NCHW and NHWC (a copy; values unchanged). */
export function convertLayout(batch: Batch, from: ImageLayout, to: ImageLayout): Batch {
  if (from === to) return { data: batch.data.slice(), shape: batch.shape.slice() };
  if (batch.shape.length !== 4) throw new Error(`convertLayout needs a 4-d batch, got shape [${batch.shape.join(', ')}]`);
  const [n, a, b, d] = batch.shape;
  const [h, w, c] = from === 'NHWC' ? [a, b, d] : [b, d, a];
  const plane = h * w;
  const per = plane * c;
  const out = new Float32Array(batch.data.length);
  for (let i = 0; i < n; i++) {
    const base = i * per;
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < c; ch++) {
        const hwc = base + p * c + ch;
        const chw = base + ch * plane + p;
        if (from === 'NHWC') out[chw] = batch.data[hwc];
        else out[hwc] = batch.data[chw];
      }
    }
  }
  return { data: out, shape: to === 'NHWC' ? [n, h, w, c] : [n, c, h, w] };
}
