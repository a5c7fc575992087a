import { parseNumberOrFraction, numberOrFractionSchema } from '../../src/config/fraction.js';
import { batchToRawImages } from '../../src/data/convert.js';
import type { Model } from '../../src/models/types.js';
import type { Finding, Probe, ProbeOutput } from '../../src/runner/probe.js';
import { softmaxRows, type Batch } from '../../src/tensor.js';
import { thumbnailDataUri } from '../../src/thumbnail.js';
import { fgsm } from './fgsm.js';
import { predictions } from './margin.js';
import { pgd } from './pgd.js';
import { UNIT_BOX, rowMaxAbs, rowNorms, type Box } from './project.js';
import { squareLinf } from './square.js';
import { apgd, topWrongClasses } from './apgd.js';
import { autoAttackLite } from './autoattack-lite.js';
import type { AttackRun } from './types.js';
import { maskingChecks, type AttackSummary } from './masking.js';

type AttackType = 'fgsm' | 'pgd_linf' | 'pgd_l2' | 'apgd_ce' | 'apgd_dlr_t' | 'square' | 'autoattack_lite';

export interface AttackSpec {
  type: AttackType;
  eps: (number | string)[];
  steps?: number;
  step_size?: number | string;
  random_start?: boolean;
  restarts?: number;
  queries?: number;
  targeted?: 'none' | 'random' | 'least_likely';
  target_classes?: number;
}

export interface AdversarialOptions {
  attacks: AttackSpec[];
  preset?: 'autoattack-lite';
  eps?: (number | string)[];
  max_samples: number;
  examples: number;
  seed?: number;
  masking_checks: boolean;
  /** Tabular models: per-feature [min, max] and features that must not change. */
  feature_bounds?: [number, number][];
  immutable_features?: number[];
}

const EPS_SWEEP = ['1/255', '2/255', '4/255', '8/255'];

export const DEFAULT_ATTACKS: AttackSpec[] = [
  { type: 'fgsm', eps: EPS_SWEEP },
  { type: 'pgd_linf', eps: EPS_SWEEP, steps: 10 },
  { type: 'square', eps: ['8/255'], queries: 300 },
];

/** Accumulates one attack × ε over batches. */
interface Cell {
  eps: number;
  n: number;
  robust: number;
  /** Correct under the final iterate alone (the reference convention; `robust` is the per-sample worst case). */
  robustFinal: number;
  cleanCorrect: number;
  brokenCleanCorrect: number;
  sumLinf: number;
  sumL2: number;
  maxLinf: number;
  maxL2: number;
}

const attackSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'eps'],
  properties: {
    type: {
      enum: ['fgsm', 'pgd_linf', 'pgd_l2', 'apgd_ce', 'apgd_dlr_t', 'square', 'autoattack_lite'],
      description:
        'fgsm, pgd_linf, pgd_l2, apgd_ce, apgd_dlr_t (white-box); square (black-box L∞, forward passes only); autoattack_lite (APGD-CE → APGD-T → Square on the survivors).',
    },
    eps: { type: 'array', items: numberOrFractionSchema, minItems: 1, description: 'Perturbation budgets in pixel space [0,1]; fractions like "8/255" are fine.' },
    steps: { type: 'integer', minimum: 1, description: 'Iterations: PGD default 10, APGD and autoattack_lite default 100.' },
    target_classes: { type: 'integer', minimum: 1, maximum: 9, default: 3, description: 'APGD-T / autoattack_lite: how many of the highest-scoring wrong classes to target.' },
    step_size: { ...numberOrFractionSchema, description: 'PGD step; default 2.5·ε/steps.' },
    random_start: { type: 'boolean', default: false, description: 'Start PGD at a random point of the ε-ball (off by default, as the reference implementations).' },
    restarts: { type: 'integer', minimum: 1, default: 1, description: 'PGD restarts (each after the first starts at random); the per-sample worst case is kept.' },
    queries: { type: 'integer', minimum: 1, default: 5000, description: 'Square attack query budget per sample (5000 as the reference; autoattack_lite uses it for its Square stage).' },
    targeted: { enum: ['none', 'random', 'least_likely'], default: 'none', description: 'PGD toward a random or the least-likely class instead of away from the label.' },
  },
};

