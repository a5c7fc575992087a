import sharp from 'sharp';
import { pilBoxResize, pilNearestResize } from './kernels/resize.js';
import type { CorruptionFn, Rgb8 } from './types.js';
import { jpegRoundTripWasm } from './wasm/jpeg-loader.js';

/**
 * imagecorruptions pixelate: PIL resize to (int(W·c), int(H·c)) with BOX, then back with NEAREST.
 * CIFAR-10-C resizes back with BOX instead.
 */
export const pixelate: CorruptionFn = (img, s, { params, parameterSet }) => {
  const c = params.pixelate[s - 1];
  const { width: w, height: h } = img;
  if (w === 0 || h === 0) return new Uint8Array(0); // an empty image stays empty (no 0-pixel resize)
  const sw = Math.max(1, Math.trunc(w * c));
  const sh = Math.max(1, Math.trunc(h * c));
  const small = pilBoxResize(img.data, h, w, 3, sh, sw);
  return parameterSet === 'cifar' ? pilBoxResize(small, sh, sw, 3, h, w) : pilNearestResize(small, sh, sw, 3, h, w);
};

/**
 * imagecorruptions jpeg_compression: encode at quality c and decode. The reference uses PIL (libjpeg-turbo,
 * 4:2:0 chroma subsampling, standard quantisation tables scaled by quality); sharp's encoder is set to the
 * same: baseline, 4:2:0, Annex-K tables (quantisationTable 0), no trellis quantisation, no optimised scans.
 * Sharp's encode + decode is bit-identical to Pillow's on the golden images.
 */
export async function jpegCompressionSharp(img: Rgb8, quality: number): Promise<Uint8Array> {
  if (img.width === 0 || img.height === 0) return new Uint8Array(0); // the codec cannot encode an empty image
  const encoded = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: 3 },
  })
    .jpeg({
      quality,
      chromaSubsampling: '4:2:0',
      quantisationTable: 0,
      trellisQuantisation: false,
      overshootDeringing: false,
      optimiseScans: false,
      optimiseCoding: false,
      progressive: false,
      mozjpeg: false,
    })
    .toBuffer();
  const { data, info } = await sharp(encoded).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`jpeg_compression: decoded ${info.channels} channels, expected 3`);
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/**
 * jpeg_compression, simulated: Huffman coding is lossless, so decode(encode(x)) depends only on the codec's
 * lossy integer stages, and wasm/src/jpeg.ts runs exactly those of libjpeg-turbo at Pillow's defaults (RGB →
 * YCbCr, edge expansion and h2v2 downsampling, islow forward DCT, reciprocal quantisation of the quality-scaled
 * Annex-K tables, dequantisation, islow inverse DCT, h2v2 fancy upsampling, YCbCr → RGB): the same bytes as
 * sharp's encode + decode (test/corruptions/jpeg-sim.test.ts compares both on the golden images at every quality
 * and on 1782 random and structured images of 66 sizes), without the codec's per-call overhead: 3.3 → 0.66 ms
 * per 224×224 image. Baseline 4:2:0 islow with fancy upsampling are libjpeg-turbo's defaults (see wasm/src/jpeg.ts
 * for the stages). Sharp remains the fallback and the oracle: setWasmKernels(false), no WebAssembly, or an image
 * beyond the memory cap.
 */
export async function jpegCompression(img: Rgb8, quality: number): Promise<Uint8Array> {
  if (img.width === 0 || img.height === 0) return new Uint8Array(0); // an empty image stays empty
  return jpegRoundTripWasm(img.data, img.width, img.height, quality) ?? jpegCompressionSharp(img, quality);
}
