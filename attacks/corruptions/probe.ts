import { alexnetMce, alexnetRelativeMce, baselineMce, baselineRelativeMce } from '../../metrics/corruption/ce.js';
import { cellMetrics, errorsBySeverity, meanOverCells, type CountTable } from '../../metrics/corruption/table.js';
import { rawImagesToBatch } from '../../src/data/convert.js';
import type { RawImage } from '../../src/data/types.js';
import type { Model } from '../../src/models/types.js';
import { Rng } from '../../src/random.js';
import type { Finding, Probe, ProbeOutput } from '../../src/runner/probe.js';
import { argmaxRows } from '../../src/tensor.js';
import { ALL_CORRUPTIONS, BENCHMARK_CORRUPTIONS, isCorruptionName, type CorruptionName } from './names.js';
import { resolveParameterSet, type ParameterSet } from './params.js';
import { CorruptionPool } from './pool.js';
import { thumbnailDataUri } from '../../src/thumbnail.js';

export interface CorruptionsOptions {
  corruptions?: string[] | 'all' | 'benchmark';
  severities?: number[];
  seed?: number;
  parameter_set?: ParameterSet | 'auto';
  baseline_model?: string;
  max_samples?: number;
  examples?: number;
  threads?: number;
}

/** What the report section reads from `artifacts.examples`. */
export interface CorruptionExample {
  id: string;
  label: string;
  clean: { image: string; prediction: string };
  /** corruption → severity → thumbnail + the model's prediction on it */
  corrupted: Record<string, Record<string, { image: string; prediction: string; correct: boolean }>>;
}

function selectCorruptions(choice: CorruptionsOptions['corruptions']): CorruptionName[] {
  if (choice === undefined || choice === 'benchmark') return [...BENCHMARK_CORRUPTIONS];
  if (choice === 'all') return [...ALL_CORRUPTIONS];
  for (const c of choice) {
    if (!isCorruptionName(c)) throw new Error(`corruptions: unknown corruption "${c}"; choose from ${ALL_CORRUPTIONS.join(', ')}, or 'all' / 'benchmark'`);
  }
  return [...new Set(choice)] as CorruptionName[];
}

/** Per-sample seed: independent of batch size and of which other samples are evaluated. */
function sampleSeed(seed: number, index: number): number {
  return Rng.derive(seed, `corruptions/sample/${index}`).nextUint32();
}

interface Evaluated {
  table: CountTable;
  clean: { correct: number; n: number };
}

function emptyTable(corruptions: readonly string[], severities: readonly number[]): CountTable {
  const t: CountTable = {};
  for (const c of corruptions) {
    t[c] = {};
    for (const s of severities) t[c][String(s)] = { correct: 0, n: 0 };
  }
  return t;
}

/**
 * ImageNet-C / CIFAR-10-C style robustness to natural corruptions (Hendrycks & Dietterich 2019).
 * Streams the dataset once with raw uint8 images; for each batch every corruption × severity is generated
 * in a worker pool and fed to the model (and the baseline model, if named), so memory stays one batch deep.
 */
