import type { Batch } from '../../src/tensor.js';

export type Norm = 'linf' | 'l2';

/** How a targeted attack picks its target class. */
export type TargetMode = 'given' | 'random' | 'least_likely';

/** One attack's outcome at one ε, Foolbox-style: the final iterate, the worst case, success per sample. */
export interface EpsResult {
  eps: number;
  /** The reference-convention output: the last iterate (of the last restart). */
  final: Batch;
  finalLogits: Float32Array;
  /** Per sample, the most damaging point seen over every iterate and restart (lowest true-class margin). */
  best: Batch;
  bestLogits: Float32Array;
  /** 1 where the worst-case point is misclassified (untargeted) or hits the target (targeted). */
  success: Uint8Array;
  /** Targeted runs: 1 where the final iterate is classified as its target class. */
  targetHits?: Uint8Array;
  /** Number of model queries (forward or forward+backward passes) per sample. */
  queries: number;
}

export interface AttackRun {
  attack: string;
  norm: Norm;
  results: EpsResult[];
  /** Fractions of samples whose input gradient at the clean point was all zero / had a NaN. */
  zeroGradientFraction?: number;
  nanGradientFraction?: number;
}
