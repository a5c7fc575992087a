/**
 * uint8 pixels → float32 v / 255 with WebAssembly SIMD, eight bytes per step.
 *
 * Why hand-written: onnxruntime-node runs inference synchronously on the JavaScript thread, so
 * decoding a batch cannot overlap inference and every millisecond of it shows in the clean-pass
 * throughput. The decoding table of BENCHMARKS.md (performance section) times this module against the
 * best plain-JavaScript loop (an unrolled table lookup, convert.ts) on the 1000 fixture images: less than
 * half the time, and less again into a reused buffer. No npm package does this one conversion, and the
 * module is 120 bytes, assembled below opcode by opcode.
 *
 * Exactness: f32x4.div gives the correctly rounded float32 of v / 255, which is Math.fround(v / 255)
 * for every byte (v / 255 has a period-8 binary expansion, so rounding through float64 first never
 * lands on a float32 midpoint). The 256 values are checked once when the module is instantiated;
 * any mismatch, or a runtime without WebAssembly SIMD, and callers fall back to the JavaScript loop.
 */

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const simd = (op: number): number[] => [0xfd, ...leb(op)];

// (func (export "conv") (param $src i32) (param $dst i32) (param $n i32) ...): dst[i] = f32(src[i]) / 255
// for i < n, n a multiple of 8. Locals: 3 = i (i32), 4 = 255.0 splat (v128), 5 = eight bytes (v128).
// The widened bytes (0…255) convert as signed i32, the same values: x64 has a single instruction for
// that, while the unsigned conversion is emulated in several.
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_SHL = 0x74;
const I32_GE_U = 0x4f;
const BODY = [
  ...vec([
    [1, 0x7f],
    [2, 0x7b],
  ]),
  0x43, ...new Uint8Array(new Float32Array([255]).buffer), ...simd(0x13), LOCAL_SET, 4, // f32x4.splat(255)
  0x02, 0x40, // block
  0x03, 0x40, // loop
  LOCAL_GET, 3, LOCAL_GET, 2, I32_GE_U, 0x0d, 1, // br_if out when i >= n
  LOCAL_GET, 0, LOCAL_GET, 3, I32_ADD, ...simd(0x02), 0x00, 0x00, LOCAL_SET, 5, // v128.load8x8_u
  LOCAL_GET, 1, LOCAL_GET, 3, I32_CONST, 2, I32_SHL, I32_ADD, // dst + 4i
  LOCAL_GET, 5, ...simd(0xa9), ...simd(0xfa), LOCAL_GET, 4, ...simd(0xe7), // extend_low_u, convert_s, div
  ...simd(0x0b), 0x04, 0x00, // v128.store offset 0
  LOCAL_GET, 1, LOCAL_GET, 3, I32_CONST, 2, I32_SHL, I32_ADD,
  LOCAL_GET, 5, ...simd(0xaa), ...simd(0xfa), LOCAL_GET, 4, ...simd(0xe7), // extend_high_u, convert_s, div
  ...simd(0x0b), 0x04, 0x10, // v128.store offset 16
  LOCAL_GET, 3, I32_CONST, 8, I32_ADD, LOCAL_SET, 3, // i += 8
  0x0c, 0, // br loop
  0x0b, 0x0b, 0x0b, // end loop, block, func
];
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...section(1, vec([[0x60, ...vec([[0x7f], [0x7f], [0x7f]]), ...vec([])]])), // type (i32 i32 i32) → ()
  ...section(3, vec([[0]])), // one function of type 0
  ...section(5, vec([[0x00, ...leb(1)]])), // memory, 1 page, growable
  ...section(7, vec([[...name('conv'), 0x00, 0], [...name('mem'), 0x02, 0]])),
  ...section(10, vec([[...leb(BODY.length), ...BODY]])),
]);

interface Kernel {
  conv(src: number, dst: number, n: number): void;
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
}

function newKernel(module: WebAssembly.Module): Kernel {
  const instance = new WebAssembly.Instance(module);
  return { conv: instance.exports.conv as Kernel['conv'], memory: instance.exports.mem as WebAssembly.Memory, module };
}

