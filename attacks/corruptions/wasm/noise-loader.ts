import type { Rng } from '../../../src/random.js';
import { ZIGGURAT_TABLES } from '../kernels/normal.js';
import { growMemory, instantiateBase64 } from '../../../src/wasm-instance.js';
import { WASM_MAX_BYTES, wasmKernels, withRngState } from './loader.js';
import { NOISE_WASM_BASE64 } from './noise.generated.js';

/**
 * The random-draw corruption kernels (src/noise.ts: gaussian, speckle, impulse and shot noise, fog, and the
 * normal layers of snow and spatter), a module apart from the other kernels because it imports Math.exp and
 * Math.log (the ziggurat's rare draws must use JavaScript's own). Each function copies the Rng's state in, runs the kernel and hands the advanced state back,
 * so the Rng continues exactly as after the JavaScript loop. Each returns null when the JavaScript kernels must
 * run instead: WebAssembly switched off with setWasmKernels(false) or unavailable (the same switch as the
 * other kernels), or an image beyond the memory cap.
 *
 * Memory: [state (16 bytes) | unit table | ziggurat tables (10 KiB) | shot noise's tables, kept per rate | scratch].
 * Tables are written once: shot noise's are 0.3–1.5 MiB per severity, more than its 32×32 image costs to draw.
 */
interface NoiseExports {
  memory: WebAssembly.Memory;
  unitTable(table: number): void;
  gaussianNoise(src: number, dst: number, n: number, c: number, speckle: number, st: number, zig: number, z: number, unit: number): void;
  impulseNoise(src: number, dst: number, n: number, c: number, st: number): void;
  shotNoise(src: number, dst: number, n: number, st: number, cdf: number, start: number, guide: number, pairs: number, value: number): void;
  fog(src: number, dst: number, w: number, h: number, m: number, size: number, scale: number, decay: number, st: number, unit: number): void;
  normalFill(dst: number, n: number, loc: number, scale: number, st: number, zig: number): void;
  initRaw(tab: number, buf: number): void;
}

/** Elements per block of the two-pass kernels (BLOCK in src/noise.ts). */
const BLOCK = 2048;
const ST = 0;
const UNIT = 16;
const ZIG = UNIT + 2048;
const ZIG_BYTES = 10 * 1024;
/** The SIMD generator's jump table (8 KiB) and output buffer (16 KiB): src/noise.ts initRaw. */
const JUMP = ZIG + ZIG_BYTES;
const RAW_BUF = JUMP + 8192;
const TABLES = RAW_BUF + 16384;
/** Shot noise's tables are dropped (and rewritten on demand) past this size; the two parameter sets need ~4 MiB. */
const TABLES_MAX = 16 << 20;

/** Kernel runs so far: how tests see that a corruption really ran here, not its JavaScript fallback. */
export const noiseWasmRuns = { count: 0 };

/** Shot noise's tables as ../../noise.ts builds them; `valueU8` is its value table as uint8 (the store's truncation). */
export interface ShotTables {
  cdf: Float64Array;
  start: Int32Array;
  guide: Int32Array;
  valueU8: Uint8Array;
}

let instance: NoiseExports | null | undefined;
/** Byte offsets of the shot-noise tables already in memory, per table object; `tablesEnd` is where the next goes. */
let resident = new Map<ShotTables, { cdf: number; start: number; guide: number; pairs: number; value: number }>();
let tablesEnd = TABLES;

