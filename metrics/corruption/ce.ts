import { ALEXNET_CLEAN_ERROR, ALEXNET_CORRUPTION_ERRORS } from './alexnet.js';

/** Error per severity of one corruption, index 0 = the first evaluated severity. */
export type SeverityErrors = readonly number[];

export interface CorruptionErrorResult {
  /** CE_c per corruption (fraction; ×100 for the paper's percentages). */
  perCorruption: Record<string, number>;
  /** Mean of CE_c over the corruptions given (the 15 benchmark ones for mCE). */
  mean: number;
}

function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('mean of an empty list');
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Corruption Error of Hendrycks & Dietterich (2019), Eq. 1: CE_c = Σ_s E_{s,c} / Σ_s E^base_{s,c}.
 * `baseline` is either per-severity errors of a baseline model on the same data (same length), or one
 * number that is already the baseline's mean over the same severities (the AlexNet table).
 */
export function corruptionError(errors: SeverityErrors, baseline: SeverityErrors | number): number {
  if (typeof baseline === 'number') return mean(errors) / baseline;
  if (baseline.length !== errors.length) throw new Error(`baseline has ${baseline.length} severities, model ${errors.length}`);
  const denom = baseline.reduce((a, b) => a + b, 0);
  return errors.reduce((a, b) => a + b, 0) / denom;
}

/**
 * Relative CE (Eq. 2): Σ_s (E_{s,c} − E_clean) / Σ_s (E^base_{s,c} − E^base_clean) — how much accuracy a model
 * loses under corruption relative to how much the baseline loses.
 */
export function relativeCorruptionError(errors: SeverityErrors, cleanError: number, baseline: SeverityErrors | number, baselineClean: number): number {
  const num = mean(errors) - cleanError;
  const base = typeof baseline === 'number' ? baseline : mean(baseline);
  return num / (base - baselineClean);
}

/**
 * ImageNet-C mCE normalised by AlexNet: the mean of CE_c over the 15 benchmark corruptions, each with
 * all five severities (AlexNet's constants are five-severity means; a partial sweep has no AlexNet
 * normaliser). Returns null when a benchmark corruption or severity is missing.
 */
export function alexnetMce(errors: Record<string, SeverityErrors>): CorruptionErrorResult | null {
  const perCorruption: Record<string, number> = {};
  for (const [name, alex] of Object.entries(ALEXNET_CORRUPTION_ERRORS)) {
    const e = errors[name];
    if (!e || e.length !== 5) return null;
    perCorruption[name] = corruptionError(e, alex);
  }
  return { perCorruption, mean: mean(Object.values(perCorruption)) };
}

/** Relative mCE against AlexNet (clean error 0.4348), same requirements as alexnetMce. */
export function alexnetRelativeMce(errors: Record<string, SeverityErrors>, cleanError: number): CorruptionErrorResult | null {
  const perCorruption: Record<string, number> = {};
  for (const [name, alex] of Object.entries(ALEXNET_CORRUPTION_ERRORS)) {
    const e = errors[name];
    if (!e || e.length !== 5) return null;
    perCorruption[name] = relativeCorruptionError(e, cleanError, alex, ALEXNET_CLEAN_ERROR);
  }
  return { perCorruption, mean: mean(Object.values(perCorruption)) };
}

/**
 * mCE normalised by a baseline model the user names, evaluated on the same corrupted images: CE_c per
 * corruption present in both, averaged over `corruptions` (the benchmark ones by default).
 */
export function baselineMce(errors: Record<string, SeverityErrors>, baseline: Record<string, SeverityErrors>, corruptions: readonly string[]): CorruptionErrorResult | null {
  const perCorruption: Record<string, number> = {};
  for (const name of corruptions) {
    if (!errors[name] || !baseline[name]) continue;
    perCorruption[name] = corruptionError(errors[name], baseline[name]);
  }
  const values = Object.values(perCorruption);
  return values.length ? { perCorruption, mean: mean(values) } : null;
}

export function baselineRelativeMce(
  errors: Record<string, SeverityErrors>,
  cleanError: number,
  baseline: Record<string, SeverityErrors>,
  baselineClean: number,
  corruptions: readonly string[],
): CorruptionErrorResult | null {
  const perCorruption: Record<string, number> = {};
  for (const name of corruptions) {
    if (!errors[name] || !baseline[name]) continue;
    perCorruption[name] = relativeCorruptionError(errors[name], cleanError, baseline[name], baselineClean);
  }
  const values = Object.values(perCorruption);
  return values.length ? { perCorruption, mean: mean(values) } : null;
}
