/**
 * Plain-JS reference implementations of the LossSpec losses on [N, C] logits, in float64: the
 * per-sample value and d(loss)/d(logits). Used by the estimated-gradient path, as the reference in
 * tests of the ONNX loss head, and to build the loss feeds (one-hot rows) of the gradient graph.
 */
import type { LossSpec } from './types.js';

export interface LossValues {
  /** [N] per-sample loss. */
  loss: Float64Array;
  /** [N, C] d loss_i / d logits_i. */
  dLogits: Float64Array;
}

function checkIndex(v: number, classes: number, what: string, i: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= classes) throw new Error(`${what}[${i}] = ${v} is not a class index in [0, ${classes})`);
}

/** Indices of the row's values sorted descending (stable: ties keep the lower index first). */
function order(row: ArrayLike<number>): number[] {
  return Array.from({ length: row.length }, (_, j) => j).sort((a, b) => row[b] - row[a] || a - b);
}

/** max_{j≠y} z_j and its (first) index. */
function maxOther(z: ArrayLike<number>, y: number): [number, number] {
  let best = -1;
  let bv = -Infinity;
  for (let j = 0; j < z.length; j++) if (j !== y && (best < 0 || z[j] > bv)) [best, bv] = [j, z[j]];
  return [bv, best];
}

export function evaluateLoss(spec: LossSpec, logits: ArrayLike<number>, classes: number): LossValues {
  const n = logits.length / classes;
  const loss = new Float64Array(n);
  const dLogits = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: classes }, (_, j) => Number(logits[i * classes + j]));
    const g = dLogits.subarray(i * classes, (i + 1) * classes);
    switch (spec.loss) {
      case 'ce':
      case 'targeted_ce': {
        const y = spec.loss === 'ce' ? spec.labels[i] : spec.targets[i];
        checkIndex(y, classes, spec.loss === 'ce' ? 'labels' : 'targets', i);
        const m = Math.max(...z);
        let s = 0;
        for (const v of z) s += Math.exp(v - m);
        loss[i] = Math.log(s) + m - z[y];
        for (let j = 0; j < classes; j++) g[j] = Math.exp(z[j] - m) / s - (j === y ? 1 : 0);
        break;
      }
      case 'margin': {
        const y = spec.labels[i];
        checkIndex(y, classes, 'labels', i);
        const [mo, jo] = maxOther(z, y);
        loss[i] = mo - z[y];
        g[jo] += 1;
        g[y] -= 1;
        break;
      }
      case 'dlr': {
        // Croce & Hein 2020, eq. 5.
        if (classes < 3) throw new Error(`the DLR loss needs at least 3 classes, got ${classes}`);
        const y = spec.labels[i];
        checkIndex(y, classes, 'labels', i);
        const [mo, jo] = maxOther(z, y);
        const p = order(z);
        const u = z[y] - mo;
        const d = z[p[0]] - z[p[2]] + 1e-12;
        loss[i] = -u / d;
        g[y] -= 1 / d;
        g[jo] += 1 / d;
        g[p[0]] += u / (d * d);
        g[p[2]] -= u / (d * d);
        break;
      }
      case 'dlr_targeted': {
        // Croce & Hein 2020, eq. 6.
        if (classes < 4) throw new Error(`the targeted DLR loss needs at least 4 classes, got ${classes}`);
        const y = spec.labels[i];
        const t = spec.targets[i];
        checkIndex(y, classes, 'labels', i);
        checkIndex(t, classes, 'targets', i);
        const p = order(z);
        const u = z[y] - z[t];
        const d = z[p[0]] - (z[p[2]] + z[p[3]]) / 2 + 1e-12;
        loss[i] = -u / d;
        g[y] -= 1 / d;
        g[t] += 1 / d;
        const k = u / (d * d);
        g[p[0]] += k;
        g[p[2]] -= k / 2;
        g[p[3]] -= k / 2;
        break;
      }
      case 'cotangent': {
        let s = 0;
        for (let j = 0; j < classes; j++) {
          const c = spec.cotangent[i * classes + j];
          s += c * z[j];
          g[j] = c;
        }
        loss[i] = s;
        break;
      }
    }
  }
  return { loss, dLogits };
}

function oneHot(idx: Int32Array, n: number, classes: number, what: string): Float32Array {
  if (idx.length !== n) throw new Error(`${what} has ${idx.length} entries for a batch of ${n}`);
  const out = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    checkIndex(idx[i], classes, what, i);
    out[i * classes + idx[i]] = 1;
  }
  return out;
}

/** The [N, C] float inputs the ONNX loss head takes for a LossSpec (order of LOSS_FEEDS). */
export function lossFeeds(spec: LossSpec, n: number, classes: number): Float32Array[] {
  switch (spec.loss) {
    case 'ce':
    case 'margin':
    case 'dlr':
      return [oneHot(spec.labels, n, classes, 'labels')];
    case 'targeted_ce':
      return [oneHot(spec.targets, n, classes, 'targets')];
    case 'dlr_targeted':
      return [oneHot(spec.labels, n, classes, 'labels'), oneHot(spec.targets, n, classes, 'targets')];
    case 'cotangent':
      if (spec.cotangent.length !== n * classes) throw new Error(`cotangent has ${spec.cotangent.length} values for [${n}, ${classes}]`);
      return [spec.cotangent];
  }
}
