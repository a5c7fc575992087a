import type { ModelSpec } from '../models/types.js';
import { openDataset } from './open.js';
import { openPredictions } from './predictions.js';
import type { Dataset } from './types.js';

/** Open the config's `dataset:` section: a predictions file, or a dataset the model reads. */
export async function openAuditDataset(spec: Record<string, unknown> & { type: string }, model: ModelSpec | null, baseDir: string): Promise<Dataset> {
  if (spec.type === 'predictions') return openPredictions(spec as never, baseDir);
  return openDataset(spec as never, model ? { spec: model } : null, baseDir);
}
