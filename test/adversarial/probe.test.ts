import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskingChecks } from '../../attacks/adversarial/masking.js';
import { squareLinf, squareP } from '../../attacks/adversarial/square.js';
import { pgd } from '../../attacks/adversarial/pgd.js';
import { predictions } from '../../attacks/adversarial/margin.js';
import { parseConfigText } from '../../src/config/load.js';
import { runAudit } from '../../src/runner/audit.js';
import { loadModel } from '../../src/models/load.js';
import type { Model } from '../../src/models/types.js';
import { validateResults } from '../../src/results/write.js';
import { renderHtml } from '../../reports/render-html.js';
import { readFileSync } from 'node:fs';
import { ROOT } from '../helpers/cli.js';

const u8 = readFileSync(join(ROOT, 'fixtures/data/fmnist_test1000_images_u8.bin'));
const allLabels = Int32Array.from(readFileSync(join(ROOT, 'fixtures/data/fmnist_test1000_labels_u8.bin')));
const N = 100;
const x = { data: Float32Array.from(u8.subarray(0, N * 784), (v) => v / 255), shape: [N, 1, 28, 28] };
const labels = allLabels.subarray(0, N);
const acc = (logits: Float32Array) => predictions(logits, 10).reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0) / N;

describe('masking checks', () => {
  const base = { cleanAccuracy: 0.9, unboundedAccuracy: 0, zeroGradientFraction: 0, nanGradientFraction: 0, probabilityOutputs: false };
  it('stay quiet on a sane sweep', () => {
    const r = maskingChecks({
      ...base,
      summaries: [
        { attack: 'fgsm', key: '1/255', eps: 1 / 255, robustAccuracy: 0.8 },
        { attack: 'fgsm', key: '8/255', eps: 8 / 255, robustAccuracy: 0.5 },
        { attack: 'pgd_linf', key: '8/255', eps: 8 / 255, robustAccuracy: 0.4 },
        { attack: 'square', key: '8/255', eps: 8 / 255, robustAccuracy: 0.45 },
      ],
    });
    expect(r.flags.any).toBe(false);
    expect(r.findings).toEqual([]);
  });
  it('raise every flag on a masked model, each with a finding that says what to do', () => {
    const r = maskingChecks({
      cleanAccuracy: 0.9,
      unboundedAccuracy: 0.6,
      zeroGradientFraction: 0.3,
      nanGradientFraction: 0.01,
      probabilityOutputs: true,
      summaries: [
        { attack: 'fgsm', key: '1/255', eps: 1 / 255, robustAccuracy: 0.5 },
        { attack: 'fgsm', key: '8/255', eps: 8 / 255, robustAccuracy: 0.7 },
        { attack: 'pgd_linf', key: '8/255', eps: 8 / 255, robustAccuracy: 0.8 },
        { attack: 'square', key: '8/255', eps: 8 / 255, robustAccuracy: 0.2 },
      ],
    });
    expect(r.flags).toMatchObject({
      accuracy_increases_with_eps: true,
      unbounded_pgd_not_zero: true,
      iterative_weaker_than_fgsm: true,
      blackbox_beats_whitebox: true,
      probability_outputs: true,
      any: true,
    });
    expect(r.findings.map((f) => f.id.split('.').pop())).toEqual([
      'accuracy_increases_with_eps',
      'unbounded_pgd_not_zero',
      'iterative_weaker_than_fgsm',
      'blackbox_beats_whitebox',
      'zero_gradients',
      'nan_gradients',
      'probability_outputs',
    ]);
    for (const f of r.findings) expect(f.advice!.length).toBeGreaterThan(20);
  });
});

