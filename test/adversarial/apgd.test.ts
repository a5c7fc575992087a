import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apgd, apgdCheckpoints } from '../../attacks/adversarial/apgd.js';
import { autoAttackLite } from '../../attacks/adversarial/autoattack-lite.js';
import { pgd } from '../../attacks/adversarial/pgd.js';
import { loadModel } from '../../src/models/load.js';
import type { Model } from '../../src/models/types.js';
import { ROOT } from '../helpers/cli.js';

const u8 = readFileSync(join(ROOT, 'fixtures/data/fmnist_test1000_images_u8.bin'));
const N = 200;
const x = { data: Float32Array.from(u8.subarray(0, N * 784), (v) => v / 255), shape: [N, 1, 28, 28] };
const labels = Int32Array.from(readFileSync(join(ROOT, 'fixtures/data/fmnist_test1000_labels_u8.bin')).subarray(0, N));
const broken = (s: Uint8Array) => s.reduce((a, v) => a + v, 0);

describe('APGD', () => {
  let model: Model;
  beforeAll(async () => {
    model = await loadModel({ path: join(ROOT, 'fixtures/models/fmnist_cnn.onnx'), layout: 'NCHW', pixelRange: [0, 1], outputs: 'logits' });
  });
  afterAll(() => model.dispose());

  it('places checkpoints as Croce & Hein: 22%, then 3% shorter intervals, at least 6%', () => {
    // n=100: intervals 22, 19, 16, 13, 10, 7, 6, 6 → cumulative 22, 41, 57, 70, 80, 87, 93, 99
    expect(apgdCheckpoints(100)).toEqual([22, 41, 57, 70, 80, 87, 93, 99]);
  });

  it('APGD-CE is at least as strong as PGD with the same budget, and stays in the ball', async () => {
    const eps = 0.03;
    const p = (await pgd(model, x, labels, { eps: [eps], steps: 20 })).results[0];
    const a = (await apgd(model, x, labels, { eps: [eps], steps: 20, seed: 1 })).results[0];
    expect(broken(a.success)).toBeGreaterThanOrEqual(broken(p.success) - 2);
    for (let k = 0; k < x.data.length; k++) expect(Math.abs(a.best.data[k] - x.data[k])).toBeLessThanOrEqual(Math.fround(eps) + 1e-7);
  });

  it('autoattack-lite is at least as strong as its first stage and seeded', async () => {
    const eps = 0.03;
    const first = (await apgd(model, x, labels, { eps: [eps], steps: 20, seed: 2 })).results[0];
    const lite = (await autoAttackLite(model, x, labels, { eps: [eps], steps: 20, squareQueries: 100, seed: 2 })).results[0];
    const again = (await autoAttackLite(model, x, labels, { eps: [eps], steps: 20, squareQueries: 100, seed: 2 })).results[0];
    expect(broken(lite.success)).toBeGreaterThanOrEqual(broken(first.success));
    expect(Array.from(again.success)).toEqual(Array.from(lite.success));
  });
});
