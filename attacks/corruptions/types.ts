import type { Rng } from '../../src/random.js';
import type { CorruptionParams, ParameterSet } from './params.js';

/** An RGB uint8 H×W×3 image, the only input the corruption functions see (grayscale is expanded first). */
export interface Rgb8 {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A frost texture, RGB uint8. */
export interface Texture {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface CorruptionContext {
  rng: Rng;
  params: CorruptionParams;
  parameterSet: ParameterSet;
  /** frost1..frost6 (only the first five are ever drawn, as in the reference). */
  frostTextures?: Texture[];
}

/**
 * A corruption: returns the float result on the 0–255 scale (H×W×3) exactly as the reference computes it
 * before its final `np.uint8(...)` cast, or directly uint8 when the reference returns a PIL image.
 */
export type CorruptionFn = (img: Rgb8, severity: number, ctx: CorruptionContext) => Float64Array | Float32Array | Uint8Array;
