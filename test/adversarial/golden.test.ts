import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fgsm } from '../../attacks/adversarial/fgsm.js';
import { pgd } from '../../attacks/adversarial/pgd.js';
import { predictions } from '../../attacks/adversarial/margin.js';
import { loadModel } from '../../src/models/load.js';
import type { Model } from '../../src/models/types.js';
import type { Batch } from '../../src/tensor.js';
import { ROOT } from '../helpers/cli.js';

const G = JSON.parse(readFileSync(join(ROOT, 'fixtures/golden/attacks_fmnist_cnn.json'), 'utf8'));
const f32 = (rel: string) => {
  const b = readFileSync(join(ROOT, 'fixtures/golden', rel));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const u8 = readFileSync(join(ROOT, 'fixtures/data/fmnist_test1000_images_u8.bin'));
const labels = Int32Array.from(readFileSync(join(ROOT, 'fixtures/data/fmnist_test1000_labels_u8.bin')));
const x: Batch = { data: Float32Array.from(u8, (v) => v / 255), shape: [1000, 1, 28, 28] };
const spec = (path: string) => ({ path: join(ROOT, path), layout: 'NCHW' as const, pixelRange: [0, 1] as [number, number], outputs: 'logits' as const, batchSize: 250 });

function accuracy(logits: Float32Array): number {
  const p = predictions(logits, 10);
  return p.reduce((s, v, i) => s + (v === labels[i] ? 1 : 0), 0) / labels.length;
}
function differing(logits: Float32Array, ref: number[]): number[] {
  const p = predictions(logits, 10);
  return ref.flatMap((r, i) => (r === p[i] ? [] : [i]));
}
/**
 * Images among the first 16 whose float32 PyTorch gradient is itself unreliable: relative L2
 * distance to the float64 gradient above 1e-4 (images 2, 3 and 5 here: the model is so confident
 * that CE ≈ 1e-5 and float32 rounding dominates the gradient). Iterating on that noise sends
 * PyTorch's float32 trajectory somewhere the float64 one (and faultline's) does not go, so only the
 * well-conditioned images are compared pixel by pixel. Derived from the golden files, not chosen.
 */
const WELL_CONDITIONED: number[] = (() => {
  const g32 = f32('arrays/fmnist_grad_ce_first16_f32.bin');
  const b = readFileSync(join(ROOT, 'fixtures/golden/arrays/fmnist_grad_ce_first16_f64.bin'));
  const g64 = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const ok: number[] = [];
  for (let i = 0; i < 16; i++) {
    let d = 0;
    let r = 0;
    for (let k = i * 784; k < (i + 1) * 784; k++) {
      d += (g32[k] - g64[k]) ** 2;
      r += g64[k] ** 2;
    }
    if (Math.sqrt(d / r) < 1e-4) ok.push(i);
  }
  return ok;
})();

/** Pixels of the first 16 adversarial images (optionally only some images) further than 1e-5 from PyTorch's. */
function farPixels(adv: Float32Array, rel: string, images: number[] = [...Array(16).keys()]): number {
  const ref = f32(rel);
  let far = 0;
  for (const i of images) for (let k = i * 784; k < (i + 1) * 784; k++) if (Math.abs(adv[k] - ref[k]) > 1e-5) far++;
  return far;
}

describe('adversarial attacks against the PyTorch / torchattacks / ART reference (fmnist_cnn.onnx)', () => {
  let model: Model;
  beforeAll(async () => {
    model = await loadModel(spec('fixtures/models/fmnist_cnn.onnx'));
  });
  afterAll(() => model.dispose());

  it('FGSM at eps 0.01–0.2: same robust accuracy and same per-image predictions', async () => {
    const run = await fgsm(model, x, labels, { eps: [0.01, 0.03, 0.05, 0.1, 0.2] });
    for (const r of run.results) {
      const ref = G.attacks[`fgsm_eps_${r.eps}`];
      expect(accuracy(r.finalLogits), `eps ${r.eps}`).toBe(ref.robust_accuracy);
      expect(differing(r.finalLogits, ref.predictions), `eps ${r.eps}`).toEqual([]);
      // PyTorch's float32 gradient has |g| < 1e-8 with the opposite sign to float64 at a couple of
      // pixels (see the gradients tests); those pixels differ by 2·eps. Everything else within 1e-5.
      expect(farPixels(r.final.data.subarray(0, 16 * 784), ref.adv_images_first16.file), `eps ${r.eps}`).toBeLessThanOrEqual(2);
      expect(run.zeroGradientFraction).toBe(0);
    }
  });

  it('PGD L∞ eps 0.1, step 0.01, 20 steps, no random start: 0.056 (≤ 2 images differ)', async () => {
    const ref = G.attacks.pgd_linf;
    const run = await pgd(model, x, labels, { eps: [0.1], norm: 'linf', stepSize: 0.01, steps: 20 });
    const r = run.results[0];
    expect(differing(r.finalLogits, ref.predictions).length).toBeLessThanOrEqual(2);
    expect(Math.abs(accuracy(r.finalLogits) - ref.robust_accuracy)).toBeLessThanOrEqual(0.002);
    expect(WELL_CONDITIONED).toEqual([0, 1, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(farPixels(r.final.data.subarray(0, 16 * 784), ref.adv_images_first16.file, WELL_CONDITIONED)).toBe(0);
    // The worst case over iterates can only be at least as strong as the final iterate.
    const worstCorrect = 1000 - r.success.reduce((s, v) => s + v, 0);
    expect(worstCorrect).toBeLessThanOrEqual(Math.round(accuracy(r.finalLogits) * 1000));
  });

  it('PGD L2 eps 1.0, step 0.1, 20 steps: 0.173 (≤ 2 images differ)', async () => {
    const ref = G.attacks.pgd_l2;
    const run = await pgd(model, x, labels, { eps: [1.0], norm: 'l2', stepSize: 0.1, steps: 20 });
    const r = run.results[0];
    expect(differing(r.finalLogits, ref.predictions).length).toBeLessThanOrEqual(2);
    expect(Math.abs(accuracy(r.finalLogits) - ref.robust_accuracy)).toBeLessThanOrEqual(0.002);
    expect(farPixels(r.final.data.subarray(0, 16 * 784), ref.adv_images_first16.file, WELL_CONDITIONED)).toBe(0);
  });

  it('the TF.js twin gives the same FGSM results', async () => {
    const twin = await loadModel(spec('fixtures/models/fmnist_cnn_tfjs/model.json'));
    try {
      const run = await fgsm(twin, x, labels, { eps: [0.03, 0.1] });
      for (const r of run.results) {
        const ref = G.attacks[`fgsm_eps_${r.eps}`];
        expect(accuracy(r.finalLogits)).toBe(ref.robust_accuracy);
        expect(differing(r.finalLogits, ref.predictions)).toEqual([]);
      }
    } finally {
      await twin.dispose();
    }
  });
});
