/**
 * Plain float64 reference for the LossSpec losses (definitions in src/models/types.ts) and their
 * derivatives with respect to the logits, written independently of src/models/tfjs-losses.ts:
 * ties and orderings are resolved by explicit sorting, not by one-hot masks.
 */
import type { LossSpec } from '../../src/models/types.js';

export interface LossRef {
  loss: Float64Array; // [N]
  dz: Float64Array; // [N, C], d loss_i / d z_i
}

export function lossReference(z: ArrayLike<number>, spec: LossSpec, c: number): LossRef {
  const n = z.length / c;
  const loss = new Float64Array(n);
  const dz = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: c }, (_, j) => z[i * c + j]);
    const d = new Float64Array(c);
    const sorted = row.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((p) => p[1]);
    const other = (y: number): number => sorted.find((j) => j !== y)!;
    let l = 0;
    switch (spec.loss) {
      case 'ce':
      case 'targeted_ce': {
        const y = spec.loss === 'ce' ? spec.labels[i] : spec.targets[i];
        const mx = Math.max(...row);
        const s = row.reduce((a, v) => a + Math.exp(v - mx), 0);
        l = mx + Math.log(s) - row[y];
        row.forEach((v, j) => (d[j] = Math.exp(v - mx) / s));
        d[y] -= 1;
        break;
      }
      case 'margin': {
        const y = spec.labels[i];
        const o = other(y);
        l = row[o] - row[y];
        d[o] += 1;
        d[y] -= 1;
        break;
      }
      case 'dlr': {
        const y = spec.labels[i];
        const o = other(y);
        const den = row[sorted[0]] - row[sorted[2]] + 1e-12;
        const num = row[y] - row[o];
        l = -num / den;
        d[y] -= 1 / den;
        d[o] += 1 / den;
        d[sorted[0]] += num / (den * den);
        d[sorted[2]] -= num / (den * den);
        break;
      }
      case 'dlr_targeted': {
        const y = spec.labels[i];
        const t = spec.targets[i];
        const den = row[sorted[0]] - (row[sorted[2]] + row[sorted[3]]) / 2 + 1e-12;
        const num = row[y] - row[t];
        l = -num / den;
        d[y] -= 1 / den;
        d[t] += 1 / den;
        d[sorted[0]] += num / (den * den);
        d[sorted[2]] -= num / (2 * den * den);
        d[sorted[3]] -= num / (2 * den * den);
        break;
      }
      case 'cotangent':
        for (let j = 0; j < c; j++) {
          d[j] = spec.cotangent[i * c + j];
          l += d[j] * row[j];
        }
        break;
    }
    loss[i] = l;
    dz.set(d, i * c);
  }
  return { loss, dz };
}