function instantiate(): Kernel | null {
  try {
    if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(MODULE)) return null;
    const kernel = newKernel(new WebAssembly.Module(MODULE));
    const bytes = new Uint8Array(kernel.memory.buffer, 0, 256);
    for (let v = 0; v < 256; v++) bytes[v] = v;
    kernel.conv(0, 256, 256);
    const out = new Float32Array(kernel.memory.buffer, 256, 256);
    for (let v = 0; v < 256; v++) if (out[v] !== Math.fround(v / 255)) return null;
    return kernel;
  } catch {
    return null;
  }
}

let kernel: Kernel | null | undefined;

/** Whether the SIMD path is in use on this runtime (false → callers use the JavaScript loop). */
export function simdUnitAvailable(): boolean {
  kernel ??= instantiate();
  return kernel !== null;
}

/**
 * Largest conversion done here (values). WebAssembly memory never shrinks, so the module keeps what the
 * largest batch needed: 4M values hold it to 20 MB. Batches beyond that are large images, whose models
 * take far longer than any decoding, so the JavaScript loop is fine for them.
 */
export const SIMD_UNIT_MAX_VALUES = 4 << 20;

/**
 * The bytes of `parts`, concatenated, as float32 v / 255 (a new array of `total` values, or written
 * into `out`, which must hold exactly `total`), or null when WebAssembly SIMD is unavailable or `total`
 * exceeds SIMD_UNIT_MAX_VALUES. `total` must equal the parts' summed length.
 */
export function unitFloatsSimd(parts: readonly Uint8Array[], total: number, out?: Float32Array): Float32Array | null {
  if (total > SIMD_UNIT_MAX_VALUES) return null;
  kernel ??= instantiate();
  if (!kernel) return null;
  const padded = (total + 7) & ~7;
  const dst = padded; // bytes first, then floats, both 8-aligned (16-byte aligned floats are not required)
  const need = dst + padded * 4;
  const have = kernel.memory.buffer.byteLength;
  if (need > have) kernel.memory.grow(Math.ceil((need - have) / 65536));
  convertInto(kernel, parts, total, dst);
  const floats = new Float32Array(kernel.memory.buffer, dst, total);
  if (!out) return floats.slice();
  out.set(floats);
  return out;
}

/** Copies `parts` (total bytes) to the start of the kernel's memory and converts them to floats at `dst`. */
function convertInto(kernel: Kernel, parts: readonly Uint8Array[], total: number, dst: number): void {
  const padded = (total + 7) & ~7;
  const bytes = new Uint8Array(kernel.memory.buffer, 0, padded);
  let off = 0;
  // Parts that follow each other in one buffer (images cut from one file chunk) are copied in one go.
  for (let i = 0; i < parts.length; ) {
    const first = parts[i];
    let len = first.length;
    let j = i + 1;
    while (j < parts.length && parts[j].buffer === first.buffer && parts[j].byteOffset === first.byteOffset + len) len += parts[j++].length;
    bytes.set(j === i + 1 ? first : new Uint8Array(first.buffer, first.byteOffset, len), off);
    off += len;
    i = j;
  }
  if (off !== total) throw new Error(`unitFloatsSimd: parts hold ${off} bytes, expected ${total}`);
  kernel.conv(0, dst, padded);
}

/** Output buffers inside a private WebAssembly memory, and a byte area for input (see unitSimdSlots). */
export interface UnitSimdSlots {
  /**
   * Bytes for the caller to fill (file reads): parts that are views of it convert where they are,
   * without the copy into the kernel's memory that other bytes need.
   */
  readonly scratch: Uint8Array;
  /**
   * float32 v / 255 of the bytes of `parts`, concatenated (`total` of them, at most the capacity), in
   * buffer `slot`: a view of this object's memory, overwritten by the next conversion into that slot.
   */
  convert(parts: readonly Uint8Array[], total: number, slot: number): Float32Array;
  /**
   * Hands the memory back for the next unitSimdSlots call; this object and every view it gave out
   * must not be used after. A pass that ends releases its slots: a WebAssembly memory reserves address
   * space and V8 answers each fresh one with a full garbage collection (seen with node --trace-gc on
   * the performance bench: a Mark-Compact per audit with a fresh memory per pass, none with reuse).
   */
  release(): void;
}

