import type { ModelBuilder } from '../../src/autodiff/model-builder.js';
import { weights } from './gradcheck.js';

export interface Case {
  name: string;
  opset?: number;
  sampleShape: number[];
  range?: [number, number];
  distinct?: boolean;
  build: (b: ModelBuilder) => void;
}

let seed = 100;
/** A weight initializer with deterministic values. */
export const w = (b: ModelBuilder, dims: number[], scale = 0.5): string =>
  b.weight('w', dims, weights(seed++, dims.reduce((a, c) => a * c, 1), scale));

/** Case with input x of the given sample shape, op chain built by `body`, output y. */
export function unaryCase(name: string, sampleShape: number[], body: (b: ModelBuilder, x: string) => string, opts: Partial<Case> = {}): Case {
  return {
    name,
    sampleShape,
    ...opts,
    build: (b) => {
      const x = b.input('x', ['N', ...sampleShape]);
      b.finish(body(b, x), 'y');
    },
  };
}
