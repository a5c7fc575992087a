import { afterAll, describe, expect, it } from 'vitest';
import { ALL_CORRUPTIONS, CIFAR_PARAMS, corrupt, corruptSync, IMAGENET_PARAMS, loadFrostTextures, SEVERITIES } from '../../attacks/corruptions/index.js';
import { glassBlur, motionBlur } from '../../attacks/corruptions/blur.js';
import { elasticTransform } from '../../attacks/corruptions/elastic.js';
import { spatter } from '../../attacks/corruptions/spatter.js';
import type { CorruptionContext, CorruptionFn } from '../../attacks/corruptions/types.js';
import { snow } from '../../attacks/corruptions/weather.js';
import { noiseWasmRuns } from '../../attacks/corruptions/wasm/noise-loader.js';
import { adjustHsv } from '../../attacks/corruptions/kernels/hsv.js';
import { freshWasmBuild } from '../helpers/wasm-build.js';
import { KERNELS_WASM_BASE64 } from '../../attacks/corruptions/wasm/kernels.generated.js';
import { layout, LAYOUT_BASE, setWasmKernels, WASM_MAX_BYTES, wasmKernels, wasmLayouts, withRngState } from '../../attacks/corruptions/wasm/loader.js';
import type { RawImage } from '../../src/data/types.js';
import { Rng } from '../../src/random.js';
import { loadClean } from './golden.js';

