import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { AuditRunError, ConfigError } from '../config/errors.js';
import { openAuditDataset } from '../data/open-any.js';
import { PredictionsDataset } from '../data/predictions.js';
import type { Dataset } from '../data/types.js';
import { evaluateGate, expandGates, exitCodeFor, verdictOf } from '../gates/evaluate.js';
import { applyHolm } from '../gates/holm.js';
import { loadModel } from '../models/load.js';
import { modelSpecFromConfig } from '../models/spec.js';
import type { Model, ModelSpec } from '../models/types.js';
import { packageVersion } from '../paths.js';
import { silentProgress, type Progress } from '../progress.js';
import { RESULTS_SCHEMA_VERSION, type AuditResults, type ProbeResult } from '../results/types.js';
import { computeCleanPass } from './clean-pass.js';
import type { CleanPass, ProbeContext } from './probe.js';
import { PROBES } from './registry.js';

export interface AuditOptions {
  progress?: Progress;
  /** Override the config's seed. */
  seed?: number;
  /** Override output.per_sample. */
  perSample?: boolean;
}

export interface AuditOutcome {
  results: AuditResults;
  exitCode: 0 | 1 | 3;
}

/**
 * Run an audit: config → model + dataset → clean pass → probes → gates → results.
 * Writing files and rendering reports is the caller's job (see src/cli/audit-command.ts), so the
 * runner is usable from notebooks and tests without touching the disk.
 * Throws AuditRunError when the model or the dataset cannot be loaded (exit 3); a probe that fails
 * is recorded in the results with status 'error' and the audit goes on.
 */
