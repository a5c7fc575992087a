import { describe, expect, it } from 'vitest';
import {
  ALL_CORRUPTIONS,
  BENCHMARK_CORRUPTIONS,
  corrupt,
  corruptSync,
  HELD_OUT_CORRUPTIONS,
  loadFrostTextures,
  resolveParameterSet,
} from '../../attacks/corruptions/index.js';
import type { RawImage } from '../../src/data/types.js';
import { Rng } from '../../src/random.js';
import { loadClean, meanAbsDiff } from './golden.js';

function crop(img: RawImage, size: number): RawImage {
  const data = new Uint8Array(size * size * img.channels);
  for (let y = 0; y < size; y++) data.set(img.data.subarray(y * img.width * img.channels, (y * img.width + size) * img.channels), y * size * img.channels);
  return { data, width: size, height: size, channels: img.channels };
}

describe('corruption API', () => {
  it('lists 15 benchmark and 4 held-out corruptions', () => {
    expect(BENCHMARK_CORRUPTIONS).toHaveLength(15);
    expect(HELD_OUT_CORRUPTIONS).toEqual(['speckle_noise', 'gaussian_blur', 'spatter', 'saturate']);
    expect(new Set(ALL_CORRUPTIONS).size).toBe(19);
  });

  it('same seed gives the same bytes, another seed different bytes', async () => {
    const img = crop(await loadClean('coffee'), 64);
    const frostTextures = await loadFrostTextures();
    for (const name of ['gaussian_noise', 'glass_blur', 'snow', 'fog', 'frost', 'spatter', 'elastic_transform', 'motion_blur']) {
      const a = corruptSync(img, name, 3, { seed: 7, frostTextures });
      const b = corruptSync(img, name, 3, { seed: 7, frostTextures });
      const c = corruptSync(img, name, 3, { seed: 8, frostTextures });
      expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), name).toBe(0);
      expect(meanAbsDiff(a.data, c.data), name).toBeGreaterThan(0);
    }
  });

  it('grayscale in, grayscale out: channel 0 of the stacked-RGB corruption (luma for frost)', async () => {
    const rgb = crop(await loadClean('astronaut'), 48);
    const gray: RawImage = { data: new Uint8Array(48 * 48), width: 48, height: 48, channels: 1 };
    for (let i = 0; i < gray.data.length; i++) gray.data[i] = rgb.data[3 * i + 1];
    const stacked: RawImage = { data: new Uint8Array(48 * 48 * 3), width: 48, height: 48, channels: 3 };
    for (let i = 0; i < gray.data.length; i++) stacked.data[3 * i] = stacked.data[3 * i + 1] = stacked.data[3 * i + 2] = gray.data[i];
    for (const name of ['gaussian_noise', 'contrast', 'zoom_blur', 'jpeg_compression']) {
      const g = await corrupt(gray, name, 2, { seed: 3 });
      const s = await corrupt(stacked, name, 2, { seed: 3 });
      expect(g.channels).toBe(1);
      const ch0 = new Uint8Array(48 * 48);
      for (let i = 0; i < ch0.length; i++) ch0[i] = s.data[3 * i];
      expect(Buffer.compare(Buffer.from(g.data), Buffer.from(ch0)), name).toBe(0);
    }
  });

  it('chooses CIFAR-10-C parameters for 32x32 inputs unless told otherwise', async () => {
    expect(resolveParameterSet('auto', 32, 32)).toBe('cifar');
    expect(resolveParameterSet('auto', 224, 224)).toBe('imagenet');
    expect(resolveParameterSet('imagenet', 32, 32)).toBe('imagenet');
    const img = crop(await loadClean('coffee'), 32);
    // contrast is deterministic: CIFAR severity 1 keeps 75% of the contrast, ImageNet 40%
    const cifar = await corrupt(img, 'contrast', 1, { seed: 0 });
    const imagenet = await corrupt(img, 'contrast', 1, { seed: 0, params: 'imagenet' });
    expect(meanAbsDiff(cifar.data, img.data)).toBeLessThan(meanAbsDiff(imagenet.data, img.data));
    // every corruption runs at 32x32 on the CIFAR set
    for (const name of ALL_CORRUPTIONS) {
      const out = await corrupt(img, name, 5, { seed: 1 });
      expect(out.data.length, name).toBe(32 * 32 * 3);
    }
  });

  it('handles non-square, odd and tiny images, gray or colour, and textures smaller than the image', async () => {
    const rng = new Rng(1);
    for (const [w, h, c] of [[80, 50, 3], [5, 7, 1], [700, 400, 3]]) {
      const img: RawImage = { data: new Uint8Array(w * h * c).map(() => rng.int(256)), width: w, height: h, channels: c };
      const names = w === 700 ? ['frost', 'fog', 'zoom_blur'] : ALL_CORRUPTIONS;
      for (const name of names) {
        const out = await corrupt(img, name, 5, { seed: 2 });
        expect([out.width, out.height, out.channels, out.data.length], `${name} ${w}x${h}x${c}`).toEqual([w, h, c, w * h * c]);
      }
    }
  });

  it('rejects unknown names and severities with the valid choices', async () => {
    const img = crop(await loadClean('coffee'), 16);
    await expect(corrupt(img, 'rain', 1, { seed: 0 })).rejects.toThrow(/unknown corruption "rain".*gaussian_noise/);
    await expect(corrupt(img, 'fog', 6, { seed: 0 })).rejects.toThrow(/severity must be an integer 1–5/);
    expect(() => corruptSync(img, 'jpeg_compression', 1, { seed: 0 })).toThrow(/use corrupt\(\)/);
  });
});
