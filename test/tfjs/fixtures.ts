/** Readers for the reference fixtures the TF.js tests compare against (paths from the repo root). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TWIN_DIR = path.join(ROOT, 'fixtures/models/fmnist_cnn_tfjs');

function bytes(rel: string): Buffer {
  return readFileSync(path.join(ROOT, rel));
}

export function readF32(rel: string): Float32Array {
  const b = bytes(rel);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function readF64(rel: string): Float64Array {
  const b = bytes(rel);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The first n Fashion-MNIST test images as float32 u8/255, NCHW [n,1,28,28], and their labels. */
export function fmnist(n = 1000): { x: Float32Array; labels: Int32Array } {
  const img = bytes('fixtures/data/fmnist_test1000_images_u8.bin');
  const lab = bytes('fixtures/data/fmnist_test1000_labels_u8.bin');
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = img[i] / 255;
  return { x, labels: Int32Array.from(lab.subarray(0, n)) };
}
