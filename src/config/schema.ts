import type { Probe } from '../runner/probe.js';

/**
 * The audit config's JSON Schema (2020-12). The fixed parts live here; the `dataset` schema comes
 * from src/data and each probe contributes its own options schema, so adding a probe never edits
 * this file. `faultline schema config` prints the composed schema.
 */
export function buildConfigSchema(probes: readonly Probe[], datasetSchema: Record<string, unknown>): Record<string, unknown> {
  const probeProps: Record<string, unknown> = {};
  for (const p of probes) {
    // `probe: true` / `probe:` / `probe: false` are normalised to {} or removed before validation,
    // so the options schema applies directly (ajv applies no defaults inside anyOf).
    // A probe's top-level `default` is dropped here: ajv would otherwise switch on every probe.
    const { default: _unused, ...options } = p.optionsSchema;
    probeProps[p.name] = { description: p.title, ...options };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://faultline.dev/schema/config-1.json',
    title: 'faultline audit config',
    type: 'object',
    additionalProperties: false,
    required: ['dataset'],
    properties: {
      version: { const: 1, default: 1, description: 'Config format version.' },
      name: { type: 'string', description: 'A name for this audit, shown in the report.' },
      seed: { type: 'integer', minimum: 0, default: 0, description: 'Seed for every random choice.' },
      model: modelSchema,
      dataset: datasetSchema,
      probes: {
        type: 'object',
        additionalProperties: false,
        properties: probeProps,
        default: { performance: {} },
        description: 'Probes to run, by name; `true` or `{}` runs a probe with its defaults.',
      },
      gates: {
        type: 'array',
        default: [],
        items: gateSchema,
        description: 'Thresholds on metrics; see README "Gates".',
      },
      gate_settings: gateSettingsSchema,
      output: outputSchema,
    },
  };
}

const modelSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  description: "The model under audit and its input contract. Attacks and corruptions work in pixel space [0,1]; the adapter maps that to what the model expects.",
  properties: {
    path: { type: 'string', minLength: 1, description: 'ONNX file, or a TF.js model.json (or the folder holding it). Relative to the config file.' },
    format: { enum: ['onnx', 'tfjs-layers', 'tfjs-graph'], description: 'Inferred from the file when absent.' },
    layout: { enum: ['NCHW', 'NHWC', 'NC'], default: 'NCHW', description: 'Input layout; NC for tabular models.' },
    input_size: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2, description: '[height, width] of image inputs.' },
    channels: { enum: [1, 3], description: 'Image channels the model takes.' },
    pixel_range: {
      type: 'array',
      items: { type: 'number' },
      minItems: 2,
      maxItems: 2,
      default: [0, 1],
      description: 'Pixel range the model expects: [0, 1] or [0, 255].',
    },
    mean: { type: 'array', items: { type: 'number' }, minItems: 1, description: 'Per-channel mean subtracted (in the model pixel range).' },
    std: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 1, description: 'Per-channel std divided by.' },
    class_names: { type: 'array', items: { type: 'string' }, minItems: 2 },
    outputs: { enum: ['logits', 'probabilities', 'auto'], default: 'auto', description: 'What the model outputs; auto detects rows summing to 1.' },
    threads: { type: 'integer', minimum: 1, description: 'onnxruntime intra-op threads (default: all cores).' },
    batch_size: { type: 'integer', minimum: 1, default: 128, description: 'Batch size for inference (a fixed-batch model overrides it).' },
    input_name: { type: 'string' },
    output_name: { type: 'string' },
  },
};

const gateObjectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['metric', 'op', 'threshold'],
  properties: {
    name: { type: 'string' },
    metric: { type: 'string', minLength: 1, description: 'Metric path, e.g. performance.accuracy or fairness.equalized_odds_difference[sex].' },
    op: { enum: ['<', '<=', '>', '>=', '==', '!='] },
    threshold: { anyOf: [{ type: 'number' }, { type: 'boolean' }, { type: 'string' }] },
    severity: { enum: ['block', 'warn'], default: 'block', description: 'warn: a violation is reported but does not fail the build.' },
    judge: {
      enum: ['point', 'interval', 'strict'],
      default: 'point',
      description:
        'point: the estimate decides. interval: FAIL only when the whole interval violates the threshold (benefit of the doubt). strict: PASS only when the whole interval satisfies it.',
    },
  },
};

const gateSchema = {
  anyOf: [{ type: 'string', minLength: 3, description: 'e.g. "performance.accuracy >= 0.85"' }, gateObjectSchema],
};

const outputSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    dir: { type: 'string', description: 'Where to write results.json and the reports (default: beside the config file).' },
    formats: {
      type: 'array',
      items: { enum: ['html', 'markdown', 'junit'] },
      default: ['html', 'markdown'],
      description: 'Reports to render besides results.json.',
    },
    per_sample: { type: 'boolean', default: false, description: 'Include per-sample records in results.json.' },
  },
};

const gateSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    holm: {
      type: 'boolean',
      default: false,
      description: 'Holm-correct the blocking gates that carry bootstrap draws (family-wise error across gates).',
    },
    alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.05, description: 'Family-wise error rate for Holm.' },
    on_insufficient: {
      enum: ['fail', 'warn'],
      default: 'fail',
      description: 'What an INSUFFICIENT blocking gate does to the exit code (it never counts as PASS).',
    },
  },
};