/**
 * Adversarial robustness: an ε sweep per attack, the per-sample worst case over every attack,
 * restart and iterate, and gradient-masking checks that catch a falsely robust model.
 */
export const adversarialProbe: Probe<AdversarialOptions> = {
  name: 'adversarial',
  title: 'Adversarial robustness: FGSM, PGD and Square, worst case per sample, masking checks',
  needsModel: true,
  needsGradients: true,
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    default: {},
    properties: {
      attacks: { type: 'array', items: attackSchema, minItems: 1, default: DEFAULT_ATTACKS, description: 'Attacks to run, each with an ε sweep.' },
      preset: {
        enum: ['autoattack-lite'],
        description: 'Instead of `attacks`: autoattack-lite = APGD-CE + APGD-T + Square in sequence on the points still correct, at each `eps` (default 8/255).',
      },
      eps: { type: 'array', items: numberOrFractionSchema, minItems: 1, description: 'The ε sweep of a preset.' },
      max_samples: { type: 'integer', minimum: 1, default: 500, description: 'Attack at most this many samples (the first in dataset order).' },
      examples: { type: 'integer', minimum: 0, maximum: 16, default: 4, description: 'Adversarial examples shown in the report.' },
      seed: { type: 'integer', minimum: 0, description: "Seed for random starts, targets and Square (default: the audit seed)." },
      masking_checks: { type: 'boolean', default: true, description: 'Run the gradient-masking checks (adds an unbounded PGD).' },
      feature_bounds: {
        type: 'array',
        items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
        description: 'Tabular models: [min, max] per feature; perturbations are projected onto them.',
      },
      immutable_features: { type: 'array', items: { type: 'integer', minimum: 0 }, description: 'Tabular models: feature indices an attacker cannot change.' },
    },
  },

  async run(ctx, o): Promise<ProbeOutput> {
    const model = ctx.model;
    if (!model) throw new Error('adversarial needs a model');
    const C = model.meta.numClasses;
    const seed = o.seed ?? ctx.seed;
    const notes: string[] = [];
    const tabular = model.meta.layout === 'NC';
    const box = tabular ? tabularBox(o, model) : UNIT_BOX;
    if (tabular) notes.push('Tabular model: ε is in raw feature units; perturbations are projected onto feature_bounds and immutable features are left unchanged.');

    const specs: AttackSpec[] = o.preset === 'autoattack-lite' ? [{ type: 'autoattack_lite', eps: o.eps ?? ['8/255'] }] : o.attacks;
    const attacks = specs.map((a) => ({
      ...a,
      epsValues: a.eps.map((e) => {
        const v = parseNumberOrFraction(e);
        if (v === null || v < 0) throw new Error(`probes.adversarial: eps ${JSON.stringify(e)} of ${a.type} is not a non-negative number or fraction`);
        return { key: String(e), value: v };
      }),
    }));
    const whiteBoxOk = model.gradientMode !== 'none';
    // Without exact gradients the black-box attack is the trustworthy one: add it when the config has none.
    if (model.gradientMode !== 'exact' && !tabular && !attacks.some((a) => a.type === 'square' || a.type === 'autoattack_lite')) {
      const linf = attacks.filter((a) => a.type !== 'pgd_l2').flatMap((a) => a.epsValues);
      const largest = linf.sort((p, q) => q.value - p.value)[0] ?? { key: '8/255', value: 8 / 255 };
      attacks.push({ type: 'square', eps: [largest.key], queries: 1000, epsValues: [largest] });
      notes.push(`Square (1000 queries, ε=${largest.key}) was added because this model's gradients are ${model.gradientMode}.`);
    }
    // Without gradients only the black-box Square attack can run; autoattack-lite keeps its Square stage.
    const runnable = attacks.filter((a) => a.type === 'square' || a.type === 'autoattack_lite' || whiteBoxOk);
    if (attacks.some((a) => a.type === 'autoattack_lite')) notes.push('autoattack-lite is APGD-CE, APGD-T and Square in sequence with reduced budgets; it is not AutoAttack and its numbers are not comparable to RobustBench entries.');
    if (!whiteBoxOk) notes.push('This model has no gradients: only the black-box Square attack ran (autoattack-lite ran its Square stage only); white-box attacks were skipped.');
    if (model.gradientMode === 'estimated') notes.push('Gradients are estimated (NES finite differences), not exact: white-box attacks may understate the model\'s weakness; the Square attack is the better guide.');
    if (tabular && runnable.some((a) => a.type === 'square')) notes.push('Square attack skipped: it perturbs image squares.');

    const cells = new Map<string, Cell>();
    const worst = new Map<string, { n: number; robust: number }>();
    const perSampleMinEps: number[] = [];
    /** Per attack: the worst-case prediction at its largest ε, per sample. */
    const perSamplePred = new Map<string, number[]>();
    const ids: string[] = [];
    const labelsSeen: number[] = [];
    let cleanCorrectTotal = 0;
    let total = 0;
    let zeroGrad = 0;
    let nanGrad = 0;
    let gradSamples = 0;
    let gradChecked = -1;
    let unbounded: { n: number; robust: number } | null = null;
    const gallery: Record<string, unknown>[] = [];
    const galleryPending: { clean: Batch; adv: Batch; i: number; eps: number; attack: string; label: number; cleanLogits: Float32Array; advLogits: Float32Array }[] = [];
    const task = ctx.progress.task('adversarial', Math.min(o.max_samples, ctx.dataset.size ?? o.max_samples));

    for await (const b of ctx.dataset.batches(ctx.batchSize)) {
      if (total >= o.max_samples) break;
      const take = Math.min(b.labels.length, o.max_samples - total);
      const per = b.x.data.length / b.labels.length;
      const x: Batch = { data: b.x.data.subarray(0, take * per), shape: [take, ...b.x.shape.slice(1)] };
      const labels = b.labels.subarray(0, take);
      const cleanLogits = await model.predict(x);
      const cleanPred = predictions(cleanLogits, C);
      const cleanOk = Uint8Array.from(cleanPred, (p, i) => (p === labels[i] ? 1 : 0));
      cleanCorrectTotal += cleanOk.reduce((s, v) => s + v, 0);
      const brokenAt = new Float64Array(take).fill(Infinity);
      for (let i = 0; i < take; i++) if (!cleanOk[i]) brokenAt[i] = 0;
      const brokenByEps = new Map<string, Uint8Array>();
      const batchCells = new Map<string, { eps: number; broken: Uint8Array; finalCorrect: Uint8Array; linf: Float64Array; l2: Float64Array }>();

      for (const a of runnable) {
        // Square perturbs image squares: nothing to run on tabular inputs (nor autoattack-lite without gradients).
        if (tabular && (a.type === 'square' || (a.type === 'autoattack_lite' && !whiteBoxOk))) continue;
        const eps = a.epsValues.map((e) => e.value);
        let run: AttackRun;
        const stepSize = a.step_size !== undefined ? (parseNumberOrFraction(a.step_size) ?? undefined) : undefined;
        if (a.type === 'fgsm') run = await fgsm(model, x, labels, { eps, box });
        else if (a.type === 'square') run = await squareLinf(model, x, labels, { eps, queries: a.queries ?? 5000, seed: seed + total });
        else if (a.type === 'apgd_ce') run = await apgd(model, x, labels, { eps, steps: a.steps ?? 100, loss: 'ce', seed: seed + total, box });
        else if (a.type === 'apgd_dlr_t') run = await apgdTargeted(model, x, labels, eps, a.steps ?? 100, a.target_classes ?? 3, seed + total, box);
        else if (a.type === 'autoattack_lite' && !whiteBoxOk) run = await squareLinf(model, x, labels, { eps, queries: a.queries ?? 5000, seed: seed + total });
        else if (a.type === 'autoattack_lite')
          run = await autoAttackLite(model, x, labels, { eps, steps: a.steps ?? 100, targetClasses: a.target_classes ?? 3, squareQueries: a.queries ?? 5000, seed: seed + total, box, noSquare: tabular });
        else
          run = await pgd(model, x, labels, {
            eps,
            norm: a.type === 'pgd_l2' ? 'l2' : 'linf',
            steps: a.steps ?? 10,
            stepSize,
            randomStart: a.random_start ?? false,
            restarts: a.restarts ?? 1,
            targeted: a.targeted && a.targeted !== 'none' ? { mode: a.targeted } : undefined,
            seed: seed + total,
            box,
          });
        // Gradient health at the clean point: from the first gradient attack run on each batch (list FGSM or PGD without random start first).
        if (run.zeroGradientFraction !== undefined && gradChecked !== total) {
          gradChecked = total;
          zeroGrad += run.zeroGradientFraction * take;
          nanGrad += (run.nanGradientFraction ?? 0) * take;
          gradSamples += take;
        }
        // Targeted runs are their own metric (e.g. pgd_linf_targeted): a worst case over different
        // goals would be meaningless, and the masking checks compare untargeted attacks only.
        const name = a.targeted && a.targeted !== 'none' ? `${a.type}_targeted` : a.type;
        run.results.forEach((r, k) => {
          const key = a.epsValues[k].key;
          const cellKey = `${name}|${key}`;
          const delta = new Float32Array(r.best.data.length);
          for (let j = 0; j < delta.length; j++) delta[j] = r.best.data[j] - x.data[j];
          const linf = rowMaxAbs(delta, take);
          const l2 = rowNorms(delta, take);
          const finalPred = predictions(r.finalLogits, C);
          // Several entries of one attack at one ε in the config: per sample, the worst case over them.
          const bc = batchCells.get(cellKey) ?? { eps: r.eps, broken: new Uint8Array(take), finalCorrect: new Uint8Array(take).fill(1), linf: new Float64Array(take), l2: new Float64Array(take) };
          for (let i = 0; i < take; i++) {
            if (finalPred[i] !== labels[i]) bc.finalCorrect[i] = 0;
            if (r.success[i] && !bc.broken[i]) {
              bc.broken[i] = 1;
              bc.linf[i] = linf[i];
              bc.l2[i] = l2[i];
            } else if (!bc.broken[i]) {
              bc.linf[i] = Math.max(bc.linf[i], linf[i]);
              bc.l2[i] = Math.max(bc.l2[i], l2[i]);
            }
            if (r.success[i] && a.type !== 'pgd_l2' && name === a.type) brokenAt[i] = Math.min(brokenAt[i], r.eps);
          }
          batchCells.set(cellKey, bc);
          if (a.type !== 'pgd_l2' && name === a.type) {
            const wk = `linf|${key}`;
            const acc = brokenByEps.get(wk) ?? new Uint8Array(take);
            for (let i = 0; i < take; i++) acc[i] |= r.success[i];
            brokenByEps.set(wk, acc);
          }
          if (k === run.results.length - 1) {
            const preds = perSamplePred.get(name) ?? [];
            preds.push(...predictions(r.bestLogits, C));
            perSamplePred.set(name, preds);
          }
          if (galleryPending.length < o.examples && !tabular && k === run.results.length - 1) {
            for (let i = 0; i < take && galleryPending.length < o.examples; i++) {
              if (cleanOk[i] && r.success[i] && !galleryPending.some((g) => g.i === total + i)) {
                const one = (d: Float32Array) => ({ data: d.slice(i * per, (i + 1) * per), shape: [1, ...x.shape.slice(1)] });
                galleryPending.push({ clean: one(x.data), adv: one(r.best.data), i: total + i, eps: r.eps, attack: name, label: labels[i], cleanLogits: cleanLogits.slice(i * C, (i + 1) * C), advLogits: r.bestLogits.slice(i * C, (i + 1) * C) });
              }
            }
          }
        });
      }
      for (const [cellKey, bc] of batchCells) {
        const cell = cells.get(cellKey) ?? { eps: bc.eps, n: 0, robust: 0, robustFinal: 0, cleanCorrect: 0, brokenCleanCorrect: 0, sumLinf: 0, sumL2: 0, maxLinf: 0, maxL2: 0 };
        for (let i = 0; i < take; i++) {
          cell.n++;
          if (bc.finalCorrect[i]) cell.robustFinal++;
          if (!bc.broken[i]) cell.robust++;
          if (cleanOk[i]) {
            cell.cleanCorrect++;
            if (bc.broken[i]) cell.brokenCleanCorrect++;
          }
          cell.sumLinf += bc.linf[i];
          cell.sumL2 += bc.l2[i];
          cell.maxLinf = Math.max(cell.maxLinf, bc.linf[i]);
          cell.maxL2 = Math.max(cell.maxL2, bc.l2[i]);
        }
        cells.set(cellKey, cell);
      }
      for (const [wk, broken] of brokenByEps) {
        const w = worst.get(wk) ?? { n: 0, robust: 0 };
        w.n += take;
        w.robust += broken.reduce((s, v) => s + (v ? 0 : 1), 0);
        worst.set(wk, w);
      }
      if (o.masking_checks && whiteBoxOk) {
        // Unbounded PGD: with ε = the whole input range any image can be reached, so accuracy must
        // fall to (near) zero; if it does not, gradients are not pointing anywhere useful.
        const big = tabular ? 1e3 : 1;
        const r = (await pgd(model, x, labels, { eps: [big], steps: 20, stepSize: big / 10, box, loss: 'margin' })).results[0];
        unbounded ??= { n: 0, robust: 0 };
        unbounded.n += take;
        unbounded.robust += r.success.reduce((s, v) => s + (v ? 0 : 1), 0);
      }
      for (let i = 0; i < take; i++) {
        ids.push(b.ids[i]);
        labelsSeen.push(labels[i]);
        perSampleMinEps.push(brokenAt[i]);
      }
      total += take;
      task.tick(take);
    }
    task.done();
    if (total === 0) throw new Error('the dataset yielded no samples to attack');

    for (const g of galleryPending) {
      const probs = (l: Float32Array) => softmaxRows(l, C);
      const pc = probs(g.cleanLogits);
      const pa = probs(g.advLogits);
      const cp = predictions(g.cleanLogits, C)[0];
      const ap = predictions(g.advLogits, C)[0];
      const amp = new Float32Array(g.clean.data.length);
      for (let j = 0; j < amp.length; j++) amp[j] = Math.min(1, Math.max(0, 0.5 + (g.adv.data[j] - g.clean.data[j]) / (2 * Math.max(g.eps, 1e-12))));
      const img = async (d: Batch) => thumbnailDataUri(batchToRawImages(d, model.meta.layout)[0], 112);
      const names = model.meta.classNames;
      gallery.push({
        sample: ids[g.i] ?? String(g.i),
        attack: g.attack,
        eps: g.eps,
        label: names[g.label] ?? String(g.label),
        clean: await img(g.clean),
        perturbation: await img({ data: amp, shape: g.clean.shape }),
        adversarial: await img(g.adv),
        cleanPred: names[cp] ?? String(cp),
        cleanConf: pc[cp],
        advPred: names[ap] ?? String(ap),
        advConf: pa[ap],
      });
    }

    const metrics: Record<string, unknown> = { clean_accuracy: cleanCorrectTotal / total, n: total };
    const summaries: AttackSummary[] = [];
    for (const [k, c] of cells) {
      const [type, key] = k.split('|');
      const m = {
        eps: c.eps,
        robust_accuracy: c.robust / c.n,
        final_iterate_accuracy: c.robustFinal / c.n,
        success_rate: c.cleanCorrect ? c.brokenCleanCorrect / c.cleanCorrect : null,
        n: c.n,
        mean_linf: c.sumLinf / c.n,
        max_linf: c.maxLinf,
        mean_l2: c.sumL2 / c.n,
        max_l2: c.maxL2,
      };
      ((metrics[type] ??= {}) as Record<string, unknown>)[key] = m;
      summaries.push({ attack: type, key, eps: c.eps, robustAccuracy: m.robust_accuracy });
    }
    metrics.worst_case = Object.fromEntries([...worst].map(([wk, w]) => [wk.split('|')[1], { robust_accuracy: w.robust / w.n, n: w.n }]));
    const masking = maskingChecks({
      summaries,
      cleanAccuracy: cleanCorrectTotal / total,
      unboundedAccuracy: unbounded ? unbounded.robust / unbounded.n : null,
      zeroGradientFraction: gradSamples ? zeroGrad / gradSamples : null,
      nanGradientFraction: gradSamples ? nanGrad / gradSamples : null,
      probabilityOutputs: model.meta.outputKind === 'probabilities',
    });
    metrics.masking = masking.flags;
    const findings: Finding[] = masking.findings;

    return {
      metrics,
      findings,
      notes,
      gradientMode: model.gradientMode,
      artifacts: { gallery, class_names: model.meta.classNames },
      perSample: ctx.perSample
        ? {
            ids,
            fields: {
              label: labelsSeen,
              min_breaking_eps: perSampleMinEps.map((v) => (Number.isFinite(v) ? v : null)),
              ...Object.fromEntries([...perSamplePred].map(([type, p]) => [`${type}_adv_pred`, p])),
            },
          }
        : undefined,
    };
  },
};

