import type { ModelMeta, ModelSpec } from '../models/types.js';
import type { ImageLayout } from './convert.js';
import type { ResizeMode } from './schema.js';
import { DATASET_DEFAULTS } from './schema.js';

/** What every image of a dataset is turned into: size, channels, batch layout, resize mode. */
export interface ImageTarget {
  height: number;
  width: number;
  channels: 1 | 3;
  layout: ImageLayout;
  resize: ResizeMode;
}

interface ImageOptions {
  resize?: ResizeMode;
  image_size?: [number, number];
  channels?: 1 | 3;
  layout?: 'NCHW' | 'NHWC';
}

/** [height, width, channels] a loaded model's input shape fixes, when its dimensions are static. */
export function geometryFromMeta(meta: Pick<ModelMeta, 'sampleShape' | 'layout'> | undefined): { size?: [number, number]; channels?: number } {
  if (!meta || meta.sampleShape.length !== 3 || meta.layout === 'NC') return {};
  const [a, b, c] = meta.sampleShape;
  const [h, w, ch] = meta.layout === 'NCHW' ? [b, c, a] : [a, b, c];
  const ok = (d: number) => Number.isInteger(d) && d > 0;
  return { size: ok(h) && ok(w) ? [h, w] : undefined, channels: ch === 1 || ch === 3 ? ch : undefined };
}

/**
 * The model's input contract wins (it is what the model was trained on): the declared spec, then the
 * loaded model's static input shape (meta.sampleShape); the dataset's own
 * image_size/channels/layout are the fallback without a model, then the data's native geometry.
 */
export function resolveImageTarget(
  opts: ImageOptions,
  model: ModelSpec | null,
  native?: { height: number; width: number; channels: number },
  meta?: Pick<ModelMeta, 'sampleShape' | 'layout'>,
): ImageTarget {
  const fromMeta = geometryFromMeta(meta);
  if (model?.layout === 'NC') {
    throw new Error(
      `model.layout is 'NC' (tabular) but the dataset holds images; set model.layout to 'NCHW' or 'NHWC', or use a tabular dataset`,
    );
  }
  const size = model?.inputSize ?? fromMeta.size ?? opts.image_size ?? (native ? [native.height, native.width] : undefined);
  if (!size) {
    throw new Error('dataset: the image size is unknown; set model.input_size (or dataset.image_size when auditing without a model)');
  }
  const channels = model?.channels ?? fromMeta.channels ?? opts.channels ?? (native && (native.channels === 1 || native.channels === 3) ? native.channels : 3);
  if (channels !== 1 && channels !== 3) throw new Error(`channels must be 1 or 3, got ${channels}`);
  return {
    height: size[0],
    width: size[1],
    channels,
    layout: (model?.layout as ImageLayout | undefined) ?? opts.layout ?? 'NCHW',
    resize: opts.resize ?? DATASET_DEFAULTS.resize,
  };
}
