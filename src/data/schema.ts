/**
 * The `dataset:` section of a faultline config: TypeScript types and a JSON Schema (2020-12) fragment,
 * discriminated by `type`. The config validator embeds `datasetSchema` under `dataset`; the fragment
 * has no $id/$ref so it stays valid wherever it is embedded. Paths are relative to the config file.
 */

export type DatasetType = 'idx' | 'image-folder' | 'manifest' | 'tabular';
export type ResizeMode = 'fill' | 'cover' | 'contain';

interface CommonSpec {
  /** Use only the first N usable samples. */
  limit?: number;
  /** Class names by index; default: the model's class names, else derived from the data. */
  class_names?: string[];
}

/** How images are brought to the model's input; the model spec wins, these are the fallback without a model. */
interface ImageSpec extends CommonSpec {
  resize?: ResizeMode;
  image_size?: [number, number];
  channels?: 1 | 3;
  layout?: 'NCHW' | 'NHWC';
  /** Images decoded at once (order is kept). */
  concurrency?: number;
}

export interface IdxDatasetSpec extends ImageSpec {
  type: 'idx';
  images: string;
  labels: string;
}

export interface ImageFolderDatasetSpec extends ImageSpec {
  type: 'image-folder';
  root: string;
}

export interface ManifestDatasetSpec extends ImageSpec {
  type: 'manifest';
  path: string;
  format?: 'csv' | 'jsonl';
  path_column?: string;
  label_column?: string;
  group_columns?: string[];
  id_column?: string;
  delimiter?: string;
}

/** One model feature: a numeric column, an indicator `column == equals`, or a categorical `map`. */
export type FeatureSpec =
  | string
  | { column: string; equals?: string; map?: Record<string, number>; name?: string };

/** The label: a column of class names or indices, or a binary `column == positive` (1) vs. the rest (0). */
export type LabelSpec = string | { column: string; positive?: string; negative?: string };

export interface TabularDatasetSpec extends CommonSpec {
  type: 'tabular';
  path: string;
  /** Feature columns in model order; default: every column that is not the label, id, group or excluded. */
  features?: FeatureSpec[];
  exclude_columns?: string[];
  label: LabelSpec;
  group_columns?: string[];
  id_column?: string;
  delimiter?: string;
}

export type DatasetSpec = IdxDatasetSpec | ImageFolderDatasetSpec | ManifestDatasetSpec | TabularDatasetSpec;

export const DATASET_DEFAULTS = {
  resize: 'fill' as ResizeMode,
  concurrency: 4,
  path_column: 'path',
  label_column: 'label',
  delimiter: ',',
};

const str = (description: string) => ({ type: 'string', minLength: 1, description });
const strList = (description: string) => ({ type: 'array', items: { type: 'string', minLength: 1 }, description });

const commonProps = {
  type: { enum: ['idx', 'image-folder', 'manifest', 'tabular'] },
  limit: { type: 'integer', minimum: 1, description: 'Use only the first N usable samples (skipped inputs do not count).' },
  class_names: strList("Class names by index. Default: the model's class_names, else derived from the data."),
};

const imageProps = {
  resize: {
    enum: ['fill', 'cover', 'contain'],
    default: DATASET_DEFAULTS.resize,
    description: "How an image is brought to the model's input size: 'fill' stretches, 'cover' crops, 'contain' pads with black.",
  },
  image_size: {
    type: 'array',
    items: { type: 'integer', minimum: 1 },
    minItems: 2,
    maxItems: 2,
    description: '[height, width] when no model gives input_size.',
  },
  channels: { enum: [1, 3], description: 'Channels when no model gives them (1 = grey, 3 = RGB).' },
  layout: { enum: ['NCHW', 'NHWC'], description: 'Batch layout when no model gives it.' },
  concurrency: {
    type: 'integer',
    minimum: 1,
    maximum: 64,
    default: DATASET_DEFAULTS.concurrency,
    description: 'Images decoded at once; output order is kept.',
  },
};

const groupProps = {
  group_columns: { ...strList('Sensitive-attribute columns carried with each sample (for fairness probes).'), default: [] },
  id_column: str('Column holding a stable sample id; default: the path (manifest) or row:<n> (tabular).'),
  delimiter: { type: 'string', minLength: 1, maxLength: 1, default: DATASET_DEFAULTS.delimiter, description: 'CSV field delimiter.' },
};

const featureSchema = {
  oneOf: [
    str('A numeric column used as is.'),
    {
      type: 'object',
      required: ['column'],
      additionalProperties: false,
      // equals and map are alternatives (an indicator or a mapping), never both.
      dependentSchemas: { equals: { properties: { map: false } } },
      properties: {
        column: str('Source column.'),
        equals: { type: 'string', description: 'Indicator feature: 1 when the value equals this, else 0 (named <column>_<equals>).' },
        map: {
          type: 'object',
          additionalProperties: { type: 'number' },
          minProperties: 1,
          description: 'Categorical encoding: value → number; a value not listed skips the row.',
        },
        name: str('Feature name in reports.'),
      },
    },
  ],
};

const labelSchema = {
  oneOf: [
    str('Column of class names (see class_names) or 0-based class indices.'),
    {
      type: 'object',
      required: ['column'],
      additionalProperties: false,
      properties: {
        column: str('Label column.'),
        positive: { type: 'string', description: 'Binary label: this value → class 1.' },
        negative: {
          type: 'string',
          description: 'With positive: this value → class 0; any other value skips the row. Without it, every other value is class 0.',
        },
      },
    },
  ],
};

const variant = (type: DatasetType, required: string[], properties: Record<string, unknown>) => ({
  if: { properties: { type: { const: type } }, required: ['type'] },
  then: { type: 'object', required, properties },
});

/** JSON Schema 2020-12 fragment for `dataset:`; apply with Ajv2020 and `useDefaults: true`. */
export const datasetSchema = {
  type: 'object',
  description: 'The data the audit runs on. Paths are relative to the config file.',
  required: ['type'],
  properties: commonProps,
  allOf: [
    variant('idx', ['images', 'labels'], {
      ...imageProps,
      images: str('IDX image file (MNIST format, u8 [N,H,W] or [N,H,W,C]).'),
      labels: str('IDX label file (u8 [N]).'),
    }),
    variant('image-folder', ['root'], {
      ...imageProps,
      root: str('Folder with one subfolder per class (class names = sorted subfolder names unless class_names is given).'),
    }),
    variant('manifest', ['path'], {
      ...imageProps,
      ...groupProps,
      path: str('CSV or JSONL manifest; image paths in it are relative to the manifest file.'),
      format: { enum: ['csv', 'jsonl'], description: 'Default: from the extension (.jsonl/.ndjson = jsonl, else csv).' },
      path_column: { ...str('Column with the image path.'), default: DATASET_DEFAULTS.path_column },
      label_column: { ...str('Column with the class name or 0-based index.'), default: DATASET_DEFAULTS.label_column },
    }),
    variant('tabular', ['path', 'label'], {
      ...groupProps,
      path: str('CSV file with a header row.'),
      features: { type: 'array', items: featureSchema, minItems: 1, description: 'Model features in model order.' },
      exclude_columns: strList('Columns left out when features are not listed.'),
      label: labelSchema,
    }),
  ],
  unevaluatedProperties: false,
} as const;