/** Memory of at most this many bytes is kept for reuse after release (larger ones are left to the GC). */
const POOL_MAX_BYTES = 16 << 20;
/** The one kernel instance kept between passes (see UnitSimdSlots.release). */
let spare: Kernel | null = null;

const pad8 = (n: number) => (n + 7) & ~7;

/** Largest scratch area of unitSimdSlots: an IDX read chunk (idxReadSettings.chunkBytes) and a batch. */
export const SIMD_SCRATCH_MAX_BYTES = 64 << 20;

/**
 * `count` output buffers of `capacity` values each, for a consumer that takes batches in turn
 * (BatchOptions.transient): the kernel writes each batch straight into its buffer, where
 * unitFloatsSimd(…, out) converts in the shared memory and then copies the floats out (a 31 MB copy per
 * 10,000 Fashion-MNIST images), and reads bytes the caller put in `scratch` (`scratchBytes` long) in
 * place. The memory is private and sized once, so it never grows (growth would detach the views handed
 * out) and is freed with this object. Null when WebAssembly SIMD is unavailable, the buffers would
 * exceed SIMD_UNIT_MAX_VALUES values in all or the scratch area SIMD_SCRATCH_MAX_BYTES.
 */
export function unitSimdSlots(capacity: number, count: number, scratchBytes = 0): UnitSimdSlots | null {
  if (capacity <= 0 || capacity * count > SIMD_UNIT_MAX_VALUES || scratchBytes > SIMD_SCRATCH_MAX_BYTES) return null;
  kernel ??= instantiate();
  if (!kernel) return null;
  const own = spare ?? newKernel(kernel.module);
  spare = null;
  // Layout: staging for other bytes | scratch | slots. The kernel converts eight values per step, so
  // it reads up to 7 bytes past a part and writes up to 7 floats past it: each area has that slack,
  // and parts of one batch are converted in order, each overwriting the previous one's overrun.
  const staging = pad8(capacity) + 8;
  const scratchAt = staging;
  const slotsAt = scratchAt + pad8(scratchBytes) + 8;
  const slotBytes = (pad8(capacity) + 8) * 4;
  const need = slotsAt + count * slotBytes;
  const have = own.memory.buffer.byteLength;
  if (need > have) own.memory.grow(Math.ceil((need - have) / 65536));
  const memory = own.memory.buffer;
  const stagingView = new Uint8Array(memory, 0, staging);
  const scratch = new Uint8Array(memory, scratchAt, scratchBytes);
  const scratchEnd = scratchAt + scratchBytes;
  let released = false;
  return {
    scratch,
    convert(parts, total, slot) {
      if (released) throw new Error('unitSimdSlots: used after release()');
      if (total > capacity) throw new Error(`unitSimdSlots: ${total} values exceed the capacity of ${capacity}`);
      if (!(slot >= 0 && slot < count)) throw new Error(`unitSimdSlots: no slot ${slot} of ${count}`);
      const dst = slotsAt + slot * slotBytes;
      const inScratch = (p: Uint8Array) => p.buffer === memory && p.byteOffset >= scratchAt && p.byteOffset + p.length <= scratchEnd;
      let off = 0;
      let i = 0;
      while (i < parts.length && off + parts[i].length <= total) {
        if (inScratch(parts[i])) {
          own.conv(parts[i].byteOffset, dst + off * 4, pad8(parts[i].length));
          off += parts[i++].length;
          continue;
        }
        // Bytes from elsewhere: this and the following such parts are copied to staging and converted together.
        let len = 0;
        for (; i < parts.length && !inScratch(parts[i]) && off + len + parts[i].length <= total; i++) {
          stagingView.set(parts[i], len);
          len += parts[i].length;
        }
        own.conv(0, dst + off * 4, pad8(len));
        off += len;
      }
      if (off !== total || i !== parts.length) {
        throw new Error(`unitSimdSlots: parts hold ${parts.reduce((a, p) => a + p.length, 0)} bytes, expected ${total}`);
      }
      return new Float32Array(memory, dst, total);
    },
    release() {
      if (released) return;
      released = true;
      if (own.memory.buffer.byteLength <= POOL_MAX_BYTES) spare = own;
    },
  };
}
