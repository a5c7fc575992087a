import type { ModelSpec } from '../models/types.js';
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

/**
 * The model's input contract wins (it is what the model was trained on); the dataset's own
 * image_size/channels/layout are the fallback without a model, then the data's native geometry.
 */
export function resolveImageTarget(
  opts: ImageOptions,
  model: ModelSpec | null,
  native?: { height: number; width: number; channels: number },
): ImageTarget {
  if (model?.layout === 'NC') {
    throw new Error(
      `model.layout is 'NC' (tabular) but the dataset holds images; set model.layout to 'NCHW' or 'NHWC', or use a tabular dataset`,
    );
  }
  const size = model?.inputSize ?? opts.image_size ?? (native ? [native.height, native.width] : undefined);
  if (!size) {
    throw new Error('dataset: the image size is unknown; set model.input_size (or dataset.image_size when auditing without a model)');
  }
  const channels = model?.channels ?? opts.channels ?? (native && (native.channels === 1 || native.channels === 3) ? native.channels : 3);
  if (channels !== 1 && channels !== 3) throw new Error(`channels must be 1 or 3, got ${channels}`);
  return {
    height: size[0],
    width: size[1],
    channels,
    layout: (model?.layout as ImageLayout | undefined) ?? opts.layout ?? 'NCHW',
    resize: opts.resize ?? DATASET_DEFAULTS.resize,
  };
}
