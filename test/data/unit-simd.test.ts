import { describe, expect, test } from 'vitest';
import { bytesToUnit, rawImagesToBatch } from '../../src/data/convert.js';
import { SIMD_UNIT_MAX_VALUES, simdUnitAvailable, unitFloatsSimd, unitSimdSlots } from '../../src/data/unit-simd.js';
import { Rng } from '../../src/random.js';

function randomBytes(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rng.next() * 256));
}

function jsUnit(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}

/** The parts' bytes end to end: what the converters must read. */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  return all;
}

describe('uint8 → float32 v/255 with WebAssembly SIMD', () => {
  test('is available on Node 20 (so the fast path is what the benchmarks measure)', () => {
    expect(simdUnitAvailable()).toBe(true);
  });

  test('equals v / 255 rounded to float32 for every byte value, and the unrolled JavaScript loop', () => {
    const all = Uint8Array.from({ length: 256 }, (_, v) => v);
    const simd = unitFloatsSimd([all], 256)!;
    for (let v = 0; v < 256; v++) expect(simd[v]).toBe(Math.fround(v / 255));
    const js = new Float32Array(256);
    bytesToUnit(all, js);
    expect(Array.from(simd)).toEqual(Array.from(js));
  });

  test('concatenates parts of any length (not multiples of 8), across memory growth, without stale values', () => {
    const parts = [randomBytes(13, 1), randomBytes(784, 2), randomBytes(1, 3), randomBytes(3 * 1000, 4)];
    const all = concat(parts);
    const total = all.length;
    expect(Array.from(unitFloatsSimd(parts, total)!)).toEqual(Array.from(jsUnit(all)));
    // A larger call grows the memory; a smaller one after it must not see the larger one's tail.
    const big = randomBytes(300_000, 5);
    expect(Array.from(unitFloatsSimd([big], big.length)!.subarray(299_990))).toEqual(Array.from(jsUnit(big).subarray(299_990)));
    const small = randomBytes(9, 6);
    const out = unitFloatsSimd([small], 9)!;
    expect(out.length).toBe(9);
    expect(Array.from(out)).toEqual(Array.from(jsUnit(small)));
  });

  test('returns an independent array each call', () => {
    const a = unitFloatsSimd([Uint8Array.of(255, 0)], 2)!;
    unitFloatsSimd([Uint8Array.of(0, 255)], 2);
    expect(Array.from(a)).toEqual([1, 0]);
  });

  test('declines batches over the memory cap and a length mismatch is an error', () => {
    expect(unitFloatsSimd([], SIMD_UNIT_MAX_VALUES + 1)).toBeNull();
    expect(() => unitFloatsSimd([new Uint8Array(4)], 5)).toThrow(/expected 5/);
  });

  test('rawImagesToBatch gives the same floats through the SIMD and the JavaScript paths, in both layouts', () => {
    const images = [0, 1, 2].map((k) => ({ data: randomBytes(4 * 5 * 3, 10 + k), width: 5, height: 4, channels: 3 }));
    const nhwc = rawImagesToBatch(images, 'NHWC');
    const expected = new Float32Array(3 * 60);
    images.forEach((im, k) => bytesToUnit(im.data, expected, k * 60));
    expect(Array.from(nhwc.data)).toEqual(Array.from(expected));
    expect(nhwc.shape).toEqual([3, 4, 5, 3]);
    const nchw = rawImagesToBatch(images, 'NCHW'); // channel-first: the transposing JavaScript path
    expect(nchw.data[1 * 60 + 2 * 20 + 7]).toBe(Math.fround(images[1].data[7 * 3 + 2] / 255));
    const gray = [{ data: randomBytes(16, 20), width: 4, height: 4, channels: 1 }];
    expect(Array.from(rawImagesToBatch(gray, 'NCHW').data)).toEqual(Array.from(jsUnit(gray[0].data)));
  });
});

test('consecutive views of one buffer (images cut from one file chunk) convert like separate copies', () => {
  const chunk = randomBytes(10 * 7, 30);
  const views = Array.from({ length: 10 }, (_, k) => chunk.subarray(k * 7, (k + 1) * 7));
  // A gap (a skipped record) and a view of another buffer break the run.
  const mixed = [views[0], views[1], views[3], randomBytes(7, 31), views[4], views[5]];
  const expected = new Float32Array(6 * 7);
  mixed.forEach((v, k) => bytesToUnit(v, expected, k * 7));
  expect(Array.from(unitFloatsSimd(mixed, 42)!)).toEqual(Array.from(expected));
  expect(Array.from(unitFloatsSimd(views, 70)!)).toEqual(Array.from(jsUnit(chunk)));
});

