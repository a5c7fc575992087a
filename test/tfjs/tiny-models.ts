/**
 * Small TF.js models written to a temporary folder for adapter tests, with weights chosen here so a
 * test can compute the expected outputs and gradients by hand.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSaveHandler } from '../../src/models/tfjs-io.js';
import { ensureTfjsBackend } from '../../src/models/tfjs-backend.js';

export async function tempDir(name: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `faultline-tfjs-${name}-`));
}

/** Deterministic weights in [-1, 1]. */
export function weights(n: number, salt: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(1.3 * i + salt) * 0.9);
}

/**
 * A hand-written graph-model (TF GraphDef JSON, the format tfjs-converter produces):
 * x [-1,2,2,3] NHWC → Reshape [-1,12] → Relu → MatMul W [12,3] → BiasAdd b → "logits".
 */
export async function writeGraphModel(w: Float32Array, b: Float32Array, controlFlow = false): Promise<string> {
  const dir = await tempDir('graph');
  const f32 = { type: 'DT_FLOAT' };
  const dims = (...d: number[]) => ({ dim: d.map((s) => ({ size: String(s) })) });
  const modelTopology = {
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: f32, shape: { shape: dims(-1, 2, 2, 3) } } },
      { name: 'flat_shape', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: dims(2) } } } },
      { name: 'W', op: 'Const', attr: { dtype: f32, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(12, 3) } } } },
      { name: 'b', op: 'Const', attr: { dtype: f32, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(3) } } } },
      { name: 'flat', op: 'Reshape', input: [controlFlow ? 'merge' : 'x', 'flat_shape'], attr: { T: f32, Tshape: { type: 'DT_INT32' } } },
      { name: 'relu', op: 'Relu', input: ['flat'], attr: { T: f32 } },
      { name: 'matmul', op: 'MatMul', input: ['relu', 'W'], attr: { T: f32, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'logits', op: 'BiasAdd', input: ['matmul', 'b'], attr: { T: f32 } },
      // With controlFlow, x passes through a v1 tf.cond (Switch on a constant true + Merge) first:
      // the same function, but tfjs-converter can only run it with executeAsync.
      ...(controlFlow
        ? [
            { name: 'pred', op: 'Const', attr: { dtype: { type: 'DT_BOOL' }, value: { tensor: { dtype: 'DT_BOOL', tensorShape: {} } } } },
            { name: 'switch', op: 'Switch', input: ['x', 'pred'], attr: { T: f32 } },
            { name: 'merge', op: 'Merge', input: ['switch:1', 'switch:0'], attr: { T: f32, N: { i: '2' } } },
          ]
        : []),
    ],
    library: {},
    versions: { producer: 1 },
  };
  const shapeBytes = new Int32Array([-1, 12]);
  const bin = Buffer.concat([
    Buffer.from(shapeBytes.buffer),
    Buffer.from(w.buffer, w.byteOffset, w.byteLength),
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ...(controlFlow ? [Buffer.from([1])] : []),
  ]);
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'faultline test/tfjs/tiny-models.ts',
    convertedBy: null,
    modelTopology,
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'flat_shape', shape: [2], dtype: 'int32' },
          { name: 'W', shape: [12, 3], dtype: 'float32' },
          { name: 'b', shape: [3], dtype: 'float32' },
          ...(controlFlow ? [{ name: 'pred', shape: [], dtype: 'bool' }] : []),
        ],
      },
    ],
  };
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
  await fs.writeFile(path.join(dir, 'group1-shard1of1.bin'), bin);
  return dir;
}

/** A Sequential dense model saved as a layers-model; returns its folder. */
export async function writeDenseModel(opts: {
  inputs: number;
  units: number;
  activation?: 'softmax' | 'linear';
  fixedBatch?: number;
  kernel: Float32Array;
  bias: Float32Array;
}): Promise<string> {
  await ensureTfjsBackend();
  const dir = await tempDir('dense');
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: opts.units,
        activation: opts.activation ?? 'linear',
        name: 'out',
        ...(opts.fixedBatch !== undefined ? { batchInputShape: [opts.fixedBatch, opts.inputs] } : { inputShape: [opts.inputs] }),
      }),
    ],
  });
  const k = tf.tensor2d(opts.kernel, [opts.inputs, opts.units]);
  const b = tf.tensor1d(opts.bias);
  model.getLayer('out').setWeights([k, b]);
  k.dispose();
  b.dispose();
  await model.save(fileSaveHandler(dir));
  model.dispose();
  return dir;
}
