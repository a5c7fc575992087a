import { afterAll, describe, expect, it } from 'vitest';
import { corruptSync, IMAGENET_PARAMS, CIFAR_PARAMS, SEVERITIES } from '../../attacks/corruptions/index.js';
import { zigguratNormal } from '../../attacks/corruptions/kernels/normal.js';
import { gaussianNoise, impulseNoise, shotNoise, speckleNoise } from '../../attacks/corruptions/noise.js';
import type { CorruptionContext, CorruptionFn } from '../../attacks/corruptions/types.js';
import { fog } from '../../attacks/corruptions/weather.js';
import { freshWasmBuild } from '../helpers/wasm-build.js';
import { setWasmKernels } from '../../attacks/corruptions/wasm/loader.js';
import { NOISE_WASM_BASE64 } from '../../attacks/corruptions/wasm/noise.generated.js';
import { noiseWasmRuns, normalFillWasm, withState } from '../../attacks/corruptions/wasm/noise-loader.js';
import type { RawImage } from '../../src/data/types.js';
import { Rng } from '../../src/random.js';
import { loadClean } from './golden.js';

const NAMES = ['gaussian_noise', 'shot_noise', 'impulse_noise', 'speckle_noise', 'fog'] as const;
const FNS: Record<(typeof NAMES)[number], CorruptionFn> = {
  gaussian_noise: gaussianNoise,
  shot_noise: shotNoise,
  impulse_noise: impulseNoise,
  speckle_noise: speckleNoise,
  fog,
};

function state(rng: Rng): number[] {
  const s = new Int32Array(4);
  rng.saveState(s);
  return [...s];
}

async function images(): Promise<[string, RawImage][]> {
  const astronaut = await loadClean('astronaut');
  const rng = new Rng(21);
  const noise = (w: number, h: number, c: number): RawImage => ({ data: Uint8Array.from({ length: w * h * c }, () => rng.nextUint32() & 255), width: w, height: h, channels: c });
  const crop = (w: number, h: number): RawImage => {
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) data.set(astronaut.data.subarray((y + 40) * astronaut.width * 3 + 120, (y + 40) * astronaut.width * 3 + 120 + w * 3), y * w * 3);
    return { data, width: w, height: h, channels: 3 };
  };
  // a dark image whose maximum (fog divides by it) sits in the last byte, past the 16-byte vector loop
  const dark = noise(23, 19, 3);
  for (let i = 0; i < dark.data.length; i++) dark.data[i] &= 63;
  dark.data[dark.data.length - 1] = 200;
  return [
    ['astronaut 224×224', astronaut],
    ['32×32 (CIFAR parameters)', crop(32, 32)],
    ['61×47', crop(61, 47)],
    ['noise 37×45', noise(37, 45, 3)],
    ['noise 300×200 (512² plasma)', noise(300, 200, 3)],
    ['gray 40×33', noise(40, 33, 1)],
    ['noise 1×40', noise(1, 40, 3)],
    ['noise 40×1', noise(40, 1, 3)],
    ['gray 5×7 (CIFAR)', noise(5, 7, 1)],
    ['dark 23×19, max last', dark],
  ];
}

