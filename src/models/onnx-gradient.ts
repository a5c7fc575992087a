/**
 * How the ONNX adapter gets input gradients: an exact reverse-mode graph when every op on the path
 * has a rule, otherwise finite-difference estimates through forward passes.
 */
import type { ModelProto } from '../autodiff/onnx-proto.js';
import type { Batch } from '../tensor.js';
import type { OnnxInspection } from './onnx-inspect.js';
import type { PixelTransform } from './onnx-pixels.js';
import type { GradientMode, GradientResult, LossSpec, ModelMeta } from './types.js';

export interface GradientEngineInput {
  proto: ModelProto;
  bytes: Uint8Array;
  sha256: string;
  meta: ModelMeta;
  transform: PixelTransform;
  inputType: 'float32' | 'float64';
  threads?: number;
  inspection: OnnxInspection;
}

/** What the engine needs back from the adapter (forward passes for the estimated path). */
export interface ForwardModel {
  predictModelSpace(xModel: Float32Array, n: number): Promise<Float32Array>;
}

export interface GradientEngine {
  readonly mode: GradientMode;
  readonly reason: string | null;
  attach(model: ForwardModel): void;
  gradient(x: Batch, loss: LossSpec): Promise<GradientResult>;
  dispose(): Promise<void>;
}

export async function createGradientEngine(input: GradientEngineInput): Promise<GradientEngine> {
  void input;
  return {
    mode: 'none',
    reason: 'input gradients for ONNX models are not built yet',
    attach: () => {},
    gradient: () => Promise.reject(new Error('not built yet')),
    dispose: async () => {},
  };
}
