import { describe, expect, it } from 'vitest';
import { adversarialProbe, type AdversarialOptions } from '../../attacks/adversarial/probe.js';
import { predictions } from '../../attacks/adversarial/margin.js';
import type { DataBatch, Dataset } from '../../src/data/types.js';
import type { GradientMode, LossSpec, Model } from '../../src/models/types.js';
import { silentProgress } from '../../src/progress.js';
import { Rng } from '../../src/random.js';
import type { ProbeContext } from '../../src/runner/probe.js';
import { LinearModel } from './linear-model.js';

/** The probe on the pure-JS linear model, with each gradient mode, through a minimal in-memory context. */
const N = 120;
const D = 16;
const linear = LinearModel.random(5, 10, [1, 4, 4]);
const rng = new Rng(6);
const X = Float32Array.from({ length: N * D }, () => rng.uniform(0.2, 0.8));

function withMode(mode: GradientMode): Model & { gradientCalls: number } {
  const m = {
    meta: linear.meta,
    gradientMode: mode,
    gradientCalls: 0,
    predict: (x: Parameters<Model['predict']>[0]) => linear.predict(x),
    async gradient(x: Parameters<Model['gradient']>[0], spec: LossSpec) {
      if (mode === 'none') throw new Error('this model has no gradients');
      m.gradientCalls++;
      return linear.gradient(x, spec);
    },
    dispose: async () => {},
  };
  return m;
}

async function context(model: Model, perSample = true): Promise<ProbeContext> {
  const labels = predictions(await linear.predict({ data: X, shape: [N, 1, 4, 4] }), 10);
  const dataset: Dataset = {
    kind: 'idx',
    description: 'in-memory',
    classNames: linear.meta.classNames,
    groupColumns: [],
    size: N,
    async *batches(bs: number): AsyncIterable<DataBatch> {
      for (let s = 0; s < N; s += bs) {
        const e = Math.min(N, s + bs);
        const idx = [...Array(e - s).keys()].map((k) => s + k);
        yield { x: { data: X.slice(s * D, e * D), shape: [e - s, 1, 4, 4] }, labels: labels.slice(s, e), ids: idx.map(String), indices: idx, groups: {} };
      }
    },
    skipped: () => [],
    fingerprint: async () => 'mem',
  };
  return { model, dataset, seed: 1, batchSize: 50, progress: silentProgress, resolvePath: (p) => p, clean: () => Promise.reject(new Error('unused')), perSample };
}

const OPTIONS: AdversarialOptions = {
  attacks: [
    { type: 'fgsm', eps: ['0.02', 0.05] },
    { type: 'pgd_linf', eps: ['0.02', 0.05], steps: 10 },
    { type: 'square', eps: [0.05], queries: 100 },
    { type: 'autoattack_lite', eps: [0.05], steps: 10, queries: 50 },
  ],
  max_samples: N,
  examples: 0,
  masking_checks: true,
};

/** Exact smallest L∞ budget that flips sample i of the linear model (ignores the [0,1] box, so a lower bound). */
function minimalLinf(labels: Int32Array): Float64Array {
  const K = 10;
  const out = new Float64Array(N).fill(Infinity);
  for (let i = 0; i < N; i++) {
    const y = labels[i];
    for (let j = 0; j < K; j++) {
      if (j === y) continue;
      let m = linear.b[y] - linear.b[j];
      let l1 = 0;
      for (let d = 0; d < D; d++) {
        const w = linear.W[y * D + d] - linear.W[j * D + d];
        m += w * X[i * D + d];
        l1 += Math.abs(w);
      }
      out[i] = Math.min(out[i], m / l1);
    }
  }
  return out;
}

describe('adversarial probe by gradient mode', () => {
  it("gradientMode 'none': only Square runs (autoattack-lite falls back to it), no gradient is requested, and the notes say so", async () => {
    const model = withMode('none');
    const out = await adversarialProbe.run(await context(model), OPTIONS);
    const m = out.metrics as Record<string, any>;
    expect(Object.keys(m).filter((k) => !['clean_accuracy', 'n', 'worst_case', 'masking'].includes(k))).toEqual(['square', 'autoattack_lite']);
    expect(m.autoattack_lite['0.05'].n).toBe(N);
    expect(m.square['0.05'].n).toBe(N);
    expect(m.masking.unbounded_pgd_accuracy).toBeNull();
    expect(m.masking.zero_gradient_fraction).toBeNull();
    expect(out.gradientMode).toBe('none');
    expect(out.notes!.join(' ')).toMatch(/only the black-box Square attack ran/);
  });

  it("gradientMode 'estimated': gradient attacks run on the estimates, Square too, and the notes say the gradients are estimated", async () => {
    const model = withMode('estimated');
    const out = await adversarialProbe.run(await context(model), OPTIONS);
    const m = out.metrics as Record<string, any>;
    expect(Object.keys(m.pgd_linf)).toEqual(['0.02', '0.05']);
    expect(m.square['0.05']).toBeDefined();
    expect(model.gradientCalls).toBeGreaterThan(0);
    expect(out.gradientMode).toBe('estimated');
    expect(out.notes!.join(' ')).toMatch(/estimated/);
  });

  it("gradientMode 'exact': per-sample minimal breaking ε is never below the exact minimal budget, and the worst case is the per-sample OR over attacks", async () => {
    const model = withMode('exact');
    const ctx = await context(model);
    const out = await adversarialProbe.run(ctx, OPTIONS);
    const m = out.metrics as Record<string, any>;
    const labels = predictions(await linear.predict({ data: X, shape: [N, 1, 4, 4] }), 10);
    const star = minimalLinf(labels);
    const minEps = out.perSample!.fields.min_breaking_eps as (number | null)[];
    let broken = 0;
    minEps.forEach((e, i) => {
      if (e !== null) {
        broken++;
        expect(e, `sample ${i}`).toBeGreaterThanOrEqual(star[i] * (1 - 1e-5));
      }
    });
    expect(broken).toBeGreaterThan(0);
    // worst case at 0.05 = samples broken by any L∞ attack at 0.05 (all clean-correct here: labels are the model's own predictions)
    const brokenAt005 = minEps.filter((e) => e !== null && e <= 0.05 + 1e-12).length;
    expect(m.worst_case['0.05'].robust_accuracy).toBeCloseTo(1 - brokenAt005 / N, 12);
    expect(m.worst_case['0.05'].robust_accuracy).toBeLessThanOrEqual(Math.min(m.fgsm['0.05'].robust_accuracy, m.pgd_linf['0.05'].robust_accuracy, m.square['0.05'].robust_accuracy, m.autoattack_lite['0.05'].robust_accuracy));
    // adversarial predictions per attack, one per sample, differing from the label exactly where that attack succeeded at its largest ε
    const pred = out.perSample!.fields.pgd_linf_adv_pred as number[];
    expect(pred.length).toBe(N);
    const pgdBroken = pred.filter((p, i) => p !== labels[i]).length;
    expect(1 - pgdBroken / N).toBeCloseTo(m.pgd_linf['0.05'].robust_accuracy, 12);
    expect(m.clean_accuracy).toBe(1);
    // the per-sample worst case is never less damaging than the final iterate alone (reference convention)
    for (const attack of ['fgsm', 'pgd_linf', 'square', 'autoattack_lite'])
      for (const cell of Object.values(m[attack]) as any[]) expect(cell.robust_accuracy).toBeLessThanOrEqual(cell.final_iterate_accuracy);
  });
});