describe('WebAssembly noise and fog kernels', () => {
  afterAll(() => setWasmKernels(true));

  it('the committed module is what attacks/corruptions/wasm/src/noise.ts compiles to (npm run build:wasm)', async () => {
    expect((await freshWasmBuild('noise')) === NOISE_WASM_BASE64, 'noise.generated.ts is stale: run npm run build:wasm').toBe(true);
  });

  it('Rng.saveState / loadState continue the same stream', () => {
    const a = new Rng(99);
    for (let i = 0; i < 10; i++) a.nextUint32();
    const s = new Int32Array(6);
    a.saveState(s, 2);
    const b = new Rng(1);
    b.loadState(s, 2);
    for (let i = 0; i < 100; i++) expect(b.nextUint32()).toBe(a.nextUint32());
    expect(b.next()).toBe(a.next());
  });

  // Byte equality below would also hold if a call site silently took the JavaScript path: count kernel runs.
  it('the four noises and fog really run the WebAssembly kernels, on both parameter sets', async () => {
    const astronaut = await loadClean('astronaut');
    const small: RawImage = { data: astronaut.data.slice(0, 32 * 32 * 3), width: 32, height: 32, channels: 3 };
    for (const img of [astronaut, small]) {
      for (const name of NAMES) {
        const before = noiseWasmRuns.count;
        corruptSync(img, name, 3, { seed: 1 });
        expect(noiseWasmRuns.count, `${name} ${img.width}×${img.height}`).toBe(before + 1);
      }
    }
    setWasmKernels(false);
    const before = noiseWasmRuns.count;
    for (const name of NAMES) corruptSync(small, name, 3, { seed: 1 });
    setWasmKernels(true);
    expect(noiseWasmRuns.count, 'setWasmKernels(false) switches these kernels off too').toBe(before);
  });

  it('gives the bytes of the JavaScript kernels at every severity, several seeds, every shape', async () => {
    const differing: string[] = [];
    // one kernel run per call with the kernels on (not one somewhere among the calls)
    const wrongRuns: string[] = [];
    for (const [label, img] of await images()) {
      const seeds = img.width * img.height > 10_000 ? [0, 7] : [0, 1, 2, 3, 1234567];
      for (const name of NAMES) {
        for (const s of SEVERITIES) {
          for (const seed of seeds) {
            const before = noiseWasmRuns.count;
            setWasmKernels(true);
            const a = corruptSync(img, name, s, { seed }).data;
            const ran = noiseWasmRuns.count - before;
            setWasmKernels(false);
            const b = corruptSync(img, name, s, { seed }).data;
            setWasmKernels(true);
            if (ran !== 1) wrongRuns.push(`${name} s${s} seed ${seed} ${label}: ${ran} kernel runs`);
            if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) differing.push(`${name} s${s} seed ${seed} ${label}`);
          }
        }
      }
    }
    expect(differing).toEqual([]);
    expect(wrongRuns).toEqual([]);
  });

  it('leaves the Rng where the JavaScript draws leave it (later draws continue identically)', async () => {
    const astronaut = await loadClean('astronaut');
    const small: RawImage = { data: astronaut.data.slice(0, 32 * 32 * 3), width: 32, height: 32, channels: 3 };
    for (const [img, params, parameterSet] of [
      [astronaut, IMAGENET_PARAMS, 'imagenet'],
      [small, CIFAR_PARAMS, 'cifar'],
    ] as const) {
      for (const name of NAMES) {
        for (const s of SEVERITIES) {
          const run = (on: boolean): { out: Uint8Array; st: number[]; next: number; runs: number } => {
            setWasmKernels(on);
            const rng = new Rng(1000 + s);
            rng.nextUint32(); // a stream already in use
            const ctx: CorruptionContext = { rng, params, parameterSet };
            const before = noiseWasmRuns.count;
            const out = FNS[name](img, s, ctx) as Uint8Array;
            const result = { out, st: state(rng), next: rng.next(), runs: noiseWasmRuns.count - before };
            setWasmKernels(true);
            return result;
          };
          const w = run(true);
          const j = run(false);
          const where = `${name} s${s} ${img.width}×${img.height}`;
          expect(w.runs, `${where}: one kernel run with the kernels on`).toBe(1);
          expect(j.runs, `${where}: none with them off`).toBe(0);
          expect(Buffer.compare(Buffer.from(w.out), Buffer.from(j.out)), where).toBe(0);
          expect(w.st, where).toEqual(j.st);
          expect(w.next, where).toBe(j.next);
        }
      }
    }
  });

  it('withState hands the advanced state back to the Rng also when the kernel throws', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const rng = new Rng(8);
    const twin = new Rng(8);
    for (let i = 0; i < 5; i++) twin.nextUint32(); // where the kernel got to before it failed
    const advanced = new Int32Array(4);
    twin.saveState(advanced);
    const before = noiseWasmRuns.count;
    expect(() =>
      withState({ memory }, rng, () => {
        new Int32Array(memory.buffer, 0, 4).set(advanced); // the state lives at byte 0 (ST)
        throw new Error('kernel trap');
      }),
    ).toThrow('kernel trap');
    expect(rng.nextUint32()).toBe(twin.nextUint32());
    expect(noiseWasmRuns.count, 'a failed run is not counted').toBe(before);
  });

  it('normalFillWasm draws what a loop over zigguratNormal draws (tail and wedge cases included)', () => {
    for (const [n, loc, scale] of [
      [200_000, 0, 1],
      [7, 0.3, 0.2],
      [0, 1, 1],
    ] as const) {
      const a = new Rng(5);
      const b = new Rng(5);
      const out = new Float64Array(n);
      expect(normalFillWasm(out, loc, scale, a)).toBe(true);
      const want = new Float64Array(n);
      for (let i = 0; i < n; i++) want[i] = loc + scale * zigguratNormal(b);
      expect(Buffer.compare(Buffer.from(out.buffer), Buffer.from(want.buffer))).toBe(0);
      expect(state(a)).toEqual(state(b));
    }
  });
});
