import type { Rng } from '../../../src/random.js';
import { growMemory, instantiateBase64 } from '../../../src/wasm-instance.js';
import { KERNELS_WASM_BASE64 } from './kernels.generated.js';

/**
 * The WebAssembly SIMD corruption kernels (src/kernels.ts), instantiated once per thread (each pool worker
 * has its own), synchronously: the module is a few kilobytes. Callers lay their buffers out in its memory
 * with `layout` and fall back to the JavaScript kernels when `wasmKernels()` is null (no WebAssembly SIMD,
 * switched off with setWasmKernels(false), or an image too large for the memory cap).
 */
export interface KernelExports {
  u8ToUnitF64(src: number, dst: number, n: number, table: number): void;
  u8ToF64(src: number, dst: number, n: number): void;
  clipScaleU8(src: number, dst: number, n: number, hi: number, scale: number): void;
  roundF32(p: number, n: number): void;
  scaleToF32(src: number, dst: number, n: number, scale: number): void;
  zeroBelow(p: number, n: number, threshold: number): void;
  gaussY(src: number, dst: number, n: number, h: number, wts: number, r: number, rows: number): void;
  gaussX(src: number, dst: number, h: number, w: number, c: number, wts: number, r: number, cols: number, line: number): void;
  gaussYX(src: number, dst: number, h: number, w: number, c: number, wy: number, ry: number, rows: number, wx: number, rx: number, cols: number, tmp: number, line: number, f32: number): void;
  boxPass(src: number, dst: number, rows: number, perRow: number, inRow: number, outRow: number, inLine: number, outLine: number, stepIn: number, stepOut: number, outLen: number, start: number, count: number, k: number, maxCount: number): void;
  nearestResize(src: number, dst: number, outH: number, outW: number, c: number, ys: number, xs: number): void;
  frostBlend(src: number, tex: number, dst: number, n: number, a: number, b: number): void;
  rgbToRgbxF32(src: number, dst: number, npix: number, table: number): void;
  zoomSum(x: number, out: number, blended: number, h: number, w: number, layers: number, nLayers: number): void;
  zoomFinish(x: number, out: number, dst: number, npix: number, denom: number): void;
  defocusPad(src: number, plane: number, prefix: number, ph: number, pw: number, c: number, rowSrc: number, colSrc: number): void;
  defocusRuns(prefix: number, mid: number, mh: number, n: number, prefixRow: number, nRuns: number, lo: number, hi: number): void;
  defocusRowG(mid: number, tmp: number, rows: number, n: number, c: number, g: number, ks: number, dval: number): void;
  motionPad(src: number, padded: number, h: number, w: number, c: number, padL: number, padR: number): void;
  motionTaps(padded: number, out: number, h: number, n: number, pRow: number, taps: number, k: number, shiftY: number, offX: number, offs: number): void;
  initRaw(): void;
  glassMoves(x: number, h: number, w: number, delta: number, iterations: number, st: number): void;
  uniformFill(dst: number, n: number, lo: number, span: number, st: number): void;
  elasticSample(img: number, dx: number, dy: number, dst: number, h: number, w: number): void;
  resizeH(src: number, srcRow: number, rows: number, tmp: number, rw: number, c: number, xo: number, xw: number, taps: number): void;
  resizeV(tmp: number, out: number, rh: number, n: number, taps: number, rowOff: number, wts: number): void;
  snowFlakes(src: number, dst: number, rows: number, cols: number, ra: number, rb: number, fy: number, xa: number, xb: number, fx: number, j0: number, j1: number, blended: number, threshold: number): void;
  snowFinish(src: number, blurred: number, layer: number, dst: number, h: number, w: number, lw: number, keep: number, mix: number, table: number): void;
  spatterL8(liquid: number, l8: number, n: number): void;
  spatterEdgesDistance(l8: number, map: number, dist: number, h: number, w: number, lo: number, hi: number, tg22: number, pad: number, gx: number, gy: number, mag: number, stack: number, plane: number): void;
  spatterShade(dist: number, l8: number, m: number, h: number, w: number, plane: number, d8: number, eq: number, emb: number, pad: number, hist: number): number;
  spatterWaterBlend(src: number, m: number, dst: number, n: number, max: number, intensity: number, table: number): void;
  contrast(src: number, dst: number, npix: number, c: number, table: number): void;
  hsvAdjust(src: number, dst: number, n: number, adjustS: number, sMul: number, sAdd: number, adjustV: number, vAdd: number, table: number): void;
  defocusColG(tmp: number, plane: number, out: number, h: number, n: number, planeRow: number, g: number, ks: number, nRes: number, resV: number, resOff: number): void;
}

