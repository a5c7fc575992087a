import type { LoadOptions, Model, ModelSpec } from './types.js';
import { loadOnnxModel } from './onnx.js';
import { loadTfjsModel } from './tfjs.js';

/**
 * Load a model for ONNX and TF.js alike: `.onnx` through onnxruntime-node, anything else
 * (model.json or its folder) through TF.js. Never touches the network.
 */
export async function loadModel(spec: ModelSpec, opts: LoadOptions = {}): Promise<Model> {
  const format = spec.format ?? (spec.path.toLowerCase().endsWith('.onnx') ? 'onnx' : undefined);
  if (format === 'onnx') return loadOnnxModel({ ...spec, format }, opts);
  return loadTfjsModel(spec);
}
