import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Batch } from '../../src/tensor.js';
import type { ModelSpec } from '../../src/models/types.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const fixture = (p: string): string => `${root}fixtures/${p}`;

/** The first `n` Fashion-MNIST test images as x = u8/255, NCHW [n,1,28,28]. */
export function fmnistImages(n = 1000): Batch {
  const u8 = readFileSync(fixture('data/fmnist_test1000_images_u8.bin'));
  const data = new Float32Array(n * 784);
  for (let i = 0; i < data.length; i++) data[i] = u8[i] / 255;
  return { data, shape: [n, 1, 28, 28] };
}

export function fmnistLabels(n = 1000): Int32Array {
  return Int32Array.from(readFileSync(fixture('data/fmnist_test1000_labels_u8.bin')).subarray(0, n));
}

export function readF32(p: string): Float32Array {
  const b = readFileSync(fixture(p));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function readF64(p: string): Float64Array {
  const b = readFileSync(fixture(p));
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export const fmnistSpec: ModelSpec = {
  path: fixture('models/fmnist_cnn.onnx'),
  layout: 'NCHW',
  inputSize: [28, 28],
  channels: 1,
  pixelRange: [0, 1],
  outputs: 'logits',
  threads: 1,
};
