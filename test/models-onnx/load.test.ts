import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inspectOnnx, loadOnnxModel, type OnnxModel } from '../../src/models/onnx.js';
import { argmaxRows } from '../../src/tensor.js';
import { fixture, fmnistImages, fmnistLabels, fmnistSpec, readF32 } from './fmnist-fixtures.js';

describe('loadOnnxModel on fmnist_cnn.onnx', () => {
  let model: OnnxModel;
  beforeAll(async () => {
    model = await loadOnnxModel(fmnistSpec);
  });
  afterAll(async () => model.dispose());

  test('meta is read from the graph', () => {
    expect(model.meta.inputName).toBe('input');
    expect(model.meta.outputName).toBe('logits');
    expect(model.meta.sampleShape).toEqual([1, 28, 28]);
    expect(model.meta.fixedBatch).toBeNull();
    expect(model.meta.numClasses).toBe(10);
    expect(model.meta.opset).toBe(13);
    expect(model.meta.backend).toMatch(/^onnxruntime-node 1\.\d+\.\d+ cpu$/);
    const sha = createHash('sha256').update(readFileSync(fmnistSpec.path)).digest('hex');
    expect(model.meta.sha256).toBe(sha);
  });

  test('accuracy 0.893 and logits within 1e-4 of the PyTorch reference', async () => {
    const x = fmnistImages(1000);
    const logits = await model.predict(x);
    const ref = readF32('golden/arrays/fmnist_clean_logits_f32.bin');
    expect(logits.length).toBe(ref.length);
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(logits[i] - ref[i]));
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    const pred = argmaxRows(logits, 10);
    const y = fmnistLabels(1000);
    let correct = 0;
    for (let i = 0; i < y.length; i++) correct += pred[i] === y[i] ? 1 : 0;
    expect(correct / y.length).toBe(0.893);
  });

  test('chunked prediction and gradients (batchSize 7) equal one-shot ones', async () => {
    const small = await loadOnnxModel({ ...fmnistSpec, batchSize: 7 });
    const x = fmnistImages(20);
    const a = await small.predict(x);
    const b = await model.predict(x);
    expect(Array.from(a)).toEqual(Array.from(b));
    const y = Int32Array.from({ length: 20 }, (_, i) => i % 10);
    const ga = await small.gradient(x, { loss: 'ce', labels: y });
    const gb = await model.gradient(x, { loss: 'ce', labels: y });
    // Different batch sizes block the kernels differently: equal up to float32 rounding.
    const gmax = gb.grad.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (let i = 0; i < ga.grad.length; i++) expect(Math.abs(ga.grad[i] - gb.grad[i])).toBeLessThan(1e-5 * gmax);
    for (let i = 0; i < 20; i++) expect(ga.loss[i]).toBeCloseTo(gb.loss[i], 6);
    await small.dispose();
  });
});

describe('pixel-space normalisation', () => {
  test('mean/std with pixelRange 255 feed (x·255 − mean)/std to the model', async () => {
    // With pixelRange 255, mean 0.5·255 and std 255 the model sees x − 0.5; feeding x + 0.5 must
    // reproduce the plain model's outputs on x.
    const norm = await loadOnnxModel({ ...fmnistSpec, pixelRange: [0, 255], mean: [127.5], std: [255] });
    const plain = await loadOnnxModel(fmnistSpec);
    const x = fmnistImages(8);
    const shifted = { data: x.data.map((v) => v + 0.5), shape: x.shape };
    const a = await norm.predict(shifted);
    const b = await plain.predict(x);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
    await norm.dispose();
    await plain.dispose();
  });

  test('a wrong declared input size is an actionable error', async () => {
    await expect(loadOnnxModel({ ...fmnistSpec, inputSize: [32, 32] })).rejects.toThrow(/\[1, 32, 32\].*\[batch, 1, 28, 28\]/);
  });
});

describe('outputs: auto', () => {
  test('logits are detected as logits', async () => {
    const m = await loadOnnxModel({ ...fmnistSpec, outputs: 'auto' });
    await m.predict(fmnistImages(4));
    expect(m.meta.outputKind).toBe('logits');
    expect(m.meta.outputKindSource).toBe('detected');
    await m.dispose();
  });
});

describe('inspectOnnx', () => {
  test('fmnist_cnn: shapes, opset, op histogram, parameter count', async () => {
    const info = await inspectOnnx(fixture('models/fmnist_cnn.onnx'));
    expect(info.inputs).toEqual([{ name: 'input', shape: ['batch', 1, 28, 28], dtype: 'float32' }]);
    expect(info.outputs).toEqual([{ name: 'logits', shape: ['batch', 10], dtype: 'float32' }]);
    expect(info.opset).toBe(13);
    expect(info.opHistogram).toEqual({ Conv: 2, Relu: 3, MaxPool: 2, Flatten: 1, Gemm: 2 });
    // conv1 16·1·9+16, conv2 32·16·9+32, fc1 64·1568+64, fc2 10·64+10
    expect(info.parameterCount).toBe(160 + 4640 + 100416 + 650);
  });
});
