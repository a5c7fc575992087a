import { describe, expect, it } from 'vitest';
import { geometryFromMeta, resolveImageTarget } from '../../src/data/target.js';
import type { ModelSpec } from '../../src/models/types.js';

const spec = (over: Partial<ModelSpec>): ModelSpec => ({ path: 'm', layout: 'NCHW', pixelRange: [0, 1], outputs: 'auto', ...over });

describe('resolveImageTarget', () => {
  it('prefers the declared model spec, then the loaded model shape, then the dataset, then the data', () => {
    const native = { height: 28, width: 28, channels: 1 };
    const meta = { sampleShape: [3, 32, 32], layout: 'NCHW' as const };
    expect(resolveImageTarget({ image_size: [10, 10], channels: 1 }, spec({ inputSize: [64, 48], channels: 3 }), native, meta)).toEqual({
      height: 64, width: 48, channels: 3, layout: 'NCHW', resize: 'fill',
    });
    expect(resolveImageTarget({ image_size: [10, 10] }, spec({}), native, meta)).toMatchObject({ height: 32, width: 32, channels: 3 });
    expect(resolveImageTarget({ image_size: [10, 12], channels: 3, resize: 'cover' }, spec({ layout: 'NHWC' }), native)).toEqual({
      height: 10, width: 12, channels: 3, layout: 'NHWC', resize: 'cover',
    });
    expect(resolveImageTarget({}, null, native)).toEqual({ height: 28, width: 28, channels: 1, layout: 'NCHW', resize: 'fill' });
    expect(() => resolveImageTarget({}, spec({ layout: 'NC' }), native)).toThrow(/model.layout is 'NC'/);
  });

  it('reads NHWC shapes and ignores dynamic dimensions', () => {
    expect(geometryFromMeta({ sampleShape: [224, 200, 3], layout: 'NHWC' })).toEqual({ size: [224, 200], channels: 3 });
    expect(geometryFromMeta({ sampleShape: [1, -1, -1], layout: 'NCHW' })).toEqual({ size: undefined, channels: 1 });
    expect(geometryFromMeta({ sampleShape: [7], layout: 'NC' })).toEqual({});
  });
});
