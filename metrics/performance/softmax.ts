/**
 * The top-1 softmax probability of each row of logits (the confidence that calibration bins), with
 * its own exponential: one formula that WebAssembly SIMD evaluates two lanes at a time
 * (wasm/src/softmax.ts) and JavaScript one value at a time (here, the fallback and the reference), so
 * both paths give the same bytes. Why not Math.exp: 10,000 samples × 10 classes took 1.9 ms with it,
 * most of what the performance probe computes after inference on the inference thread; the SIMD
 * kernel takes about half of that (1.0 ms, copies in and out included; BENCHMARKS.md, performance section). The formula is within 1 ulp of Math.exp on [−708, 0]
 * (test/performance/softmax.test.ts), so confidences differ from a Math.exp softmax by a few ulps.
 */
import { growMemory, instantiateBase64 } from '../../src/wasm-instance.js';
import { SOFTMAX_WASM_BASE64 } from './wasm/softmax.generated.js';

// Cody–Waite reduction by ln 2 (fdlibm's split: k·LN2_HI is exact), k = x/ln2 rounded half to even by
// adding and subtracting 1.5·2^52, then the degree-13 Taylor polynomial of exp on |r| ≤ ln2/2 (its
// remainder, r^14/14! < 5e-18, is far below an ulp), then ·2^k. Below −708, 2^k would leave the normal
// range: the result is 0 there (a softmax term that small cannot change a sum that holds a 1).
const INV_LN2 = 1.4426950408889634;
const LN2_HI = 6.9314718036912382e-1;
const LN2_LO = 1.9082149292705877e-10;
const ROUND = 6755399441055744; // 1.5 · 2^52
const UNDER = -708;
const C13 = 1 / 6227020800;
const C12 = 1 / 479001600;
const C11 = 1 / 39916800;
const C10 = 1 / 3628800;
const C9 = 1 / 362880;
const C8 = 1 / 40320;
const C7 = 1 / 5040;
const C6 = 1 / 720;
const C5 = 1 / 120;
const C4 = 1 / 24;
const C3 = 1 / 6;
const C2 = 0.5;

const scaleF64 = new Float64Array(1);
const scaleHi = new Int32Array(scaleF64.buffer, 4, 1); // little-endian: the high word (sign, exponent)

/** exp(x) for x ≤ 0, the same arithmetic as the WebAssembly kernel: NaN → NaN, below −708 (and −∞) → 0. */
export function expNonPositive(x: number): number {
  const t = x * INV_LN2 + ROUND;
  const k = t - ROUND;
  const r = x - k * LN2_HI - k * LN2_LO;
  let p = C13;
  p = p * r + C12;
  p = p * r + C11;
  p = p * r + C10;
  p = p * r + C9;
  p = p * r + C8;
  p = p * r + C7;
  p = p * r + C6;
  p = p * r + C5;
  p = p * r + C4;
  p = p * r + C3;
  p = p * r + C2;
  p = p * r + 1;
  p = p * r + 1;
  scaleHi[0] = (k + 1023) << 20; // 2^k (k is an integer in −1021 … 0 here)
  const e = p * scaleF64[0];
  return x < UNDER ? 0 : e;
}

/**
 * conf[i] = exp(z[i, p] − m) / Σ_j exp(z[i, j] − m), p = preds[i] (0 when p is not a class), m the row's
 * maximum (NaN when the row holds NaN, so the confidence is NaN). The sum adds even and odd j apart and
 * then the two, then the last term of an odd row: the order of the kernel's two lanes.
 */
export function topConfidenceJs(logits: Float32Array, preds: Int32Array, numClasses: number): Float64Array {
  const C = numClasses;
  const n = preds.length;
  const conf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * C;
    let m = logits[row];
    for (let j = 1; j < C; j++) {
      const v = logits[row + j];
      if (v > m || v !== v) m = v;
    }
    let even = 0;
    let odd = 0;
    for (let j = 0; j + 1 < C; j += 2) {
      even += expNonPositive(logits[row + j] - m);
      odd += expNonPositive(logits[row + j + 1] - m);
    }
    let s = even + odd;
    if (C & 1) s += expNonPositive(logits[row + C - 1] - m);
    const p = preds[i];
    conf[i] = (p >= 0 && p < C ? expNonPositive(logits[row + p] - m) : 0) / s;
  }
  return conf;
}

interface SoftmaxExports {
  memory: WebAssembly.Memory;
  topConfidence(z: number, preds: number, out: number, n: number, C: number): void;
}

let kernel: SoftmaxExports | null | undefined;
/** Tests switch the kernel off to compare both paths. */
export const softmaxSettings = { wasm: true };
/** Kernel calls so far: how tests see which path ran. */
export const softmaxWasmRuns = { count: 0 };

/** Rows per kernel call: the logits, predictions and confidences of a block stay within 4 MB of memory. */
const BLOCK_BYTES = 4 << 20;
const align16 = (n: number) => (n + 15) & ~15;

/** topConfidenceJs through the WebAssembly kernel: the same bytes; null when the kernel is unavailable or off. */
export function topConfidenceWasm(logits: Float32Array, preds: Int32Array, numClasses: number): Float64Array | null {
  if (!softmaxSettings.wasm || numClasses < 1) return null;
  if (kernel === undefined) kernel = instantiateBase64<SoftmaxExports>(SOFTMAX_WASM_BASE64); // null is kept too
  if (!kernel) return null;
  const n = preds.length;
  const C = numClasses;
  const block = Math.max(1, Math.min(n, Math.floor(BLOCK_BYTES / (C * 4 + 12))));
  const zAt = 0;
  const predsAt = align16(block * C * 4);
  const outAt = predsAt + align16(block * 4);
  // The kernel reads logits two at a time: 8 bytes of slack after the last row.
  if (!growMemory(kernel.memory, outAt + block * 8 + 16)) return null;
  const conf = new Float64Array(n);
  for (let s = 0; s < n; s += block) {
    const m = Math.min(block, n - s);
    const buffer = kernel.memory.buffer;
    new Float32Array(buffer, zAt, m * C).set(logits.subarray(s * C, (s + m) * C));
    new Int32Array(buffer, predsAt, m).set(preds.subarray(s, s + m));
    kernel.topConfidence(zAt, predsAt, outAt, m, C);
    conf.set(new Float64Array(buffer, outAt, m), s);
  }
  softmaxWasmRuns.count++;
  return conf;
}

/** The top-1 softmax probability per row of [N, C] logits (see topConfidenceJs), through the kernel when it can. */
export function topSoftmaxConfidence(logits: Float32Array, preds: Int32Array, numClasses: number): Float64Array {
  if (logits.length !== preds.length * numClasses) {
    throw new Error(`topSoftmaxConfidence: ${logits.length} logits are not ${preds.length} rows of ${numClasses}`);
  }
  return topConfidenceWasm(logits, preds, numClasses) ?? topConfidenceJs(logits, preds, numClasses);
}
