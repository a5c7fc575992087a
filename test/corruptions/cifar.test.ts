import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corrupt, npArange } from '../../attacks/corruptions/index.js';
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
