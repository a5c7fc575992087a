import { growMemory, instantiateBase64 } from '../../../src/wasm-instance.js';
import { JPEG_WASM_BASE64 } from './jpeg.generated.js';
import { WASM_MAX_BYTES, wasmKernels } from './loader.js';

/**
 * jpeg_compression's round trip simulated without entropy coding (src/jpeg.ts: libjpeg-turbo's lossy integer
 * stages at Pillow's defaults), a module apart with its own memory. `jpegRoundTripWasm` returns null when sharp
 * must run instead: WebAssembly switched off with setWasmKernels(false) or unavailable (the same switch as the
 * other kernels), or an image beyond the memory cap.
 *
 * Memory: [quantisation tables (2 × 64 i32) | src | dst (+ 32 bytes) | scratch].
 */
interface JpegExports {
  memory: WebAssembly.Memory;
  scratchBytes(w: number, h: number): number;
  jpegRoundTrip(src: number, dst: number, w: number, h: number, qt: number, work: number): void;
}

/** Kernel runs so far: how tests see that jpeg_compression really ran here, not through sharp. */
export const jpegWasmRuns = { count: 0 };

/** ITU-T T.81 Annex K tables (natural order), the libjpeg defaults: luminance, then chrominance. */
const ANNEX_K_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68,
  109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const ANNEX_K_CHROMA = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/**
 * The two tables at `quality` as jpeg_set_quality(cinfo, quality, TRUE) builds them (jcparam.c): quality clamped
 * to 1..100, scale 5000/q below 50 and 200 − 2q from 50, each entry (basic·scale + 50)/100 clamped to 1..255
 * (baseline). Integer arithmetic throughout, as in C.
 */
export function jpegQuantTables(quality: number): Int32Array {
  let q = Math.trunc(quality);
  if (q <= 0) q = 1;
  if (q > 100) q = 100;
  const scale = q < 50 ? Math.trunc(5000 / q) : 200 - q * 2;
  const out = new Int32Array(128);
  const basic = [...ANNEX_K_LUMA, ...ANNEX_K_CHROMA];
  for (let i = 0; i < 128; i++) {
    const v = Math.trunc((basic[i] * scale + 50) / 100);
    out[i] = v < 1 ? 1 : v > 255 ? 255 : v;
  }
  return out;
}

const QT = 0;
const SRC = 512;

let instance: JpegExports | null | undefined;
const tables = new Map<number, Int32Array>();

function kernels(): JpegExports | null {
  if (wasmKernels() === null) return null; // switched off (or no WebAssembly SIMD): sharp encodes and decodes
  if (instance === undefined) instance = instantiateBase64<JpegExports>(JPEG_WASM_BASE64); // null is cached too
  return instance;
}


/** decode(encode(rgb)) of a w×h RGB image (w, h ≥ 1) at `quality`, as libjpeg-turbo computes it; null: use sharp. */
export function jpegRoundTripWasm(rgb: Uint8Array, w: number, h: number, quality: number): Uint8Array | null {
  const k = kernels();
  if (!k) return null;
  const n = w * h * 3;
  const dst = SRC + Math.ceil(n / 16) * 16;
  const work = dst + Math.ceil((n + 32) / 16) * 16; // the kernel writes whole 8-pixel groups: 32 bytes of slack
  if (!growMemory(k.memory, work + k.scratchBytes(w, h), WASM_MAX_BYTES)) return null; // too large: sharp
  let qt = tables.get(quality);
  if (!qt) {
    qt = jpegQuantTables(quality);
    tables.set(quality, qt);
  }
  new Int32Array(k.memory.buffer, QT, 128).set(qt);
  new Uint8Array(k.memory.buffer, SRC, n).set(rgb.subarray(0, n));
  k.jpegRoundTrip(SRC, dst, w, h, QT, work);
  jpegWasmRuns.count++;
  return new Uint8Array(k.memory.buffer, dst, n).slice();
}
