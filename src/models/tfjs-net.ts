/**
 * One interface over TF.js LayersModel and GraphModel: a single input, a single chosen output,
 * and a synchronous differentiable forward pass (what tf.grad needs).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-converter';
import { fileLoadHandler, type TfjsModelFiles } from './tfjs-io.js';

export interface TfjsNet {
  inputName: string;
  outputName: string;
  /** Input shape including batch; null (or −1 in graph models) marks an unknown dimension. */
  inputShape: (number | null)[];
  /** Number of output columns when the model declares it, else null. */
  outputWidth: number | null;
  /** Forward pass recorded on the gradient tape. Throws for graph models with dynamic control flow. */
  run(x: tf.Tensor): tf.Tensor;
  /** Forward pass that also works for graph models with control flow (no gradients). */
  runAsync(x: tf.Tensor): Promise<tf.Tensor>;
  dispose(): void;
}

function pickName(kind: string, names: string[], wanted: string | undefined, where: string): number {
  if (wanted === undefined) {
    if (kind === 'input' && names.length > 1) {
      throw new Error(`${where} has ${names.length} inputs (${names.join(', ')}); faultline feeds one image or feature batch, so the model must have exactly one input`);
    }
    return 0;
  }
  const i = names.indexOf(wanted);
  if (i < 0) throw new Error(`${where} has no ${kind} named "${wanted}"; its ${kind}s are: ${names.join(', ')}`);
  return i;
}

export async function loadLayersNet(files: TfjsModelFiles, inputName?: string, outputName?: string): Promise<TfjsNet> {
  const model = await tfl.loadLayersModel(fileLoadHandler(files));
  const where = files.modelJsonPath;
  const ii = pickName('input', model.inputNames, inputName, where);
  const oi = pickName('output', model.outputNames, outputName, where);
  const outShape = model.outputs[oi].shape;
  const forward = (x: tf.Tensor): tf.Tensor => {
    const y = model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
    return Array.isArray(y) ? y[oi] : y;
  };
  return {
    inputName: model.inputNames[ii],
    outputName: model.outputNames[oi],
    inputShape: model.inputs[ii].shape,
    outputWidth: outShape[outShape.length - 1] ?? null,
    run: forward,
    runAsync: async (x) => forward(x),
    dispose: () => model.dispose(),
  };
}

export async function loadGraphNet(files: TfjsModelFiles, inputName?: string, outputName?: string): Promise<TfjsNet> {
  const model = await tfc.loadGraphModel(fileLoadHandler(files));
  const where = files.modelJsonPath;
  const inNames = model.inputs.map((t) => t.name);
  const outNames = model.outputs.map((t) => t.name);
  const inp = model.inputs[pickName('input', inNames, inputName, where)];
  const out = model.outputs[pickName('output', outNames, outputName, where)];
  const shape = (inp.shape ?? []).map((d) => (d >= 0 ? d : null));
  const outShape = out.shape ?? [];
  const last = outShape[outShape.length - 1];
  return {
    inputName: inp.name,
    outputName: out.name,
    inputShape: shape,
    outputWidth: last !== undefined && last > 0 ? last : null,
    run: (x) => model.execute({ [inp.name]: x }, out.name) as tf.Tensor,
    runAsync: async (x) => (await model.executeAsync({ [inp.name]: x }, out.name)) as tf.Tensor,
    dispose: () => model.dispose(),
  };
}
