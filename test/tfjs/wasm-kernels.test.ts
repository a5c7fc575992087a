/**
 * What the wasm backend does for the gradient kernels faultline needs, after ensureTfjsBackend()
 * routed MaxPoolGrad and the missing filter/depthwise backprops to the cpu backend
 * (src/models/tfjs-wasm-bridge.ts). Each case is compared with the same computation on cpu.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ensureTfjsBackend } from '../../src/models/tfjs-backend.js';

async function onBoth(f: () => Float32Array): Promise<{ wasm: Float32Array; cpu: Float32Array }> {
  await tf.setBackend('cpu');
  const cpu = tf.tidy(f);
  await tf.setBackend('wasm');
  const wasm = tf.tidy(f);
  return { wasm, cpu };
}

beforeAll(async () => {
  const b = await ensureTfjsBackend();
  expect(b.name).toBe('wasm');
});

describe('wasm gradient kernels', () => {
  it('max-pool sends a tied window to its first maximum and keeps windows whose max is negative', async () => {
    // Window 1 is a 4-way tie, window 2 is all negative; PyTorch / TF / tfjs-cpu pick the first max.
    const x = [0.5, 0.5, -0.3, -0.2, 0.5, 0.5, -0.1, -0.4];
    const grad = () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), tf.tensor([3, 7], [1, 1, 2, 1]))))(tf.tensor4d(x, [1, 2, 4, 1])).dataSync() as Float32Array;
    const { wasm, cpu } = await onBoth(grad);
    expect(Array.from(cpu)).toEqual([3, 0, 0, 0, 0, 0, 7, 0]);
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  it.each([
    { filter: 2, stride: 2, pad: 'valid' as const },
    { filter: 3, stride: 2, pad: 'same' as const },
    { filter: 3, stride: 1, pad: 'valid' as const },
    { filter: 2, stride: 1, pad: 'same' as const },
  ])('max-pool gradient $filter×$filter stride $stride $pad on values with many ties matches cpu', async ({ filter, stride, pad }) => {
    // Values on a coarse grid (−2..2) so windows tie often, odd sizes so padding matters.
    const vals = Array.from({ length: 2 * 7 * 9 * 3 }, (_, i) => Math.round(2 * Math.sin(i * 1.7)));
    const f = () => {
      const x = tf.tensor4d(vals, [2, 7, 9, 3]);
      const y = tf.maxPool(x, filter, stride, pad);
      const u = tf.tensor(Float32Array.from({ length: y.size }, (_, i) => Math.sin(i)), y.shape);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, filter, stride, pad), u)))(x).dataSync() as Float32Array;
    };
    const { wasm, cpu } = await onBoth(f);
    // Same positions chosen; overlapping windows may add their contributions in another order.
    expect(wasm.map((v, i) => (cpu[i] === 0 ? v : 0)).every((v) => v === 0)).toBe(true);
    let d = 0;
    cpu.forEach((v, i) => (d = Math.max(d, Math.abs(v - wasm[i]))));
    expect(d).toBeLessThanOrEqual(1e-6);
  });

  it('differentiates a linear fused conv2d (needs Conv2DBackpropFilter) and matches cpu', async () => {
    const x = tf.tidy(() => tf.keep(tf.sin(tf.reshape(tf.range(0, 2 * 5 * 5 * 3), [2, 5, 5, 3]))));
    const w = tf.tidy(() => tf.keep(tf.cos(tf.reshape(tf.range(0, 3 * 3 * 3 * 4), [3, 3, 3, 4]))));
    const bias = tf.tensor1d([0.1, -0.2, 0.3, 0]);
    const f = () => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.fused.conv2d({ x: t as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias }))))(x).dataSync() as Float32Array;
    const cpuBackend = tf.findBackend('cpu')!;
    const cpuData = cpuBackend.numDataIds();
    const { wasm, cpu } = await onBoth(f);
    expect(cpuBackend.numDataIds()).toBe(cpuData); // the bridge frees its cpu copies
    let d = 0;
    let m = 0;
    cpu.forEach((v, i) => ((d = Math.max(d, Math.abs(v - wasm[i]))), (m = Math.max(m, Math.abs(v)))));
    expect(m).toBeGreaterThan(0);
    expect(d / m).toBeLessThan(1e-6);
    tf.dispose([x, w, bias]);
  });

  it('differentiates a depthwise conv2d (needs DepthwiseConv2dNativeBackpropInput) and matches cpu', async () => {
    const x = tf.tidy(() => tf.keep(tf.sin(tf.reshape(tf.range(0, 6 * 6 * 2), [1, 6, 6, 2]))));
    const w = tf.tidy(() => tf.keep(tf.cos(tf.reshape(tf.range(0, 3 * 3 * 2 * 2), [3, 3, 2, 2]))));
    const f = () => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(t as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'))))(x).dataSync() as Float32Array;
    const { wasm, cpu } = await onBoth(f);
    let d = 0;
    let m = 0;
    cpu.forEach((v, i) => ((d = Math.max(d, Math.abs(v - wasm[i]))), (m = Math.max(m, Math.abs(v)))));
    expect(m).toBeGreaterThan(0);
    expect(d / m).toBeLessThan(1e-6);
    tf.dispose([x, w]);
  });
});
