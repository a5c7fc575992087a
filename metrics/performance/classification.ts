/**
 * Classification metrics from predictions: pure functions, no I/O.
 */
import { topSoftmaxConfidence } from './softmax.js';

export interface ClassificationSummary {
  n: number;
  correct: number;
  accuracy: number | null;
  /** Per class: support (true count), correct, accuracy (recall) — null when support is 0. */
  perClass: { support: number; correct: number; accuracy: number | null }[];
  /** confusion[t][p] = count of true class t predicted as p. */
  confusion: number[][];
}

export function classificationSummary(labels: Int32Array, preds: Int32Array, numClasses: number): ClassificationSummary {
  if (labels.length !== preds.length) throw new Error(`labels (${labels.length}) and predictions (${preds.length}) differ in length`);
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    const p = preds[i];
    if (t < 0 || t >= numClasses || p < 0 || p >= numClasses) {
      throw new Error(`sample ${i}: class index out of range (label ${t}, prediction ${p}, ${numClasses} classes)`);
    }
    confusion[t][p]++;
    if (t === p) correct++;
  }
  const perClass = confusion.map((row, k) => {
    const support = row.reduce((a, b) => a + b, 0);
    return { support, correct: row[k], accuracy: support ? row[k] / support : null };
  });
  return { n: labels.length, correct, accuracy: labels.length ? correct / labels.length : null, perClass, confusion };
}

export interface CalibrationSummary {
  /** Expected calibration error (Guo et al. 2017): Σ_b (n_b / n) |acc_b − conf_b| over equal-width bins. */
  ece: number | null;
  /** Maximum calibration error over non-empty bins. */
  mce: number | null;
  bins: { lower: number; upper: number; count: number; accuracy: number | null; confidence: number | null }[];
  meanConfidence: number | null;
}

/**
 * Top-1 calibration with `numBins` equal-width bins over (0, 1]; a confidence c falls in bin
 * ceil(c · B) − 1, i.e. bins are (lower, upper] as in Guo et al.'s reference implementation.
 */
export function calibration(confidences: Float64Array | Float32Array, correct: Uint8Array, numBins = 15): CalibrationSummary {
  const n = confidences.length;
  const cnt = new Float64Array(numBins);
  const sumConf = new Float64Array(numBins);
  const sumAcc = new Float64Array(numBins);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = confidences[i];
    const b = Math.min(numBins - 1, Math.max(0, Math.ceil(c * numBins) - 1));
    cnt[b]++;
    sumConf[b] += c;
    sumAcc[b] += correct[i];
    total += c;
  }
  let ece = 0;
  let mce = 0;
  const bins = [];
  for (let b = 0; b < numBins; b++) {
    const acc = cnt[b] ? sumAcc[b] / cnt[b] : null;
    const conf = cnt[b] ? sumConf[b] / cnt[b] : null;
    if (acc !== null && conf !== null) {
      const gap = Math.abs(acc - conf);
      ece += (cnt[b] / n) * gap;
      mce = Math.max(mce, gap);
    }
    bins.push({ lower: b / numBins, upper: (b + 1) / numBins, count: cnt[b], accuracy: acc, confidence: conf });
  }
  return n ? { ece, mce, bins, meanConfidence: total / n } : { ece: null, mce: null, bins, meanConfidence: null };
}

/**
 * Top-1 confidence per sample: out[i] = softmax(row i)[preds[i]] for logits, or the row's own value
 * for probabilities. Logits go through topSoftmaxConfidence (./softmax.ts): float64, within a few ulps
 * of softmaxRows (src/tensor.ts), only the predicted class divided out, without an N×C matrix.
 */
export function topConfidence(out: Float32Array, preds: Int32Array, numClasses: number, kind: 'logits' | 'probabilities'): Float64Array {
  if (kind === 'logits') return topSoftmaxConfidence(out, preds, numClasses);
  const n = preds.length;
  const conf = new Float64Array(n);
  for (let i = 0; i < n; i++) conf[i] = out[i * numClasses + preds[i]];
  return conf;
}