export const corruptionsProbe: Probe<CorruptionsOptions> = {
  name: 'corruptions',
  title: 'Natural corruptions (ImageNet-C): accuracy per corruption × severity, mCE',
  needsModel: true,
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    default: {},
    properties: {
      corruptions: {
        description: "Corruptions to apply: a list of names, 'benchmark' (the 15 of mCE) or 'all' (adds the 4 held-out ones).",
        default: 'benchmark',
        oneOf: [
          { type: 'string', enum: ['all', 'benchmark'] },
          { type: 'array', items: { type: 'string', enum: [...ALL_CORRUPTIONS] }, minItems: 1, uniqueItems: true },
        ],
      },
      severities: {
        type: 'array',
        items: { type: 'integer', minimum: 1, maximum: 5 },
        minItems: 1,
        uniqueItems: true,
        default: [1, 2, 3, 4, 5],
        description: 'Severities 1–5 to evaluate; mCE against AlexNet needs all five.',
      },
      seed: { type: 'integer', minimum: 0, description: "Seed of the corruptions' random draws (default: the audit seed)." },
      parameter_set: {
        type: 'string',
        enum: ['auto', 'imagenet', 'cifar'],
        default: 'auto',
        description: "Corruption parameters: ImageNet-C's, CIFAR-10-C's, or auto (CIFAR for inputs of at most 32×32).",
      },
      baseline_model: { type: 'string', description: 'A second model file (same input spec) to normalise CE by, evaluated on the same corrupted images.' },
      max_samples: { type: 'integer', minimum: 1, description: 'Evaluate at most this many samples (the first in dataset order).' },
      examples: { type: 'integer', minimum: 0, maximum: 8, default: 1, description: 'Example images per corruption and severity shown in the report.' },
      threads: { type: 'integer', minimum: 0, maximum: 64, description: 'Worker threads generating corruptions (default: one per core, at most 2; 0 = in-process).' },
    },
  },

  async run(ctx, options): Promise<ProbeOutput> {
    const model = ctx.model;
    if (!model) throw new Error('corruptions needs a model (it re-classifies corrupted images)');
    if (model.meta.layout === 'NC') throw new Error("corruptions works on image models; this model's layout is 'NC' (tabular)");
    const corruptions = selectCorruptions(options.corruptions);
    const severities = [...new Set(options.severities ?? [1, 2, 3, 4, 5])].sort((a, b) => a - b);
    const seed = options.seed ?? ctx.seed;
    const maxSamples = options.max_samples ?? Infinity;
    const nExamples = options.examples ?? 1;
    const baseline: Model | null = options.baseline_model
      ? await (ctx.loadModel ?? (() => Promise.reject(new Error('baseline_model needs a model spec in the config'))))(ctx.resolvePath(options.baseline_model))
      : null;
    const names = model.meta.classNames.length ? model.meta.classNames : ctx.dataset.classNames;
    const label = (k: number) => names[k] ?? String(k);

    const pool = new CorruptionPool(options.threads);
    const ours: Evaluated = { table: emptyTable(corruptions, severities), clean: { correct: 0, n: 0 } };
    const theirs: Evaluated = { table: emptyTable(corruptions, severities), clean: { correct: 0, n: 0 } };
    const examples: CorruptionExample[] = [];
    // per-sample records (only when asked for): clean correctness and how many corrupted versions stay correct
    const perSampleIds: string[] = [];
    const perSampleClean: boolean[] = [];
    const perSampleCorrect: number[] = [];
    let parameterSet: ParameterSet | null = null;
    const total = Number.isFinite(maxSamples) ? Math.min(maxSamples, ctx.dataset.size ?? maxSamples) : ctx.dataset.size ?? 0;
    const task = ctx.progress.task('corruptions', total * corruptions.length * severities.length);
    let seen = 0;

    const classify = async (m: Model, images: RawImage[]): Promise<Int32Array> =>
      argmaxRows(await m.predict(rawImagesToBatch(images, m.meta.layout)), m.meta.numClasses);

    try {
      for await (const batch of ctx.dataset.batches(ctx.batchSize, { images: true })) {
        if (seen >= maxSamples) break;
        if (!batch.images) {
          throw new Error(`corruptions needs raw images, but the ${ctx.dataset.kind} dataset gives none; use an image dataset (image-folder, manifest or idx)`);
        }
        const take = Math.min(batch.images.length, maxSamples - seen);
        const images = batch.images.slice(0, take);
        const labels = batch.labels.subarray(0, take);
        const indices = batch.indices.slice(0, take);
        seen += take;
        parameterSet ??= resolveParameterSet(options.parameter_set ?? 'auto', images[0].width, images[0].height);
        const count = (ev: Evaluated['clean'], preds: Int32Array) => {
          for (let i = 0; i < take; i++) if (preds[i] === labels[i]) ev.correct++;
          ev.n += take;
        };
        const cleanPreds = await classify(model, images);
        count(ours.clean, cleanPreds);
        const firstRecord = perSampleIds.length;
        if (ctx.perSample) {
          for (let i = 0; i < take; i++) {
            perSampleIds.push(batch.ids[i]);
            perSampleClean.push(cleanPreds[i] === labels[i]);
            perSampleCorrect.push(0);
          }
        }
        if (baseline) count(theirs.clean, await classify(baseline, images));
        const wantExamples = Math.max(0, Math.min(nExamples - examples.length, take));
        const batchExamples: CorruptionExample[] = [];
        for (let i = 0; i < wantExamples; i++) {
          batchExamples.push({
            id: batch.ids[i],
            label: label(labels[i]),
            clean: { image: await thumbnailDataUri(images[i]), prediction: label(cleanPreds[i]) },
            corrupted: {},
          });
        }

        // Cells are generated one ahead: while the model classifies cell k, the pool already corrupts k+1.
        const cells = corruptions.flatMap((c) => severities.map((s) => [c, s] as const));
        const launch = ([c, s]: readonly [CorruptionName, number]) => {
          const p = Promise.all(images.map((img, i) => pool.run({ image: img, name: c, severity: s, seed: sampleSeed(seed, indices[i]), params: parameterSet! })));
          p.catch(() => undefined); // a failure surfaces where it is awaited, never as an unhandled rejection meanwhile
          return p;
        };
        let next = cells.length ? launch(cells[0]) : null;
        for (let k = 0; k < cells.length; k++) {
          const [c, s] = cells[k];
          const corrupted = await next!;
          next = k + 1 < cells.length ? launch(cells[k + 1]) : null;
          const preds = await classify(model, corrupted);
          const cell = ours.table[c][String(s)];
          for (let i = 0; i < take; i++) {
            if (preds[i] !== labels[i]) continue;
            cell.correct++;
            if (ctx.perSample) perSampleCorrect[firstRecord + i]++;
          }
          cell.n += take;
          if (baseline) {
            const bp = await classify(baseline, corrupted);
            const bcell = theirs.table[c][String(s)];
            for (let i = 0; i < take; i++) if (bp[i] === labels[i]) bcell.correct++;
            bcell.n += take;
          }
          for (let i = 0; i < batchExamples.length; i++) {
            (batchExamples[i].corrupted[c] ??= {})[String(s)] = {
              image: await thumbnailDataUri(corrupted[i]),
              prediction: label(preds[i]),
              correct: preds[i] === labels[i],
            };
          }
          task.tick(take);
        }
        examples.push(...batchExamples);
      }
    } finally {
      task.done();
      await pool.close();
      if (baseline) await baseline.dispose();
    }
    if (seen === 0) throw new Error('corruptions: the dataset yielded no samples');
    const out = buildOutput({ ours, theirs: baseline ? theirs : null, corruptions, severities, parameterSet: parameterSet!, model, seed, examples, poolMode: pool.mode });
    if (ctx.perSample) {
      const cellsPerSample = corruptions.length * severities.length;
      out.perSample = {
        ids: perSampleIds,
        fields: {
          clean_correct: perSampleClean,
          corrupted_correct: perSampleCorrect,
          corrupted_accuracy: perSampleCorrect.map((c) => Math.round((c / cellsPerSample) * 1e6) / 1e6),
        },
      };
    }
    return out;
  },
};

