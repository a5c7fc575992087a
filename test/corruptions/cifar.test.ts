import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corrupt, loadFrostTextures, npArange } from '../../attacks/corruptions/index.js';
import type { RawImage } from '../../src/data/types.js';
import { loadClean, maxAbsDiff, meanAbsDiff } from './golden.js';

const DIR = join(import.meta.dirname, 'fixtures', 'cifar');
const read = (f: string) => new Uint8Array(readFileSync(join(DIR, f)));

/**
 * CIFAR-10-C parameters (make_cifar_c.py) on a 32×32 crop of coffee.png, against outputs of the libraries
 * that script calls (OpenCV for defocus_blur, scipy.ndimage.zoom for zoom_blur, numpy for contrast, Pillow
 * for pixelate — BOX down and BOX up — and JPEG at CIFAR's qualities 80…40); see fixtures/cifar/make_reference.py.
 * 'auto' must pick the CIFAR set for a 32×32 input. All bit-identical.
 */
describe('CIFAR-10-C parameter set matches the reference libraries', () => {
  const input: RawImage = { data: read('input.bin'), width: 32, height: 32, channels: 3 };

  it('the input is the 32×32 crop at (96, 96) of coffee.png', async () => {
    const coffee = await loadClean('coffee');
    const crop = new Uint8Array(32 * 32 * 3);
    for (let y = 0; y < 32; y++) crop.set(coffee.data.subarray(((96 + y) * 224 + 96) * 3, ((96 + y) * 224 + 128) * 3), y * 96);
    expect(maxAbsDiff(crop, input.data)).toBe(0);
  });

  for (const name of ['defocus_blur', 'zoom_blur', 'contrast', 'pixelate', 'jpeg_compression']) {
    it.each([1, 2, 3, 4, 5])(`${name} severity %i`, async (s) => {
      const out = await corrupt(input, name, s, { seed: 0 });
      const ref = read(`${name}_s${s}.bin`);
      expect(meanAbsDiff(out.data, ref)).toBe(0);
    });
  }

  it('np.arange steps by (start + step) − start, as numpy does', () => {
    // numpy: np.arange(1, 1.26, 0.01)[25] == 1.2500000000000002, which changes clipped_zoom's output size
    expect(npArange(1, 1.26, 0.01)[25]).toBe(1.2500000000000002);
    expect(npArange(1, 1.26, 0.01)).toHaveLength(26);
    expect(npArange(1, 1.31, 0.03)).toHaveLength(11);
  });
});

/**
 * Random corruptions with CIFAR-10-C parameters: mean absolute difference to the clean crop over 200 seeds
 * against the same statistic of make_cifar_c.py's functions over numpy seeds 0–199
 * (fixtures/cifar/make_random_stats.py; motion_blur and snow used ImageMagick there and are not covered).
 * Tolerance: 3% relative or 3.5 standard errors of the difference of the two 200-seed means, whichever is
 * larger. Measured: every cell within 2.1 standard errors; all but elastic_transform severity 1 (−6.8%,
 * −1.8 SE, the noisiest cell) within 3.3%.
 */
describe('CIFAR-10-C random corruptions match the reference statistics', () => {
  const input: RawImage = { data: read('input.bin'), width: 32, height: 32, channels: 3 };
  const ref = JSON.parse(readFileSync(join(DIR, 'random_stats.json'), 'utf8')) as {
    seeds: number;
    corruptions: Record<string, Record<string, { mean: number; std: number }>>;
  };
  for (const name of Object.keys(ref.corruptions)) {
    it(`${name}, severities 1–5`, async () => {
      const frostTextures = await loadFrostTextures();
      for (let s = 1; s <= 5; s++) {
        let sum = 0;
        for (let seed = 0; seed < ref.seeds; seed++) sum += meanAbsDiff((await corrupt(input, name, s, { seed, frostTextures })).data, input.data);
        const mean = sum / ref.seeds;
        const r = ref.corruptions[name][String(s)];
        const tol = Math.max(0.03 * r.mean, 3.5 * r.std * Math.sqrt(2 / ref.seeds));
        expect(Math.abs(mean - r.mean), `${name} severity ${s}: ${mean.toFixed(3)} vs ${r.mean.toFixed(3)}`).toBeLessThanOrEqual(tol);
      }
    });
  }
});

// CIFAR-10-C's clipped_zoom uses the height for both axes (it only saw 32×32 images and fails on other
// shapes); faultline zooms per axis, which is the same for square images. On a flat image the zoom
// corruptions must stay flat whatever the shape — with the height for both axes, a wide image got unset
// (NaN → 0) columns and a tall one read past its rows.
describe('CIFAR parameters on non-square images', () => {
  const flat = (w: number, h: number): RawImage => ({ data: new Uint8Array(w * h * 3).fill(128), width: w, height: h, channels: 3 });
  for (const [w, h] of [
    [30, 17],
    [17, 30],
    [32, 24],
  ]) {
    it(`zoom_blur keeps a flat ${w}×${h} image flat at every severity`, async () => {
      for (let s = 1; s <= 5; s++) {
        const out = await corrupt(flat(w, h), 'zoom_blur', s, { seed: 1, params: 'cifar' });
        const lo = Math.min(...out.data);
        const hi = Math.max(...out.data);
        expect(hi - lo, `severity ${s}: values ${lo}…${hi}`).toBeLessThanOrEqual(1);
        expect(lo).toBeGreaterThanOrEqual(126);
      }
    });
  }
});