test('writes into a given buffer view when asked (transient batches), same values', () => {
  const bytes = randomBytes(100, 40);
  const into = new Float32Array(128).fill(-1);
  const view = into.subarray(0, 100);
  const out = unitFloatsSimd([bytes], 100, view)!;
  expect(out).toBe(view);
  expect(Array.from(out)).toEqual(Array.from(jsUnit(bytes)));
  expect(into[100]).toBe(-1);
  const images = [{ data: bytes.subarray(0, 50), width: 5, height: 10, channels: 1 }];
  const big = new Float32Array(64);
  const b = rawImagesToBatch(images, 'NCHW', big);
  expect(b.data.buffer).toBe(big.buffer);
  expect(b.data.length).toBe(50);
  expect(Array.from(b.data)).toEqual(Array.from(jsUnit(bytes.subarray(0, 50))));
  expect(() => rawImagesToBatch(images, 'NCHW', new Float32Array(10))).toThrow(/holds 10 values/);
});

describe('unitSimdSlots: output buffers and a scratch area in a private memory', () => {
  test('converts scratch bytes in place and other bytes through staging, in any mix and length, like the JavaScript loop', () => {
    const slots = unitSimdSlots(200, 2, 300)!;
    expect(slots.scratch.length).toBe(300);
    slots.scratch.set(randomBytes(300, 50));
    const other = randomBytes(61, 51);
    // Lengths that are not multiples of 8: each part's eight-wide overrun is overwritten by the next.
    const parts = [slots.scratch.subarray(3, 16), other.subarray(0, 29), other.subarray(29), slots.scratch.subarray(100, 197), slots.scratch.subarray(0, 0)];
    const all = concat(parts);
    const total = all.length;
    const a = slots.convert(parts, total, 0);
    expect(Array.from(a)).toEqual(Array.from(jsUnit(all)));
    // The other slot leaves slot 0 alone; the same slot again overwrites it.
    const b = slots.convert([Uint8Array.of(255, 0, 51)], 3, 1);
    expect(Array.from(b)).toEqual([1, 0, Math.fround(51 / 255)]);
    expect(Array.from(a)).toEqual(Array.from(jsUnit(all)));
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).not.toBe(a.byteOffset);
    slots.convert([slots.scratch.subarray(0, 200)], 200, 0);
    expect(a[0]).toBe(Math.fround(slots.scratch[0] / 255));
  });

  test('refuses more than the capacity, unknown slots and a length mismatch; declines oversized requests', () => {
    const slots = unitSimdSlots(16, 2, 8)!;
    expect(() => slots.convert([new Uint8Array(17)], 17, 0)).toThrow(/capacity of 16/);
    expect(() => slots.convert([new Uint8Array(4)], 4, 2)).toThrow(/no slot 2/);
    expect(() => slots.convert([new Uint8Array(4)], 5, 0)).toThrow(/expected 5/);
    expect(() => slots.convert([new Uint8Array(4), new Uint8Array(4)], 5, 0)).toThrow(/expected 5/);
    expect(unitSimdSlots(SIMD_UNIT_MAX_VALUES, 2)).toBeNull();
  });

  test('release hands the memory to the next call (no fresh WebAssembly memory per pass); large memories are not kept', () => {
    const a = unitSimdSlots(64, 2, 128)!;
    a.scratch.set(randomBytes(128, 60));
    const memory = a.scratch.buffer;
    a.release();
    a.release(); // twice is harmless
    expect(() => a.convert([new Uint8Array(4)], 4, 0)).toThrow(/after release/);
    const b = unitSimdSlots(64, 2, 128)!;
    expect(b.scratch.buffer).toBe(memory);
    const bytes = randomBytes(64, 61);
    b.scratch.set(bytes);
    expect(Array.from(b.convert([b.scratch.subarray(0, 64)], 64, 1))).toEqual(Array.from(jsUnit(bytes)));
    // A second live object while b is in use gets memory of its own.
    const c = unitSimdSlots(64, 2, 128)!;
    expect(c.scratch.buffer).not.toBe(b.scratch.buffer);
    c.release();
    b.release();
    // The spare grows for a bigger request (views of the released object are then detached).
    const d = unitSimdSlots(1 << 16, 2, 1 << 20)!;
    expect(d.scratch.length).toBe(1 << 20);
    const big = randomBytes(1000, 62);
    expect(Array.from(d.convert([big], 1000, 0))).toEqual(Array.from(jsUnit(big)));
    d.release();
    // Over 16 MB: left to the garbage collector, so the next call starts from a fresh memory.
    const e = unitSimdSlots(2 << 20, 2, 0)!;
    const eMemory = e.convert([new Uint8Array(8)], 8, 0).buffer;
    expect(eMemory.byteLength).toBeGreaterThan(16 << 20);
    e.release();
    const f = unitSimdSlots(8, 2, 0)!;
    expect(f.convert([new Uint8Array(8)], 8, 0).buffer).not.toBe(eMemory);
    f.release();
  });
});
