/**
 * The `dataset` section's schema. Placeholder until src/data/schema.ts lands: accepts any dataset
 * object with a `type`; the loaders validate their own fields.
 */
export function datasetSchemaForConfig(): Record<string, unknown> {
  return {
    type: 'object',
    required: ['type'],
    properties: { type: { enum: ['idx', 'image-folder', 'manifest', 'tabular', 'predictions'] } },
  };
}
