import { describe, expect, it } from 'vitest';
import { batchToRawImages, convertLayout, rawImagesToBatch } from '../../src/data/convert.js';
import type { RawImage } from '../../src/data/types.js';
import { pattern } from './helpers.js';

describe('rawImagesToBatch', () => {
  // A 2x2 RGB image written out by hand: pixel (row, col) has channel values [10r+c, 100+10r+c, 200+10r+c].
  const img: RawImage = {
    width: 2,
    height: 2,
    channels: 3,
    data: Uint8Array.from([0, 100, 200, 1, 101, 201, 10, 110, 210, 11, 111, 211]),
  };

  it('puts channel planes first in NCHW', () => {
    const b = rawImagesToBatch([img], 'NCHW');
    expect(b.shape).toEqual([1, 3, 2, 2]);
    expect(Array.from(b.data, (v) => Math.round(v * 255))).toEqual([0, 1, 10, 11, 100, 101, 110, 111, 200, 201, 210, 211]);
    expect(b.data[5]).toBe(Math.fround(101 / 255));
  });

  it('keeps HWC order in NHWC', () => {
    const b = rawImagesToBatch([img], 'NHWC');
    expect(b.shape).toEqual([1, 2, 2, 3]);
    expect(Array.from(b.data, (v) => Math.round(v * 255))).toEqual(Array.from(img.data));
  });

  it('round-trips through both layouts and back to uint8 exactly', () => {
    const imgs: RawImage[] = [0, 1, 2].map((s) => ({ width: 5, height: 4, channels: 3, data: pattern(5, 4, 3, s) }));
    const nchw = rawImagesToBatch(imgs, 'NCHW');
    const nhwc = rawImagesToBatch(imgs, 'NHWC');
    expect(Array.from(convertLayout(nchw, 'NCHW', 'NHWC').data)).toEqual(Array.from(nhwc.data));
    expect(convertLayout(nhwc, 'NHWC', 'NCHW').shape).toEqual([3, 3, 4, 5]);
    expect(Array.from(convertLayout(nhwc, 'NHWC', 'NCHW').data)).toEqual(Array.from(nchw.data));
    for (const [b, lay] of [[nchw, 'NCHW'], [nhwc, 'NHWC']] as const) {
      const back = batchToRawImages(b, lay);
      back.forEach((r, i) => {
        expect(r).toMatchObject({ width: 5, height: 4, channels: 3 });
        expect(Array.from(r.data)).toEqual(Array.from(imgs[i].data));
      });
    }
  });

  it('clamps and rounds out-of-range values when going back to uint8', () => {
    const back = batchToRawImages({ data: Float32Array.from([-0.5, 1.7, 0.5, 0.2]), shape: [1, 1, 2, 2] }, 'NCHW');
    expect(Array.from(back[0].data)).toEqual([0, 255, 128, 51]);
  });

  it('refuses mixed sizes and the tabular layout', () => {
    const a: RawImage = { width: 2, height: 2, channels: 1, data: new Uint8Array(4) };
    const b: RawImage = { width: 3, height: 2, channels: 1, data: new Uint8Array(6) };
    expect(() => rawImagesToBatch([a, b], 'NCHW')).toThrow(/image 1 is 2x3x1 but image 0 is 2x2x1/);
    expect(() => rawImagesToBatch([a], 'NC')).toThrow(/tabular/);
  });
});