function tabularBox(o: AdversarialOptions, model: Model): Box {
  const F = model.meta.sampleShape[0];
  const bounds = o.feature_bounds;
  if (bounds && bounds.length !== F) throw new Error(`probes.adversarial.feature_bounds has ${bounds.length} entries; the model has ${F} features`);
  const frozen = new Set(o.immutable_features ?? []);
  for (const f of frozen) if (f >= F) throw new Error(`probes.adversarial.immutable_features: index ${f} is out of range (the model has ${F} features)`);
  return {
    lower: (k) => (bounds ? bounds[k % F][0] : -Infinity),
    upper: (k) => (bounds ? bounds[k % F][1] : Infinity),
    frozen: frozen.size ? (k) => frozen.has(k % F) : undefined,
  };
}


/** APGD with the targeted DLR loss at each of the top `k` wrong classes; per sample, the worst case over targets. */
async function apgdTargeted(model: Model, x: Batch, labels: Int32Array, eps: number[], steps: number, k: number, seed: number, box: Box): Promise<AttackRun> {
  const C = model.meta.numClasses;
  const clean = await model.predict(x);
  const runs: AttackRun[] = [];
  for (const targets of topWrongClasses(clean, labels, C, Math.min(k, C - 1))) {
    runs.push(await apgd(model, x, labels, { eps, steps, loss: 'dlr_targeted', targets, seed, box }));
  }
  const per = x.data.length / labels.length;
  const results = runs[0].results.map((first, e) => {
    const best = first.best.data.slice();
    const bestLogits = first.bestLogits.slice();
    const success = first.success.slice();
    for (const r of runs.slice(1)) {
      const other = r.results[e];
      for (let i = 0; i < labels.length; i++) {
        if (other.success[i] && !success[i]) {
          success[i] = 1;
          best.set(other.best.data.subarray(i * per, (i + 1) * per), i * per);
          bestLogits.set(other.bestLogits.subarray(i * C, (i + 1) * C), i * C);
        }
      }
    }
    return { ...first, best: { data: best, shape: x.shape }, bestLogits, success, queries: first.queries * runs.length };
  });
  return { attack: 'apgd_dlr_t', norm: 'linf', results };
}
