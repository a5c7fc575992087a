/** Public entry of the dataset loaders. */
export { openDataset, type OpenDatasetOptions } from './open.js';
export { datasetSchema, DATASET_DEFAULTS } from './schema.js';
export type { DatasetSpec, IdxDatasetSpec, ImageFolderDatasetSpec, ManifestDatasetSpec, TabularDatasetSpec, FeatureSpec, LabelSpec, ResizeMode } from './schema.js';
export { rawImagesToBatch, batchToRawImages, convertLayout, type ImageLayout } from './convert.js';
export { rgbToLuma601 } from './decode.js';
export type { BatchOptions, DataBatch, Dataset, RawImage, SkippedInput } from './types.js';
