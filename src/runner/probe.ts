import type { Dataset } from '../data/types.js';
import type { GradientMode, Model } from '../models/types.js';
import type { Progress } from '../progress.js';

/**
 * A metric value a gate can test. Plain numbers and booleans, or a measurement with an interval
 * and a reason it may be too thin to judge (fairness on small groups, bootstrap intervals).
 * `value: null` means "not defined" (e.g. a rate with a zero denominator) and `reason` says why.
 */
export type Measured = number | boolean | null | MeasuredValue;
export interface MeasuredValue {
  value: number | null;
  lower?: number;
  upper?: number;
  /** Why the value should not be trusted for a verdict (small group, zero denominator...). */
  insufficient?: string;
  reason?: string;
  /** Group sizes or counts behind the value, for the report. */
  n?: number;
}

export type FindingSeverity = 'info' | 'warning' | 'critical';

/** Something a reader should notice, independent of any gate (e.g. a gradient-masking flag). */
export interface Finding {
  id: string; // stable, e.g. 'adversarial.masking.accuracy_increases_with_eps'
  severity: FindingSeverity;
  title: string;
  detail: string;
  /** What the user should do about it. */
  advice?: string;
}

/**
 * Per-sample records in columnar form: `ids[i]` is the sample id, and each field holds one value per
 * sample. Columnar keeps results.json small and lets shards be merged by concatenation.
 */
export interface PerSampleRecords {
  ids: string[];
  fields: Record<string, Array<number | string | boolean | null>>;
}

export interface ProbeOutput {
  /** Nested metric tree; gates address it as `<probe>.<path>` (see src/gates). */
  metrics: Record<string, unknown>;
  findings?: Finding[];
  notes?: string[];
  /** Material for the report only (example images as data: URIs, curves); never gated. */
  artifacts?: Record<string, unknown>;
  perSample?: PerSampleRecords;
  gradientMode?: GradientMode;
}

/** Clean predictions, computed once by the runner and shared by every probe that needs them. */
export interface CleanPass {
  /** Sample ids, in the same order; may be built on first read (use labels.length for the count). */
  readonly ids: string[];
  labels: Int32Array;
  logits: Float32Array; // [N, C]
  preds: Int32Array;
  groups: Record<string, string[]>;
  numClasses: number;
}

export interface ProbeContext {
  /** Null when the audit runs on a predictions file (fairness without a model). */
  model: Model | null;
  dataset: Dataset;
  seed: number;
  batchSize: number;
  progress: Progress;
  /** Resolve a path written in the config (relative to the config file). */
  resolvePath(p: string): string;
  /** Clean predictions over the whole dataset (computed lazily, once per audit). */
  clean(): Promise<CleanPass>;
  /** Whether per-sample records should be returned (output.per_sample). */
  perSample: boolean;
  /** Load another model with the audit's model spec but a different file (e.g. a baseline). */
  loadModel?(path: string): Promise<Model>;
}

export interface Probe<Options = Record<string, unknown>> {
  name: string;
  /** One-line description for `faultline probes` and the report. */
  title: string;
  /** JSON Schema (2020-12) fragment for this probe's options in the config, defaults included. */
  optionsSchema: Record<string, unknown>;
  /** Whether the probe needs a model (false: works on predictions only). */
  needsModel: boolean;
  /** Whether the probe asks the model for input gradients (the runner builds gradient graphs only then). */
  needsGradients?: boolean;
  run(ctx: ProbeContext, options: Options): Promise<ProbeOutput>;
}
