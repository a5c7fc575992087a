import { afterAll, describe, expect, it } from 'vitest';
import { jpegCompression, jpegCompressionSharp } from '../../attacks/corruptions/digital.js';
import { CIFAR_PARAMS, IMAGENET_PARAMS } from '../../attacks/corruptions/index.js';
import { freshWasmBuild } from '../helpers/wasm-build.js';
import { JPEG_WASM_BASE64 } from '../../attacks/corruptions/wasm/jpeg.generated.js';
import { jpegQuantTables, jpegRoundTripWasm, jpegWasmRuns } from '../../attacks/corruptions/wasm/jpeg-loader.js';
import { setWasmKernels } from '../../attacks/corruptions/wasm/loader.js';
import { Rng } from '../../src/random.js';
import { loadClean } from './golden.js';

/**
 * jpeg_compression's simulated round trip (attacks/corruptions/wasm/src/jpeg.ts) against its oracle, sharp's
 * libjpeg-turbo encode + decode with the same settings (jpegCompressionSharp, itself bit-identical to
 * imagecorruptions' Pillow on the golden images): every byte equal, on the golden images at every quality and on
 * random and structured images of many sizes (odd, sub-block, non-multiple-of-16, chroma ≤ 2 columns wide).
 */

/** Where two outputs differ: '' when identical. */
function diff(a: Uint8Array, b: Uint8Array): string {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  let n = 0;
  let max = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d) {
      n++;
      if (first < 0) first = i;
      max = Math.max(max, d);
    }
  }
  return n === 0 ? '' : `${n} bytes differ (max ${max}), first at byte ${first}`;
}

/** '' when the simulation gives sharp's bytes, else a description of the case. */
async function mismatch(data: Uint8Array, width: number, height: number, q: number, what: string): Promise<string> {
  const sim = jpegRoundTripWasm(data, width, height, q);
  if (!sim) return `${what} ${width}×${height} q${q}: the WebAssembly path did not run`;
  const d = diff(sim, await jpegCompressionSharp({ data, width, height }, q));
  return d && `${what} ${width}×${height} q${q}: ${d}`;
}

type Kind = 'noise' | 'smooth' | 'blocks' | 'checker' | 'stripes' | 'saturated' | 'flat';
const KINDS: Kind[] = ['noise', 'smooth', 'blocks', 'checker', 'stripes', 'saturated', 'flat'];

function image(kind: Kind, w: number, h: number, rng: Rng): Uint8Array {
  const d = new Uint8Array(w * h * 3);
  const a = [rng.int(256), rng.int(256), rng.int(256)];
  const fx = rng.uniform(0.01, 0.3);
  const fy = rng.uniform(0.01, 0.3);
  const cell = 1 + rng.int(9);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let v: number;
        if (kind === 'noise') v = rng.int(256);
        else if (kind === 'smooth') v = 128 + 127 * Math.sin(fx * x * (c + 1) + fy * y + a[c]);
        else if (kind === 'blocks') v = (a[c] * (Math.floor(x / cell) + 3 * Math.floor(y / cell) + 1)) % 256;
        else if (kind === 'checker') v = (x + y) & 1 ? 255 : 0; // the largest DCT overshoot: pixel checkerboard
        else if (kind === 'stripes') v = (x >> (c & 1)) & 1 ? 255 : 0;
        else if (kind === 'saturated') v = ((x * 7 + y * 3 + c * 5) >> 2) % 3 === 0 ? 255 : 0;
        else v = a[c];
        d[(y * w + x) * 3 + c] = v;
      }
    }
  }
  return d;
}

describe('jpeg_compression simulated in WebAssembly', () => {
  afterAll(() => setWasmKernels(true));

  it('the committed module is what attacks/corruptions/wasm/src/jpeg.ts compiles to (npm run build:wasm)', async () => {
    expect((await freshWasmBuild('jpeg')) === JPEG_WASM_BASE64, 'jpeg.generated.ts is stale: run npm run build:wasm').toBe(true);
  });

  it('scales the Annex-K tables as jpeg_set_quality(…, TRUE)', () => {
    const q50 = jpegQuantTables(50);
    expect([q50[0], q50[1], q50[63], q50[64], q50[127]]).toEqual([16, 11, 99, 17, 99]); // the tables themselves
    expect(jpegQuantTables(100).every((v) => v === 1)).toBe(true);
    expect(jpegQuantTables(1).every((v) => v === 255)).toBe(true); // 5000 % clamped to baseline
    expect(jpegQuantTables(80)[0]).toBe(6); // (16·40 + 50) / 100
    expect(jpegQuantTables(10)[1]).toBe(55); // (11·500 + 50) / 100
    expect(jpegQuantTables(0)).toEqual(jpegQuantTables(1));
  });

  it('equals sharp on the golden images at every quality 1–100', async () => {
    const bad: string[] = [];
    let cases = 0;
    for (const name of ['astronaut', 'coffee'] as const) {
      const img = await loadClean(name);
      for (let q = 1; q <= 100; q++) {
        const m = await mismatch(img.data, img.width, img.height, q, name);
        cases++;
        if (m) bad.push(m);
      }
    }
    expect(bad).toEqual([]);
    expect(cases).toBe(200);
  });

  it('equals sharp on random and structured images of many sizes and qualities', async () => {
    const rng = new Rng(2024);
    const sizes: [number, number][] = [
      [1, 1], [2, 1], [1, 2], [2, 2], [3, 3], [4, 4], [5, 5], [4, 7], [5, 3], [6, 6], [7, 9], [8, 8], [9, 7], [15, 17], [16, 16],
      [17, 15], [31, 33], [32, 32], [33, 47], [1, 40], [40, 1], [64, 3], [3, 64], [224, 224], [500, 300], [299, 301],
    ];
    for (let i = 0; i < 40; i++) sizes.push([1 + rng.int(90), 1 + rng.int(90)]);
    const bad: string[] = [];
    let cases = 0;
    for (const [w, h] of sizes) {
      const big = w * h > 20000;
      for (const kind of big ? (['noise', 'smooth', 'checker'] as Kind[]) : KINDS) {
        const data = image(kind, w, h, rng);
        for (const q of big ? [1, 1 + rng.int(100)] : [1, 100, 1 + rng.int(100), 1 + rng.int(100)]) {
          const m = await mismatch(data, w, h, q, kind);
          cases++;
          if (m) bad.push(m);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(cases).toBeGreaterThan(1500);
  });

  it('jpegCompression runs the simulation at the parameter sets’ qualities, sharp with setWasmKernels(false)', async () => {
    const img = await loadClean('coffee');
    const rgb = { data: img.data, width: img.width, height: img.height };
    for (const q of [...IMAGENET_PARAMS.jpeg_compression, ...CIFAR_PARAMS.jpeg_compression]) {
      const runs = jpegWasmRuns.count;
      const sim = await jpegCompression(rgb, q);
      expect(jpegWasmRuns.count).toBe(runs + 1);
      setWasmKernels(false);
      try {
        const ref = await jpegCompression(rgb, q);
        expect(jpegWasmRuns.count).toBe(runs + 1);
        expect(diff(sim, ref)).toBe('');
      } finally {
        setWasmKernels(true);
      }
    }
    for (const [w, h] of [[0, 0], [0, 5], [5, 0]]) {
      expect((await jpegCompression({ data: new Uint8Array(0), width: w, height: h }, 50)).length).toBe(0);
    }
  });
});