describe('WebAssembly corruption kernels', () => {
  afterAll(() => setWasmKernels(true));

  it('the committed module is what attacks/corruptions/wasm/src/kernels.ts compiles to (npm run build:wasm)', async () => {
    expect((await freshWasmBuild('corruptions')) === KERNELS_WASM_BASE64, 'kernels.generated.ts is stale: run npm run build:wasm').toBe(true);
  });

  it('instantiates on this runtime (Node ≥ 20 has WebAssembly SIMD)', () => {
    expect(wasmKernels()).not.toBeNull();
  });

  it('lays buffers out 16-byte aligned above the reserved generator memory and refuses more than the memory cap (callers then take the JavaScript path)', () => {
    const k = wasmKernels()!;
    const b = LAYOUT_BASE;
    expect(layout(k, [3, 17, 0, 5])).toEqual([b, b + 16, b + 48, b + 48]);
    expect(k.memory.buffer.byteLength).toBeGreaterThanOrEqual(b + 64);
    expect(layout(k, [WASM_MAX_BYTES, 1])).toBeNull();
    // sizes of 2 GiB and more must not wrap around in 32-bit arithmetic and slip under the cap
    expect(layout(k, [2 ** 31])).toBeNull();
    expect(layout(k, [2 ** 32])).toBeNull();
  });

  it('the branch-free HSV kernel selects what adjustHsv computes, on every kind of pixel', () => {
    // random pixels, plus grays (delta 0) and every tie between channels (the precedence blue > green > red)
    const rng = new Rng(12);
    const px: number[] = [];
    for (let i = 0; i < 100_000; i++) px.push(rng.nextUint32() & 255, rng.nextUint32() & 255, rng.nextUint32() & 255);
    for (let a = 0; a < 256; a += 5) for (let b = 0; b < 256; b += 5) px.push(a, a, b, a, b, a, b, a, a, a, a, a);
    if ((px.length / 3) % 2 === 0) px.push(9, 200, 31); // an odd pixel count: the scalar tail too
    const src = Uint8Array.from(px);
    for (const [adjS, sMul, sAdd, adjV, vAdd] of [
      [true, 0.3, 0, false, 0],
      [true, 20, 0.2, false, 0],
      [false, 1, 0, true, 0.3],
      [false, 1, 0, true, 0.5],
    ] as const) {
      setWasmKernels(true);
      const a = adjustHsv(src, adjS, sMul, sAdd, adjV, vAdd);
      setWasmKernels(false);
      const b = adjustHsv(src, adjS, sMul, sAdd, adjV, vAdd);
      setWasmKernels(true);
      expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    }
  });

  it("the kernels round as Math.round does: ties up, and 0.49999999999999994 (1 − it rounds to 0.5) down to 0", () => {
    const k = wasmKernels()!;
    // resizeV with one tap of weight 1 rounds and clamps each value: SIMD lanes (groups of 4) and the scalar tail
    const vals: number[] = [0.49999999999999994, 0.5, 1.5, 2.5, 254.5, 254.49999999999997, -0.49999999999999994, -0.5, -0.7, 255.5, 300, -3];
    for (let i = 0; i < 200; i++) {
      const t = (i % 256) + 0.5;
      vals.push(t, t - 2 ** -44, t + 2 ** -44, t - 1e-9, i % 256, (i % 256) - 2 ** -45);
    }
    const rng = new Rng(3);
    for (let i = 0; i < 200_000; i++) vals.push(rng.next() * 262 - 3);
    vals.push(0.49999999999999994, 0.49999999999999994, 0.49999999999999994); // the tail too (n % 4 = 3)
    const n = vals.length;
    const at = layout(k, [n * 8, n, 4, 8])!;
    new Float64Array(k.memory.buffer, at[0], n).set(vals);
    new Int32Array(k.memory.buffer, at[2], 1)[0] = 0;
    new Float64Array(k.memory.buffer, at[3], 1)[0] = 1;
    k.resizeV(at[0], at[1], 1, n, 1, at[2], at[3]);
    const got = new Uint8Array(k.memory.buffer, at[1], n);
    const bad: string[] = [];
    for (let i = 0; i < n; i++) {
      const want = Math.min(255, Math.max(0, Math.round(vals[i])));
      if (got[i] !== want && bad.length < 10) bad.push(`${vals[i]} → ${got[i]}, Math.round ${want}`);
    }
    expect(n % 4).toBe(3);
    expect(bad).toEqual([]);
  });

  it('withRngState hands the advanced state back to the Rng also when the kernel throws', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const rng = new Rng(8);
    const twin = new Rng(8);
    for (let i = 0; i < 5; i++) twin.nextUint32(); // where the kernel got to before it failed
    const advanced = new Int32Array(4);
    twin.saveState(advanced);
    expect(() =>
      withRngState({ memory }, 32, rng, () => {
        new Int32Array(memory.buffer, 32, 4).set(advanced);
        throw new Error('kernel trap');
      }),
    ).toThrow('kernel trap');
    expect(rng.nextUint32()).toBe(twin.nextUint32());
  });

  it('every corruption returns an empty image for an empty one, with and without the kernels', async () => {
    const frostTextures = await loadFrostTextures();
    const got: string[] = [];
    const want: string[] = [];
    for (const [width, height] of [
      [0, 0],
      [0, 5],
      [5, 0],
    ]) {
      for (const channels of [1, 3]) {
        for (const params of ['imagenet', 'cifar'] as const) {
          for (const name of ALL_CORRUPTIONS) {
            for (const s of SEVERITIES) {
              for (const on of [true, false]) {
                setWasmKernels(on);
                const where = `${name} s${s} ${width}×${height}×${channels} ${params} ${on ? 'wasm' : 'js'}`;
                want.push(`${where}: 0 bytes ${width}×${height}×${channels}`);
                try {
                  const r = await corrupt({ data: new Uint8Array(0), width, height, channels }, name, s, { seed: 1, params, frostTextures });
                  got.push(`${where}: ${r.data.length} bytes ${r.width}×${r.height}×${r.channels}`);
                } catch (e) {
                  got.push(`${where}: ${(e as Error).message}`);
                } finally {
                  setWasmKernels(true);
                }
              }
            }
          }
        }
      }
    }
    expect(got).toEqual(want);
  });

  // The byte-equality test below would also pass if a call site silently fell back to JavaScript: check
  // which corruptions really run kernels (on both parameter sets).
  it('the corruptions with WebAssembly kernels really run them', async () => {
    const frostTextures = await loadFrostTextures();
    const astronaut = await loadClean('astronaut');
    const small: RawImage = { data: astronaut.data.slice(0, 32 * 32 * 3), width: 32, height: 32, channels: 3 };
    // every corruption but the four noises and fog (their kernels are the other module, wasm/noise-loader.ts,
    // counted in noise-wasm.test.ts) and jpeg (sharp); on CIFAR-size images defocus_blur filters directly, in
    // JavaScript (see kernels/defocus.ts)
    const imagenet = ['defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur', 'snow', 'frost', 'brightness', 'contrast', 'elastic_transform', 'pixelate', 'gaussian_blur', 'spatter', 'saturate'];
    const expected = new Map([
      [astronaut, imagenet],
      [small, imagenet.filter((n) => n !== 'defocus_blur')],
    ]);
    for (const img of [astronaut, small]) {
      const used: string[] = [];
      for (const name of ALL_CORRUPTIONS) {
        if (name === 'jpeg_compression') continue;
        const before = wasmLayouts.count;
        corruptSync(img, name, 3, { seed: 1, frostTextures });
        if (wasmLayouts.count > before) used.push(name);
      }
      expect(used, `${img.width}×${img.height}`).toEqual(expected.get(img));
    }
  });

  // The WebAssembly kernels do the JavaScript kernels' arithmetic lane by lane: every corruption must give the
  // same bytes on both paths, at every severity, on the ImageNet size, the CIFAR size (other parameters and
  // algorithms), odd sizes (vector tails) and a gray image.
  it('every corruption gives the same bytes with and without them', async () => {
    const frostTextures = await loadFrostTextures();
    const astronaut = await loadClean('astronaut');
    const rng = new Rng(11);
    const noise = (w: number, h: number, c: number): RawImage => ({ data: Uint8Array.from({ length: w * h * c }, () => rng.nextUint32() & 255), width: w, height: h, channels: c });
    const crop = (img: RawImage, w: number, h: number): RawImage => {
      const data = new Uint8Array(w * h * 3);
      for (let y = 0; y < h; y++) data.set(img.data.subarray((y + 40) * img.width * 3 + 120, (y + 40) * img.width * 3 + 120 + w * 3), y * w * 3);
      return { data, width: w, height: h, channels: 3 };
    };
    const images: [string, RawImage][] = [
      ['astronaut 224×224', astronaut],
      ['32×32 (CIFAR parameters)', crop(astronaut, 32, 32)],
      ['61×47', crop(astronaut, 61, 47)],
      ['noise 37×45', noise(37, 45, 3)],
      ['gray 40×33', noise(40, 33, 1)],
      // CIFAR parameters on non-square images (the square CIFAR crop can reach past a row)
      ['noise 20×28', noise(20, 28, 3)],
      ['noise 30×17', noise(30, 17, 3)],
      ['gray 5×7', noise(5, 7, 1)],
      // one-row and one-column images (kernel scratch sized by the width or height alone)
      ['noise 40×1', noise(40, 1, 3)],
      ['noise 1×40', noise(1, 40, 3)],
      ['gray 41×2', noise(41, 2, 1)],
    ];
    const differing: string[] = [];
    for (const name of ALL_CORRUPTIONS) {
      if (name === 'jpeg_compression') continue;
      for (const [label, img] of images) {
        for (const s of SEVERITIES) {
          const big = label.startsWith('astronaut');
          if (big && s !== 3 && s !== 5) continue; // the full size at two severities keeps the test short
          setWasmKernels(true);
          const a = corruptSync(img, name, s, { seed: s, frostTextures }).data;
          setWasmKernels(false);
          const b = corruptSync(img, name, s, { seed: s, frostTextures }).data;
          setWasmKernels(true);
          if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) differing.push(`${name} s${s} ${label}`);
        }
      }
    }
    expect(differing).toEqual([]);
  });

  // glass_blur and elastic_transform draw in the kernels (glassMoves, uniformFill), snow and spatter take their
  // normals from the noise kernels: the Rng must be left where the JavaScript loops leave it.
  it('the corruptions that draw in WebAssembly leave the Rng where the JavaScript draws leave it', async () => {
    const astronaut = await loadClean('astronaut');
    const rng0 = new Rng(5);
    const noise = (w: number, h: number): RawImage => ({ data: Uint8Array.from({ length: w * h * 3 }, () => rng0.nextUint32() & 255), width: w, height: h, channels: 3 });
    const fns: Record<string, CorruptionFn> = { glass_blur: glassBlur, elastic_transform: elasticTransform, snow, spatter, motion_blur: motionBlur };
    const cases = [
      [astronaut, IMAGENET_PARAMS, 'imagenet'],
      [{ data: astronaut.data.slice(0, 32 * 32 * 3), width: 32, height: 32, channels: 3 }, CIFAR_PARAMS, 'cifar'],
      [noise(29, 18), CIFAR_PARAMS, 'cifar'],
      [noise(37, 45), IMAGENET_PARAMS, 'imagenet'],
    ] as const;
    for (const [img, params, parameterSet] of cases) {
      for (const [name, fn] of Object.entries(fns)) {
        for (const s of SEVERITIES) {
          const run = (on: boolean) => {
            setWasmKernels(on);
            const rng = new Rng(2000 + s);
            rng.nextUint32(); // a stream already in use
            const ctx: CorruptionContext = { rng, params, parameterSet };
            const layouts = wasmLayouts.count;
            const normals = noiseWasmRuns.count;
            const out = fn(img, s, ctx) as Uint8Array;
            const st = new Int32Array(4);
            rng.saveState(st);
            const result = { out, st: [...st], next: rng.next(), wasm: wasmLayouts.count > layouts, normals: noiseWasmRuns.count > normals };
            setWasmKernels(true);
            return result;
          };
          const w = run(true);
          const j = run(false);
          const where = `${name} s${s} ${img.width}×${img.height} ${parameterSet}`;
          expect(w.wasm, where).toBe(true);
          expect(j.wasm || j.normals, where).toBe(false);
          // snow always, spatter in its water mode (mud: the normals only) take their normals from the noise kernels
          if (name === 'snow' || name === 'spatter') expect(w.normals, where).toBe(true);
          expect(Buffer.compare(Buffer.from(w.out), Buffer.from(j.out)), where).toBe(0);
          expect(w.st, where).toEqual(j.st);
          expect(w.next, where).toBe(j.next);
        }
      }
    }
  });
});
