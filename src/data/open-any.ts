import type { ModelMeta, ModelSpec } from '../models/types.js';
import { openDataset } from './open.js';
import type { DatasetSpec } from './schema.js';
import type { Dataset } from './types.js';

/** Open the config's `dataset:` section: a predictions file, or a dataset the model reads. */
export async function openAuditDataset(
  spec: Record<string, unknown> & { type: string },
  model: ModelSpec | null,
  meta: ModelMeta | null,
  baseDir: string,
): Promise<Dataset> {
  if (spec.type === 'predictions') {
    const { openPredictions } = await import('./predictions.js');
    return openPredictions(spec as never, baseDir);
  }
  // The loaded model's meta lets image geometry default to a fixed ONNX input shape.
  return openDataset(spec as unknown as DatasetSpec, model ? { spec: model, ...(meta ? { meta } : {}) } : null, baseDir);
}