describe('adversarial probe on a tabular model', () => {
  const F = 7;
  const tab = LinearModel.random(9, 3, [F]);
  const r = new Rng(10);
  const T = Float32Array.from({ length: N * F }, () => r.uniform(-1, 1));
  const frozen = [0, 3];
  const bounds: [number, number][] = Array.from({ length: F }, () => [-3, 3]);

  async function tabContext(model: Model): Promise<{ ctx: ProbeContext; labels: Int32Array }> {
    const labels = predictions(await tab.predict({ data: T, shape: [N, F] }), 3);
    const dataset: Dataset = {
      kind: 'tabular',
      description: 'in-memory',
      classNames: tab.meta.classNames,
      groupColumns: [],
      size: N,
      async *batches(bs: number): AsyncIterable<DataBatch> {
        for (let s = 0; s < N; s += bs) {
          const e = Math.min(N, s + bs);
          const idx = [...Array(e - s).keys()].map((k) => s + k);
          yield { x: { data: T.slice(s * F, e * F), shape: [e - s, F] }, labels: labels.slice(s, e), ids: idx.map(String), indices: idx, groups: {} };
        }
      },
      skipped: () => [],
      fingerprint: async () => 'mem',
    };
    return { ctx: { model, dataset, seed: 1, batchSize: 64, progress: silentProgress, resolvePath: (p) => p, clean: () => Promise.reject(new Error('unused')), perSample: true }, labels };
  }

  it('never breaks a sample below the exact budget over its mutable features (immutable features stay fixed), and skips Square', async () => {
    const { ctx, labels } = await tabContext(tab);
    const out = await adversarialProbe.run(ctx, {
      attacks: [
        { type: 'fgsm', eps: [0.1, 0.3] },
        { type: 'pgd_linf', eps: [0.1, 0.3], steps: 10 },
        { type: 'square', eps: [0.3], queries: 20 },
      ],
      max_samples: N,
      examples: 0,
      masking_checks: true,
      feature_bounds: bounds,
      immutable_features: frozen,
    });
    const m = out.metrics as Record<string, any>;
    expect(m.square).toBeUndefined();
    expect(out.notes!.join(' ')).toMatch(/Tabular model/);
    // Minimal L∞ budget with only the mutable features free: (z_y − z_j) / Σ_{d mutable} |w_y,d − w_j,d|.
    const minEps = out.perSample!.fields.min_breaking_eps as (number | null)[];
    let broken = 0;
    for (let i = 0; i < N; i++) {
      let star = Infinity;
      for (let j = 0; j < 3; j++) {
        if (j === labels[i]) continue;
        let mg = tab.b[labels[i]] - tab.b[j];
        let l1 = 0;
        for (let d = 0; d < F; d++) {
          const w = tab.W[labels[i] * F + d] - tab.W[j * F + d];
          mg += w * T[i * F + d];
          if (!frozen.includes(d)) l1 += Math.abs(w);
        }
        star = Math.min(star, mg / l1);
      }
      if (minEps[i] !== null) {
        broken++;
        expect(minEps[i]!, `sample ${i}`).toBeGreaterThanOrEqual(star * (1 - 1e-5));
      }
    }
    expect(broken).toBeGreaterThan(0);
  });

  it("gradientMode 'none' on a tabular model runs nothing rather than failing, and says why", async () => {
    const none: Model = { meta: tab.meta, gradientMode: 'none', predict: (x) => tab.predict(x), gradient: () => Promise.reject(new Error('no gradients')), dispose: async () => {} };
    const { ctx } = await tabContext(none);
    const out = await adversarialProbe.run(ctx, { attacks: [{ type: 'pgd_linf', eps: [0.1] }, { type: 'autoattack_lite', eps: [0.1] }], max_samples: N, examples: 0, masking_checks: true });
    const m = out.metrics as Record<string, any>;
    expect(m.pgd_linf).toBeUndefined();
    expect(m.autoattack_lite).toBeUndefined();
    expect(out.notes!.join(' ')).toMatch(/no gradients/);
  });
});
