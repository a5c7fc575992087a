import { datasetSchema } from '../data/schema.js';

/**
 * The `dataset` section's schema: the model-fed datasets of src/data/schema.ts. Predictions files
 * (fairness without a model) get their own branch.
 */
export function datasetSchemaForConfig(): Record<string, unknown> {
  return datasetSchema as unknown as Record<string, unknown>;
}
