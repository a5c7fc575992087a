/**
 * FAULTLINE_TFJS_BACKEND=cpu pins the cpu backend; the twin must give the same PyTorch-matching
 * logits and gradients there (a cross-check of the wasm backend and its cpu bridge). Vitest runs
 * each test file in its own process, so setting the variable here does not affect other files.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadTfjsModel } from '../../src/models/tfjs.js';
import { fmnist, readF32, readF64, TWIN_DIR } from './fixtures.js';

process.env.FAULTLINE_TFJS_BACKEND = 'cpu';

describe('cpu backend', () => {
  it('runs the twin on cpu with PyTorch logits and CE gradients', async () => {
    const model = await loadTfjsModel({ path: TWIN_DIR, layout: 'NCHW', pixelRange: [0, 1], outputs: 'auto' });
    expect(model.meta.backend).toBe(`tfjs ${tf.version_core} cpu`);
    expect(tf.getBackend()).toBe('cpu');
    const n = 64;
    const { x, labels } = fmnist(n);
    const logits = await model.predict({ data: x, shape: [n, 1, 28, 28] });
    const ref = readF32('fixtures/golden/arrays/fmnist_clean_logits_f32.bin');
    let d = 0;
    for (let i = 0; i < n * 10; i++) d = Math.max(d, Math.abs(logits[i] - ref[i]));
    expect(d).toBeLessThanOrEqual(1e-4);
    const g = await model.gradient({ data: x.subarray(0, 4 * 784), shape: [4, 1, 28, 28] }, { loss: 'ce', labels: labels.subarray(0, 4) });
    const gref = readF64('fixtures/golden/arrays/fmnist_grad_ce_first16_f64.bin').subarray(0, 4 * 784);
    let e = 0;
    let m = 0;
    gref.forEach((v, i) => ((e = Math.max(e, Math.abs(g.grad[i] - v))), (m = Math.max(m, Math.abs(v)))));
    expect(e / m).toBeLessThanOrEqual(1e-4);
    await model.dispose();
  });
});