function instantiate(): NoiseExports | null {
  // The ziggurat's rare draws call JavaScript's own exp and log (one libm for both paths).
  const ex = instantiateBase64<NoiseExports>(NOISE_WASM_BASE64, { Math: { exp: Math.exp, log: Math.log } });
  if (!ex) return null;
  try {
    if (!growMemory(ex.memory, TABLES, WASM_MAX_BYTES)) return null;
    ex.unitTable(UNIT);
    ex.initRaw(JUMP, RAW_BUF);
    const { kn, wn, fn } = ZIGGURAT_TABLES;
    const zig = new Float64Array(ex.memory.buffer, ZIG, ZIG_BYTES / 8);
    zig.set(kn, 0);
    zig.set(wn, 128);
    zig.set(fn, 256);
    // indexed by a draw's low 8 bits (layer, sign): kn, and wn negated for the negative half (src/noise.ts)
    for (let j = 0; j < 256; j++) {
      zig[384 + j] = kn[j & 127];
      zig[640 + j] = j & 128 ? -wn[j & 127] : wn[j & 127];
    }
    // KI: ceil(kn) as int32 per low byte (mag < kn ⇔ mag < ceil(kn) for the integer mag < 2²⁴)
    const ki = new Int32Array(ex.memory.buffer, ZIG + 7168, 256);
    for (let j = 0; j < 256; j++) ki[j] = Math.min(Math.ceil(kn[j & 127]), 2 ** 24);
    // EXP: exp(−j/32) for the wedge test's bound (src/noise.ts belowExp)
    const expTable = new Float64Array(ex.memory.buffer, ZIG + 8192, 193);
    for (let j = 0; j <= 192; j++) expTable[j] = Math.exp(-j / 32);
    return ex;
  } catch {
    return null;
  }
}


function kernels(): NoiseExports | null {
  if (wasmKernels() === null) return null; // switched off (or no WebAssembly SIMD): every kernel takes its JavaScript path
  if (instance === undefined) instance = instantiate(); // null (cannot run here) is cached too
  return instance;
}

/** Scratch offsets after the resident tables for buffers of the given byte sizes (16-byte aligned), or null. */
function scratch(k: NoiseExports, sizes: number[]): number[] | null {
  const offsets: number[] = [];
  let end = tablesEnd;
  for (const s of sizes) {
    offsets.push(end);
    end += Math.ceil(s / 16) * 16;
  }
  return growMemory(k.memory, end, WASM_MAX_BYTES) ? offsets : null;
}

/**
 * withRngState (./loader.ts) at this module's ST, counting the kernel run when `body` returns. Exported for tests.
 */
export function withState(k: Pick<NoiseExports, 'memory'>, rng: Rng, body: () => void): void {
  withRngState(k, ST, rng, () => {
    body();
    noiseWasmRuns.count++;
  });
}

/** gaussian_noise (speckle false) or speckle_noise (true) of uint8 `src` with parameter c; null: use JavaScript. */
export function gaussianNoiseWasm(src: Uint8Array, c: number, speckle: boolean, rng: Rng): Uint8Array | null {
  const k = kernels();
  if (!k) return null;
  const n = src.length;
  const at = scratch(k, [n, n, BLOCK * 8 + 4096]); // values, then the (a, b) table of 256 byte values
  if (!at) return null;
  new Uint8Array(k.memory.buffer, at[0], n).set(src);
  withState(k, rng, () => k.gaussianNoise(at[0], at[1], n, c, speckle ? 1 : 0, ST, ZIG, at[2], UNIT));
  return new Uint8Array(k.memory.buffer, at[1], n).slice();
}

/** impulse_noise of `src` with amount c; null: use JavaScript. */
export function impulseNoiseWasm(src: Uint8Array, c: number, rng: Rng): Uint8Array | null {
  const k = kernels();
  if (!k) return null;
  const n = src.length;
  const at = scratch(k, [n, n]);
  if (!at) return null;
  new Uint8Array(k.memory.buffer, at[0], n).set(src);
  withState(k, rng, () => k.impulseNoise(at[0], at[1], n, c, ST));
  return new Uint8Array(k.memory.buffer, at[1], n).slice();
}

