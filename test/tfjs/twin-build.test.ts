/**
 * fixtures/build-tfjs-twin.ts regenerates the committed twin byte for byte from fmnist_cnn.onnx,
 * and its layout conversions are the ones the ONNX operators define.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTwin, gemmToDense, oihwToHwio } from '../../fixtures/build-tfjs-twin.js';
import { ROOT, TWIN_DIR } from './fixtures.js';
import { tempDir } from './tiny-models.js';

describe('build-tfjs-twin', () => {
  it('rebuilds identical model.json and weights.bin', async () => {
    const out = await tempDir('twin');
    await buildTwin(path.join(ROOT, 'fixtures/models/fmnist_cnn.onnx'), out);
    for (const f of ['model.json', 'weights.bin']) {
      const [a, b] = await Promise.all([fs.readFile(path.join(out, f)), fs.readFile(path.join(TWIN_DIR, f))]);
      expect(a.equals(b), `${f} differs from the committed twin; rerun the builder and commit`).toBe(true);
    }
  });

  it('maps OIHW conv weights to HWIO and Gemm (transB) weights to Dense kernels', () => {
    const w = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i); // O=2, I=3, H=2, W=2
    const hwio = oihwToHwio({ dims: [2, 3, 2, 2], data: w }).arraySync() as number[][][][];
    // element (o, i, h, w) sits at ((o·3 + i)·2 + h)·2 + w in OIHW
    expect(hwio[1][0][2][1]).toBe(((1 * 3 + 2) * 2 + 1) * 2 + 0);
    const g = gemmToDense({ dims: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }).arraySync();
    expect(g).toEqual([[1, 4], [2, 5], [3, 6]]);
  });
});
