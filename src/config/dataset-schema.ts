import { datasetSchema } from '../data/schema.js';
import { predictionsDatasetSchema } from '../data/predictions.js';

/**
 * The `dataset` section's schema: the model-fed datasets of src/data/schema.ts plus a predictions
 * file (fairness without a model) as one more `type` variant in the same if/then form, so ajv
 * applies the chosen variant's defaults and `unevaluatedProperties` names unknown fields.
 */
export function datasetSchemaForConfig(): Record<string, unknown> {
  const base = datasetSchema as unknown as { properties: Record<string, unknown>; allOf: unknown[] };
  const { type: _type, ...predictionProps } = predictionsDatasetSchema.properties;
  return {
    ...datasetSchema,
    properties: { ...base.properties, type: { enum: ['idx', 'image-folder', 'manifest', 'tabular', 'predictions'] } },
    allOf: [
      ...base.allOf,
      {
        if: { properties: { type: { const: 'predictions' } }, required: ['type'] },
        then: { type: 'object', required: ['path'], properties: predictionProps },
      },
    ],
  };
}