/** shot_noise of `src` with the inverse-CDF tables of its rate; null: use JavaScript. */
export function shotNoiseWasm(src: Uint8Array, tables: ShotTables, rng: Rng): Uint8Array | null {
  const k = kernels();
  if (!k || tables.guide.length !== 256 * 64) return null; // the kernel indexes 64 guide entries per level
  let t = resident.get(tables);
  if (!t) {
    const { cdf, start, guide, valueU8 } = tables;
    const sizes = [cdf.byteLength, start.byteLength, guide.byteLength, guide.length * 16, valueU8.byteLength];
    const bytes = sizes.reduce((a, s) => a + Math.ceil(s / 16) * 16, 0);
    if (tablesEnd + bytes > TABLES + TABLES_MAX) {
      resident = new Map(); // more rates than the parameter sets have: start over
      tablesEnd = TABLES;
    }
    const at = scratch(k, sizes);
    if (!at) return null;
    new Float64Array(k.memory.buffer, at[0], cdf.length).set(cdf);
    new Int32Array(k.memory.buffer, at[1], start.length).set(start);
    new Int32Array(k.memory.buffer, at[2], guide.length).set(guide);
    // per guide entry (level v, k = guide[·]): cdf_v[k] and cdf_v[k + 1], +∞ past the level's last entry
    // as int64 thresholds ceil(c·2⁵³) (2⁵³ + 1 for c ≥ 1, never reached): c ≤ u ⇔ threshold ≤ u·2⁵³, an integer
    const pairs = new Uint32Array(k.memory.buffer, at[3], guide.length * 4);
    const put = (at: number, c: number) => {
      const t = c >= 1 ? 2 ** 53 + 1 : Math.ceil(c * 2 ** 53);
      const hi = Math.floor(t / 2 ** 32);
      pairs[at] = t - hi * 2 ** 32;
      pairs[at + 1] = hi;
    };
    const levels = start.length;
    const guidePerLevel = guide.length / levels;
    for (let v = 0; v < levels; v++) {
      const end = v + 1 < levels ? start[v + 1] : cdf.length;
      for (let j = 0; j < guidePerLevel; j++) {
        const g = v * guidePerLevel + j;
        const at0 = start[v] + guide[g];
        put(4 * g, cdf[at0]);
        put(4 * g + 2, at0 + 1 < end ? cdf[at0 + 1] : Infinity);
      }
    }
    new Uint8Array(k.memory.buffer, at[4], valueU8.length).set(valueU8);
    t = { cdf: at[0], start: at[1], guide: at[2], pairs: at[3], value: at[4] };
    resident.set(tables, t);
    tablesEnd = at[4] + Math.ceil(valueU8.byteLength / 16) * 16;
  }
  const n = src.length;
  const at = scratch(k, [n, n]);
  if (!at) return null;
  new Uint8Array(k.memory.buffer, at[0], n).set(src);
  const r = t;
  withState(k, rng, () => k.shotNoise(at[0], at[1], n, ST, r.cdf, r.start, r.guide, r.pairs, r.value));
  return new Uint8Array(k.memory.buffer, at[1], n).slice();
}

/** fog of RGB `src` (h×w) with a size×size plasma map; null: use JavaScript. */
export function fogWasm(src: Uint8Array, w: number, h: number, size: number, scale: number, decay: number, rng: Rng): Uint8Array | null {
  const k = kernels();
  if (!k) return null;
  const n = src.length;
  // 8 bytes of slack after src and dst: the kernel loads and stores 8 bytes per pair of pixels
  const at = scratch(k, [n + 8, n + 8, size * size * 8]);
  if (!at) return null;
  new Uint8Array(k.memory.buffer, at[0], n).set(src);
  withState(k, rng, () => k.fog(at[0], at[1], w, h, at[2], size, scale, decay, ST, UNIT));
  return new Uint8Array(k.memory.buffer, at[1], n).slice();
}

/**
 * n draws loc + scale·z (z ziggurat normals, as a loop over zigguratNormal) in this module's memory: the returned
 * view is valid until the next call into this module (copy it out before). Null: use JavaScript (nothing drawn).
 */
export function normalsWasm(n: number, loc: number, scale: number, rng: Rng): Float64Array | null {
  const k = kernels();
  if (!k) return null;
  const at = scratch(k, [n * 8]);
  if (!at) return null;
  withState(k, rng, () => k.normalFill(at[0], n, loc, scale, ST, ZIG));
  return new Float64Array(k.memory.buffer, at[0], n);
}

/** out[i] = loc + scale·z for ziggurat normals z, as a loop over zigguratNormal; false: use JavaScript (nothing drawn). */
export function normalFillWasm(out: Float64Array, loc: number, scale: number, rng: Rng): boolean {
  const z = normalsWasm(out.length, loc, scale, rng);
  if (!z) return false;
  out.set(z);
  return true;
}