interface BuildArgs {
  ours: Evaluated;
  theirs: Evaluated | null;
  corruptions: CorruptionName[];
  severities: number[];
  parameterSet: ParameterSet;
  model: Model;
  seed: number;
  examples: CorruptionExample[];
  poolMode: string;
}

/** The metrics tree (gates: `corruptions.mce`, `corruptions.fog["5"].accuracy`), notes and findings. Pure. */
export function buildOutput(a: BuildArgs): ProbeOutput {
  const { ours, theirs, corruptions, severities } = a;
  const notes: string[] = [
    `Parameter set: ${a.parameterSet === 'cifar' ? 'CIFAR-10-C (inputs of at most 32×32)' : 'ImageNet-C'}; seed ${a.seed}; corruptions generated ${a.poolMode === 'workers' ? 'in worker threads' : 'in-process'}.`,
    'mCE and CE are percentages as in Hendrycks & Dietterich (2019): 100 = as bad as the baseline (AlexNet, or the named baseline model); lower is better. mCE is not 100 − accuracy.',
  ];
  const benchmark = BENCHMARK_CORRUPTIONS.filter((c) => corruptions.includes(c));
  const errs = errorsBySeverity(ours.table, severities);
  const cleanError = 1 - ours.clean.correct / ours.clean.n;
  const metrics: Record<string, unknown> = {};

  const is1000 = a.model.meta.numClasses === 1000;
  const alex = is1000 ? alexnetMce(errs) : null;
  const alexRel = is1000 ? alexnetRelativeMce(errs, cleanError) : null;
  let mceReason = '';
  if (!is1000) mceReason = `the AlexNet normaliser is defined for 1000-class ImageNet models; this model has ${a.model.meta.numClasses} classes`;
  else if (!alex) mceReason = 'mCE against AlexNet needs all 15 benchmark corruptions at all 5 severities';
  let ceByCorruption: Record<string, number> = alex?.perCorruption ?? {};
  let relByCorruption: Record<string, number> = alexRel?.perCorruption ?? {};
  if (alex) {
    metrics.mce = alex.mean * 100;
    metrics.relative_mce = alexRel!.mean * 100;
    metrics.mce_baseline = 'alexnet';
  }
  if (theirs) {
    const terrs = errorsBySeverity(theirs.table, severities);
    const tClean = 1 - theirs.clean.correct / theirs.clean.n;
    const b = baselineMce(errs, terrs, benchmark);
    const br = baselineRelativeMce(errs, cleanError, terrs, tClean, benchmark);
    if (!alex && b) {
      metrics.mce = b.mean * 100;
      metrics.relative_mce = br ? br.mean * 100 : null;
      metrics.mce_baseline = 'baseline_model';
      ceByCorruption = b.perCorruption;
      relByCorruption = br?.perCorruption ?? {};
    }
    const tm = meanOverCells(theirs.table, benchmark.length ? benchmark : corruptions);
    metrics.baseline = {
      clean_accuracy: 1 - tClean,
      mean_accuracy: tm.meanAccuracy,
      mce: b ? b.mean * 100 : null,
    };
  }
  if (metrics.mce === undefined) {
    metrics.mce = { value: null, reason: `${mceReason}; name a baseline_model to normalise by it` };
    metrics.relative_mce = { value: null, reason: mceReason };
    notes.push(`mCE not computed: ${mceReason}. Mean corruption error and mean accuracy are reported instead.`);
  }
  const over = benchmark.length ? benchmark : corruptions;
  const m = meanOverCells(ours.table, over);
  metrics.clean_accuracy = 1 - cleanError;
  metrics.mean_accuracy = m.meanAccuracy;
  metrics.mean_error = m.meanError;
  metrics.n = ours.clean.n;
  for (const c of corruptions) {
    const entry: Record<string, unknown> = {};
    let accSum = 0;
    let accN = 0;
    for (const s of severities) {
      const cm = cellMetrics(ours.table[c][String(s)]);
      entry[String(s)] = cm;
      if (cm.accuracy !== null) {
        accSum += cm.accuracy;
        accN++;
      }
    }
    entry.mean_accuracy = accN ? accSum / accN : null;
    if (ceByCorruption[c] !== undefined) entry.ce = ceByCorruption[c] * 100;
    if (relByCorruption[c] !== undefined) entry.relative_ce = relByCorruption[c] * 100;
    metrics[c] = entry;
  }
  if (corruptions.some((c) => !BENCHMARK_CORRUPTIONS.includes(c as (typeof BENCHMARK_CORRUPTIONS)[number]))) {
    notes.push('Held-out corruptions (speckle_noise, gaussian_blur, spatter, saturate) are reported but never enter mCE or the mean accuracy.');
  }

  const findings: Finding[] = [];
  const worst = corruptions
    .map((c) => ({ c, acc: (metrics[c] as { mean_accuracy: number | null }).mean_accuracy }))
    .filter((x): x is { c: CorruptionName; acc: number } => x.acc !== null)
    .sort((x, y) => x.acc - y.acc)[0];
  if (worst && 1 - cleanError - worst.acc > 0.25) {
    findings.push({
      id: 'corruptions.large_drop',
      severity: 1 - cleanError - worst.acc > 0.5 ? 'critical' : 'warning',
      title: `Accuracy collapses under ${worst.c.replace(/_/g, ' ')}`,
      detail: `Mean accuracy over the evaluated severities of ${worst.c} is ${(worst.acc * 100).toFixed(1)}% against ${((1 - cleanError) * 100).toFixed(1)}% on clean images.`,
      advice: 'Train with data augmentation that covers this shift (e.g. AugMix, or the corruption family itself), or guard the input pipeline.',
    });
  }
  return {
    metrics,
    notes,
    findings,
    artifacts: {
      severities,
      corruptions,
      benchmark: [...BENCHMARK_CORRUPTIONS],
      parameter_set: a.parameterSet,
      mce_baseline: metrics.mce_baseline ?? null,
      examples: a.examples,
    },
  };
}
