import type { ModelMeta, ModelSpec } from '../models/types.js';
import type { Dataset } from './types.js';
import type { DatasetSpec } from './schema.js';
import { IdxDataset } from './idx.js';
import { ImageFolderDataset } from './image-folder.js';
import { ManifestDataset } from './manifest.js';
import { TabularDataset } from './tabular.js';

export interface OpenDatasetOptions {
  /** Default for `batches(n, {images})`: deliver uint8 HWC images with every batch. Default false. */
  includeImages?: boolean;
}

/**
 * Open the dataset a config describes. Image datasets take their input size, channels and layout from
 * the model's spec, else from a loaded model's static input shape (`meta`), so batches fit the model; `baseDir` is the config file's folder, against which
 * every path is resolved. Throws an actionable error for a missing file, wrong format or unknown column.
 */
export async function openDataset(
  spec: DatasetSpec,
  model: { spec: ModelSpec; meta?: Pick<ModelMeta, 'sampleShape' | 'layout'> } | null,
  baseDir: string,
  options: OpenDatasetOptions = {},
): Promise<Dataset> {
  const m = model?.spec ?? null;
  const meta = model?.meta;
  const images = options.includeImages ?? false;
  switch (spec.type) {
    case 'idx':
      return IdxDataset.open(spec, m, baseDir, images, meta);
    case 'image-folder':
      return ImageFolderDataset.open(spec, m, baseDir, images, meta);
    case 'manifest':
      return ManifestDataset.open(spec, m, baseDir, images, meta);
    case 'tabular':
      if (m && m.layout !== 'NC') {
        throw new Error(`dataset.type is 'tabular' but model.layout is '${m.layout}'; a tabular model takes [N, features] input (layout 'NC')`);
      }
      return TabularDataset.open(spec, m, baseDir);
    default: {
      const t = (spec as { type?: unknown }).type;
      throw new Error(`dataset.type '${String(t)}' is not supported; use one of idx, image-folder, manifest, tabular`);
    }
  }
}
