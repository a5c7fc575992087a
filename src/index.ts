/**
 * faultline's library API, for notebooks, course work and users' own scripts.
 * The CLI is built on exactly these functions.
 */
export { loadModel } from './models/load.js';
export { loadOnnxModel, inspectOnnx, type OnnxInspection } from './models/onnx.js';
export { loadTfjsModel } from './models/tfjs.js';
export { evaluateLoss } from './models/losses.js';
export type { Model, ModelSpec, ModelMeta, LossSpec, GradientResult, GradientMode, Layout } from './models/types.js';

export { openDataset, rawImagesToBatch, batchToRawImages, convertLayout } from './data/index.js';
export type { Dataset, DataBatch, DatasetSpec, RawImage, SkippedInput } from './data/index.js';

export type { Batch } from './tensor.js';
export { argmaxRows, softmaxRows, sliceBatch, concatBatches } from './tensor.js';
export { Rng } from './random.js';

export { loadConfigFile, parseConfigText, configSchema, type AuditConfig, type LoadedConfig } from './config/load.js';
export { ConfigError, AuditRunError, UsageError } from './config/errors.js';
export { runAudit, type AuditOptions, type AuditOutcome } from './runner/audit.js';
export { PROBES } from './runner/registry.js';
export type { Probe, ProbeContext, ProbeOutput, Measured, MeasuredValue, Finding, CleanPass } from './runner/probe.js';
export { evaluateGates, verdictOf, exitCodeFor } from './gates/evaluate.js';
export { parseGate } from './gates/parse.js';

export { writeResults, readResults, validateResults, resultsSchema } from './results/write.js';
export type { AuditResults, ProbeResult, GateResult, GateStatus } from './results/types.js';
export { renderHtml } from '../reports/render-html.js';
export { renderMarkdown } from '../reports/render-markdown.js';
export { renderJunit } from '../reports/render-junit.js';

export { classificationSummary, calibration } from '../metrics/performance/classification.js';

export * as attacks from '../attacks/adversarial/index.js';
export { fgsm, pgd, apgd, squareLinf, autoAttackLite } from '../attacks/adversarial/index.js';
export { corrupt, ALL_CORRUPTIONS, BENCHMARK_CORRUPTIONS, HELD_OUT_CORRUPTIONS } from '../attacks/corruptions/index.js';
export { groupMetrics, type GroupMetrics } from '../metrics/fairness/group-metrics.js';
export { wilsonInterval } from '../metrics/stats/wilson.js';
export { holmAdjust } from './gates/holm.js';
