import type { RawImage } from '../../src/data/types.js';
import type { ParameterSet } from './params.js';

export interface CorruptionTask {
  image: RawImage;
  name: string;
  severity: number;
  seed: number;
  params?: ParameterSet | 'auto';
}

export interface PoolRequest extends CorruptionTask {
  id: number;
}

export type PoolResponse = { id: number; image: RawImage; error?: undefined } | { id: number; error: string; image?: undefined };