export interface WasmKernels extends KernelExports {
  memory: WebAssembly.Memory;
}

/**
 * Largest memory the kernels may use. WebAssembly memory never shrinks, so a thread keeps what its largest
 * image needed: 512 MiB holds defocus_blur's buffers (the most, ≈ 150 bytes per pixel) for a 3.5-megapixel
 * RGB image; larger images take the JavaScript kernels (same results).
 */
export const WASM_MAX_BYTES = 512 << 20;

let instance: WasmKernels | null | undefined;
let enabled = true;

/**
 * Bytes at the start of the memory that no layout uses: the SIMD generator's jump table (8 KiB) and output
 * buffer (16 KiB) of uniformFill (src/kernels.ts JUMP_TAB, RAW_BUF).
 */
export const LAYOUT_BASE = 24576;

function instantiate(): WasmKernels | null {
  const k = instantiateBase64<WasmKernels>(KERNELS_WASM_BASE64);
  if (!k) return null;
  if (!growMemory(k.memory, LAYOUT_BASE)) return null;
  k.initRaw(); // the generator's jump table, below LAYOUT_BASE
  return k;
}

/** The kernels, or null when the JavaScript kernels must be used. */
export function wasmKernels(): WasmKernels | null {
  if (!enabled) return null;
  if (instance === undefined) instance = instantiate(); // null (cannot run here) is cached too
  return instance;
}

/** Switch the WebAssembly kernels off (tests and benches compare both paths) or back on. */
export function setWasmKernels(on: boolean): void {
  enabled = on;
}

/** The offsets `layout` gives for `sizes` (each 16-byte aligned, from LAYOUT_BASE) and their end: the same on every call. */
export function layoutOffsets(sizes: number[]): { offsets: number[]; end: number } {
  const offsets: number[] = [];
  let end = LAYOUT_BASE;
  for (const s of sizes) {
    offsets.push(end);
    end += Math.ceil(s / 16) * 16; // not `(s + 15) & ~15`: 32-bit integer ops wrap for sizes ≥ 2 GiB
  }
  return { offsets, end };
}

/** Successful layouts so far: how tests see that a corruption really ran a kernel, not its JavaScript fallback. */
export const wasmLayouts = { count: 0 };

/**
 * Byte offsets for buffers of the given byte sizes, each 16-byte aligned, from LAYOUT_BASE in the kernels'
 * memory (grown as needed). Returns null if the total exceeds WASM_MAX_BYTES or the memory cannot grow. Every call starts from
 * LAYOUT_BASE: a caller owns the whole memory until it returns (corruptions run synchronously, one at a time
 * per thread).
 */
export function layout(k: WasmKernels, sizes: number[]): number[] | null {
  const { offsets, end } = layoutOffsets(sizes);
  if (end > WASM_MAX_BYTES) return null;
  if (!growMemory(k.memory, end)) return null; // the engine refused the memory: the JavaScript kernels need less at once
  wasmLayouts.count++;
  return offsets;
}

/**
 * Run `body` with `rng`'s 128-bit state at byte offset `st` (16 bytes) of the kernels' memory, where the kernels
 * that draw (glassMoves, uniformFill) continue the stream; the advanced state goes back into `rng`, which then
 * continues exactly as after the JavaScript loops.
 */
export function withRngState(k: Pick<WasmKernels, 'memory'>, st: number, rng: Rng, body: () => void): void {
  rng.saveState(new Int32Array(k.memory.buffer, st, 4));
  try {
    body();
  } finally {
    rng.loadState(new Int32Array(k.memory.buffer, st, 4)); // also when body throws: the draws made so far count
  }
}
