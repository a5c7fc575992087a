import type { Batch } from '../tensor.js';

export type Layout = 'NCHW' | 'NHWC' | 'NC';
export type ModelFormat = 'onnx' | 'tfjs-layers' | 'tfjs-graph';
/** How `Model.gradient` obtains d(loss)/d(input): exactly (autodiff), by finite differences, or not at all. */
export type GradientMode = 'exact' | 'estimated' | 'none';
export type OutputKind = 'logits' | 'probabilities';

/**
 * The input contract a user declares in the config (`model:` section), after defaults.
 * Attacks and corruptions always work in pixel space [0, 1]; the adapter maps that to what the
 * model expects: x_model = (x * pixelScale - mean[c]) / std[c], where pixelScale is 1 for a model
 * that expects [0, 1] and 255 for one that expects [0, 255].
 */
/** How to load a model (not part of the config's model spec). */
export interface LoadOptions {
  /**
   * Build the exact-gradient graph on the first gradient() call instead of at load (ONNX). Saves the
   * build for audits that never differentiate; `gradientMode` is then what operator coverage promises
   * until that first call. Default false.
   */
  deferGradients?: boolean;
}

export interface ModelSpec {
  path: string;
  format?: ModelFormat; // inferred from the file name when absent
  layout: Layout;
  /** [height, width] for image models; absent for tabular models. */
  inputSize?: [number, number];
  channels?: number; // 1 or 3 for image models
  pixelRange: [number, number]; // [0, 1] or [0, 255]
  mean?: number[]; // per channel, in the model's pixel range; default 0
  std?: number[]; // per channel; default 1
  classNames?: string[];
  outputs: OutputKind | 'auto';
  threads?: number; // onnxruntime intra-op threads; default: all cores
  batchSize?: number; // preferred batch; a fixed-batch model overrides it
  /** Name of the input/output to use when the model has several. */
  inputName?: string;
  outputName?: string;
}

export interface ModelMeta {
  format: ModelFormat;
  path: string;
  sha256: string;
  inputName: string;
  outputName: string;
  /** Per-sample input shape in the model's layout, e.g. [1, 28, 28]. */
  sampleShape: number[];
  /** Fixed batch size the model requires, or null for a dynamic batch dimension. */
  fixedBatch: number | null;
  numClasses: number;
  classNames: string[];
  layout: Layout;
  /** What the outputs are, as declared or detected ('auto' resolves after the first batch). */
  outputKind: OutputKind;
  outputKindSource: 'declared' | 'detected';
  /** Execution backend actually used, e.g. 'onnxruntime-node cpu' or 'tfjs wasm'. */
  backend: string;
  opset?: number;
}

/**
 * Losses the gradient interface supports. All are per sample and summed (never averaged) over the
 * batch, so a sample's gradient does not depend on batch size.
 * - ce: cross-entropy of softmax(logits) against `labels`.
 * - targeted_ce: cross-entropy against `targets` (an attack descends it).
 * - margin: Carlini–Wagner margin max_{j≠y} z_j − z_y (positive = misclassified).
 * - dlr: −(z_y − max_{j≠y} z_j) / (z_π1 − z_π3 + 1e-12) (Croce & Hein 2020).
 * - dlr_targeted: −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12) (Croce & Hein 2020).
 * - cotangent: no loss; the gradient of Σ cotangent ⊙ logits (e.g. one-hot → gradient of one logit).
 */
export type LossSpec =
  | { loss: 'ce'; labels: Int32Array }
  | { loss: 'targeted_ce'; targets: Int32Array }
  | { loss: 'margin'; labels: Int32Array }
  | { loss: 'dlr'; labels: Int32Array }
  | { loss: 'dlr_targeted'; labels: Int32Array; targets: Int32Array }
  | { loss: 'cotangent'; cotangent: Float32Array };

export interface GradientResult {
  /** [N, C] model outputs (logits, or probabilities for a probability model). */
  logits: Float32Array;
  /** [N] per-sample loss (for 'cotangent': Σ_j cotangent_ij · logits_ij). */
  loss: Float32Array;
  /** d(loss)/d(x) in pixel space, same shape and layout as x. */
  grad: Float32Array;
}

export interface Model {
  readonly meta: ModelMeta;
  readonly gradientMode: GradientMode;
  /** [N, C] outputs for a batch in pixel space [0, 1] (or raw features for tabular models). */
  predict(x: Batch): Promise<Float32Array>;
  /** Loss and its input gradient. Throws when gradientMode is 'none'. */
  gradient(x: Batch, loss: LossSpec): Promise<GradientResult>;
  dispose(): Promise<void>;
}