describe('attacks on the fixture CNN', () => {
  let model: Model;
  beforeAll(async () => {
    model = await loadModel({ path: join(ROOT, 'fixtures/models/fmnist_cnn.onnx'), layout: 'NCHW', pixelRange: [0, 1], outputs: 'logits' });
  });
  afterAll(() => model.dispose());

  it('Square (forward passes only) breaks the model, stays in the ε-ball, and is seeded', async () => {
    const eps = 0.1;
    const a = await squareLinf(model, x, labels, { eps: [eps], queries: 200, seed: 3 });
    const b = await squareLinf(model, x, labels, { eps: [eps], queries: 200, seed: 3 });
    const r = a.results[0];
    expect(Buffer.from(r.best.data.buffer).equals(Buffer.from(b.results[0].best.data.buffer))).toBe(true);
    const clean = acc(await model.predict(x));
    const robust = 1 - r.success.reduce((s, v) => s + v, 0) / N;
    expect(robust).toBeLessThan(clean - 0.3);
    for (let k = 0; k < x.data.length; k++) {
      expect(Math.abs(r.best.data[k] - x.data[k])).toBeLessThanOrEqual(Math.fround(eps) + 1e-7);
      expect(r.best.data[k]).toBeGreaterThanOrEqual(0);
      expect(r.best.data[k]).toBeLessThanOrEqual(1);
    }
  });

  it('follows the reference p schedule', () => {
    expect(squareP(0.8, 0, 10000)).toBe(0.8);
    expect(squareP(0.8, 11, 10000)).toBe(0.4);
    expect(squareP(0.8, 600, 10000)).toBe(0.05);
    expect(squareP(0.8, 9000, 10000)).toBeCloseTo(0.8 / 512, 12);
  });

  it('PGD with restarts is at least as strong as without, and targeted PGD reaches its targets', async () => {
    const one = (await pgd(model, x, labels, { eps: [0.05], steps: 10 })).results[0];
    const many = (await pgd(model, x, labels, { eps: [0.05], steps: 10, restarts: 3, seed: 1 })).results[0];
    const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(many.success)).toBeGreaterThanOrEqual(sum(one.success));
    const t = (await pgd(model, x, labels, { eps: [0.3], steps: 20, targeted: { mode: 'least_likely' } })).results[0];
    expect(sum(t.targetHits!) / N).toBeGreaterThan(0.8);
    expect(sum(t.success)).toBeGreaterThanOrEqual(sum(t.targetHits!)); // hitting a wrong target is a misclassification
  });

  it('respects feature bounds and immutable features on a tabular model', async () => {
    const tab = await loadModel({ path: join(ROOT, 'fixtures/models/arrests_mlp.onnx'), layout: 'NC', pixelRange: [0, 1], outputs: 'logits' });
    try {
      const b = readFileSync(join(ROOT, 'fixtures/data/arrests_features_f32.bin'));
      const feats = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + 64 * 7 * 4));
      const X = { data: feats, shape: [64, 7] };
      const y = predictions(await tab.predict(X), 2); // attack the model's own decisions
      const box = { lower: (k: number) => [0, 1997, 12, 0, 0, 0, 0][k % 7], upper: (k: number) => [1, 2002, 66, 1, 1, 1, 10][k % 7], frozen: (k: number) => k % 7 === 0 || k % 7 === 3 };
      const r = (await pgd(tab, X, y, { eps: [2], steps: 10, box })).results[0];
      for (let k = 0; k < feats.length; k++) {
        if (box.frozen(k)) expect(r.best.data[k]).toBe(feats[k]);
        expect(r.best.data[k]).toBeGreaterThanOrEqual(box.lower(k));
        expect(r.best.data[k]).toBeLessThanOrEqual(box.upper(k));
      }
    } finally {
      await tab.dispose();
    }
  });
});

describe('adversarial probe in an audit', () => {
  it('gives ε-sweep metrics, the worst case, masking flags and a report section', async () => {
    const cfg = `model:
  path: ${ROOT}/fixtures/models/fmnist_cnn.onnx
  layout: NCHW
  input_size: [28, 28]
  channels: 1
  outputs: logits
dataset:
  type: idx
  images: ${ROOT}/fixtures/data/fmnist_test1000-images-idx3-ubyte
  labels: ${ROOT}/fixtures/data/fmnist_test1000-labels-idx1-ubyte
  limit: 200
probes:
  adversarial:
    max_samples: 200
    examples: 2
    attacks:
      - { type: fgsm, eps: ["2/255", "8/255"] }
      - { type: pgd_linf, eps: ["2/255", "8/255"], steps: 5 }
      - { type: square, eps: ["8/255"], queries: 50 }
gates:
  - adversarial.pgd_linf["8/255"].robust_accuracy >= 0.9
  - adversarial.masking.any == false
`;
    const { results, exitCode } = await runAudit(parseConfigText(cfg, 'inline', ROOT));
    expect(validateResults(results)).toEqual([]);
    const a = results.probes.adversarial;
    expect(a.status).toBe('ok');
    const m = a.metrics as any;
    expect(m.n).toBe(200);
    expect(m.pgd_linf['8/255'].robust_accuracy).toBeLessThan(m.pgd_linf['2/255'].robust_accuracy);
    // the worst case is never better than any single attack at that ε
    expect(m.worst_case['8/255'].robust_accuracy).toBeLessThanOrEqual(Math.min(m.fgsm['8/255'].robust_accuracy, m.pgd_linf['8/255'].robust_accuracy, m.square['8/255'].robust_accuracy));
    expect(m.masking.any).toBe(false);
    expect(m.masking.unbounded_pgd_accuracy).toBeLessThanOrEqual(0.05);
    expect(results.gates.map((g) => g.status)).toEqual(['FAIL', 'PASS']);
    expect(exitCode).toBe(1);
    expect((a.artifacts.gallery as unknown[]).length).toBe(2);
    const html = renderHtml(results);
    expect(html).toContain('Adversarial robustness');
    expect(html).toContain('data:image/png;base64,');
  });
});