export async function runAudit(loaded: LoadedConfig, opts: AuditOptions = {}): Promise<AuditOutcome> {
  const { config, gates, baseDir } = loaded;
  const progress = opts.progress ?? silentProgress;
  const seed = opts.seed ?? config.seed;
  const perSample = opts.perSample ?? config.output.per_sample;
  const started = performance.now();

  let model: Model | null = null;
  let spec: ModelSpec | null = null;
  const t0 = performance.now();
  // Only probes that differentiate need the gradient graphs built at load (and gradientMode final).
  const needsGradients = PROBES.some((p) => p.name in config.probes && p.needsGradients);
  if (config.model) {
    spec = modelSpecFromConfig(config.model, baseDir);
    try {
      model = await loadModel(spec, { deferGradients: !needsGradients });
    } catch (e) {
      throw new AuditRunError(`cannot load the model ${config.model.path}: ${(e as Error).message}`, { cause: e });
    }
    progress.log(`model ${relative(process.cwd(), spec.path)} loaded (${model.meta.backend}, gradients: ${model.gradientMode})`);
  }
  const modelLoadMs = performance.now() - t0;

  let dataset: Dataset;
  try {
    dataset = await openAuditDataset(config.dataset, spec, model?.meta ?? null, baseDir);
  } catch (e) {
    await model?.dispose();
    const msg = (e as Error).message;
    // "dataset.<field>: …" is a mismatch between the config and the data (a column that does not
    // exist, a path that is not there): the user fixes the config, so it is a config error (exit 2).
    const field = /^dataset\.([\w.]+):\s*(.*)$/s.exec(msg);
    if (field) {
      throw new ConfigError([{ file: loaded.file ?? 'config', line: null, col: null, pointer: `/dataset/${field[1].replace(/\./g, '/')}`, message: field[2] }]);
    }
    throw new AuditRunError(`cannot open the dataset: ${msg}`, { cause: e });
  }

  // Held in an object so TypeScript does not narrow it to null across the closure below.
  const cached: { clean: Promise<CleanPass> | null } = { clean: null };
  const batchSize = spec?.batchSize ?? 128;
  const ctx: ProbeContext = {
    model,
    dataset,
    seed,
    batchSize,
    progress,
    perSample,
    resolvePath: (p) => resolve(baseDir, p),
    clean: () => {
      if (!model) return Promise.reject(new Error('this probe needs a model; the audit has none'));
      cached.clean ??= computeCleanPass(model, dataset, batchSize, progress);
      return cached.clean;
    },
    loadModel: spec ? (p: string) => loadModel({ ...spec!, path: resolve(baseDir, p) }, { deferGradients: !needsGradients }) : undefined,
  };

  const probes: Record<string, ProbeResult> = {};
  const timings: Record<string, number> = {};
  try {
    for (const probe of PROBES) {
      if (!(probe.name in config.probes)) continue;
      const options = config.probes[probe.name];
      const ts = performance.now();
      progress.log(`probe ${probe.name}: running`);
      let res: ProbeResult;
      try {
        const out = await probe.run(ctx, options);
        res = {
          name: probe.name,
          title: probe.title,
          status: 'ok',
          timingMs: 0,
          metrics: out.metrics,
          findings: out.findings ?? [],
          notes: out.notes ?? [],
          artifacts: out.artifacts ?? {},
          ...(out.gradientMode ? { gradientMode: out.gradientMode } : {}),
          ...(perSample && out.perSample ? { perSample: out.perSample } : {}),
        };
      } catch (e) {
        const err = e as Error;
        progress.log(`probe ${probe.name} failed: ${err.message}`);
        res = {
          name: probe.name,
          title: probe.title,
          status: 'error',
          error: err.message,
          timingMs: 0,
          metrics: {},
          findings: [],
          notes: [err.stack?.split('\n').slice(0, 4).join('\n') ?? ''],
          artifacts: {},
        };
      }
      res.timingMs = Math.round((performance.now() - ts) * 10) / 10;
      timings[probe.name] = res.timingMs;
      probes[probe.name] = res;
    }
  } finally {
    await model?.dispose();
  }

  const gateSpecs = expandGates(gates, probes);
  let gateResults = gateSpecs.map((g) => evaluateGate(g, probes));
  if (config.gate_settings.holm) gateResults = applyHolm(gateSpecs, gateResults, probes, config.gate_settings.alpha);

  const results: AuditResults = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'faultline', version: packageVersion(), node: process.version },
    createdAt: new Date().toISOString(),
    configPath: loaded.file,
    config: config as unknown as Record<string, unknown>,
    seed,
    model: model
      ? { ...model.meta, path: loaded.file ? relative(baseDir, model.meta.path) || model.meta.path : model.meta.path, gradientMode: model.gradientMode }
      : null,
    dataset: {
      kind: dataset.kind,
      description: dataset.description,
      fingerprint: await dataset.fingerprint(),
      samples: await sampleCount(dataset, cached.clean),
      skipped: dataset.skipped(),
    },
    environment: { platform: process.platform, arch: process.arch, cpus: cpus().length, backend: model?.meta.backend ?? null },
    timings: { totalMs: Math.round((performance.now() - started) * 10) / 10, modelLoadMs: Math.round(modelLoadMs * 10) / 10, probes: timings },
    probes,
    gates: gateResults,
    // A probe that failed makes the verdict ERROR even when no gate names it.
    verdict: Object.values(probes).some((p) => p.status === 'error') ? 'ERROR' : verdictOf(gateResults),
    findings: Object.values(probes).flatMap((p) => p.findings),
  };
  return { results, exitCode: exitCodeFor(gateResults, probes, config.gate_settings.on_insufficient) };
}

/** Where an audit writes its files: --out, else output.dir, else beside the config file. */
export function outputDir(loaded: LoadedConfig, override?: string): string {
  if (override) return resolve(override);
  if (loaded.config.output.dir) return resolve(loaded.baseDir, loaded.config.output.dir);
  return loaded.baseDir;
}

export function resultsPath(dir: string): string {
  return join(dir, 'results.json');
}

/** Samples the audit used: from the clean pass, the predictions table, or the dataset's own count. */
async function sampleCount(dataset: Dataset, clean: Promise<CleanPass> | null): Promise<number> {
  if (clean) return (await clean).labels.length;
  if (dataset instanceof PredictionsDataset) return (await dataset.table()).ids.length;
  return dataset.size ?? 0;
}
