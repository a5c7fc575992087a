/**
 * The LossSpec losses (definitions in ./types.ts) as differentiable TF.js expressions of the model
 * outputs z [N, C], one value per sample.
 *
 * Which class is the true one, the best other one, or the k-th largest is a discrete choice with
 * zero derivative; it is made here in plain JS from the output values and turned into one-hot masks,
 * so the loss is a masked sum of z. Its gradient routes to the selected entries, exactly what
 * PyTorch's sort/max/gather give (Croce & Hein 2020 reference code, auto-attack `dlr_loss`). Doing the
 * selection in JS also avoids tf.topk, which has no registered gradient in TF.js.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossSpec, OutputKind } from './types.js';

/** Floor applied before log() for a probability-output model (as the ONNX adapter's loss head). */
const MIN_PROB = 1e-30;
/** The additive constant in the DLR denominators (Croce & Hein 2020). */
const DLR_EPS = 1e-12;

/**
 * Per-sample loss [N] for outputs `z` [N, C] whose values are `zData`. For a probability model
 * (outputKind 'probabilities') every loss but 'cotangent' is taken on log-probabilities, the same
 * convention as the ONNX adapter (src/autodiff/reverse.ts): cross-entropy becomes −log p_y instead
 * of applying softmax twice, and margin/DLR compare log-probabilities like logits.
 */
export function lossPerSample(z: tf.Tensor2D, zData: Float32Array, spec: LossSpec, kind: OutputKind): tf.Tensor {
  if (kind === 'probabilities' && spec.loss !== 'cotangent') {
    const logp = tf.log(tf.maximum(z, MIN_PROB)) as tf.Tensor2D;
    return logitLoss(logp, Float32Array.from(zData, (p) => Math.log(Math.max(p, MIN_PROB))), spec);
  }
  return logitLoss(z, zData, spec);
}

function logitLoss(z: tf.Tensor2D, zData: Float32Array, spec: LossSpec): tf.Tensor {
  const [n, c] = z.shape;
  const pick = (idx: ArrayLike<number>): tf.Tensor => tf.sum(tf.mul(z, oneHot(idx, n, c)), 1);
  switch (spec.loss) {
    case 'ce':
      return crossEntropy(z, spec.labels);
    case 'targeted_ce':
      return crossEntropy(z, spec.targets);
    case 'margin': {
      const other = bestOther(zData, spec.labels, n, c);
      return tf.sub(pick(other), pick(spec.labels));
    }
    case 'dlr': {
      if (c < 3) throw new Error(`the dlr loss needs at least 3 classes, the model has ${c}`);
      const ranked = rankColumns(zData, n, c, 3);
      const num = tf.sub(pick(spec.labels), pick(bestOther(zData, spec.labels, n, c)));
      const den = tf.add(tf.sub(pick(ranked[0]), pick(ranked[2])), DLR_EPS);
      return tf.neg(tf.div(num, den));
    }
    case 'dlr_targeted': {
      if (c < 4) throw new Error(`the dlr_targeted loss needs at least 4 classes, the model has ${c}`);
      const ranked = rankColumns(zData, n, c, 4);
      const num = tf.sub(pick(spec.labels), pick(spec.targets));
      const den = tf.add(tf.sub(pick(ranked[0]), tf.mul(tf.add(pick(ranked[2]), pick(ranked[3])), 0.5)), DLR_EPS);
      return tf.neg(tf.div(num, den));
    }
    case 'cotangent':
      return tf.sum(tf.mul(z, tf.tensor2d(spec.cotangent, [n, c])), 1);
  }
}

function crossEntropy(z: tf.Tensor2D, labels: Int32Array): tf.Tensor {
  const [n, c] = z.shape;
  return tf.neg(tf.sum(tf.mul(tf.logSoftmax(z), oneHot(labels, n, c)), 1));
}

function oneHot(idx: ArrayLike<number>, n: number, c: number): tf.Tensor2D {
  const m = new Float32Array(n * c);
  for (let i = 0; i < n; i++) m[i * c + idx[i]] = 1;
  return tf.tensor2d(m, [n, c]);
}

/** argmax_{j ≠ y_i} z_ij per row (first maximum on ties). */
export function bestOther(z: Float32Array, labels: Int32Array, n: number, c: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bv = -Infinity;
    for (let j = 0; j < c; j++) {
      if (j === labels[i]) continue;
      const v = z[i * c + j];
      if (best < 0 || v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** ranked[k][i] = column of the (k+1)-th largest entry of row i, for k < depth. */
export function rankColumns(z: Float32Array, n: number, c: number, depth: number): Int32Array[] {
  const ranked = Array.from({ length: depth }, () => new Int32Array(n));
  const cols = Array.from({ length: c }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    const order = cols.slice().sort((a, b) => z[i * c + b] - z[i * c + a] || a - b);
    for (let k = 0; k < depth; k++) ranked[k][i] = order[k];
  }
  return ranked;
}

/** Check a LossSpec against a batch of n samples and c classes; throws an actionable error. */
export function validateLoss(spec: LossSpec, n: number, c: number): void {
  const checkIdx = (name: string, a: Int32Array): void => {
    if (a.length !== n) throw new Error(`loss ${spec.loss}: ${name} has ${a.length} entries for a batch of ${n}`);
    for (let i = 0; i < n; i++) {
      if (!(a[i] >= 0 && a[i] < c)) throw new Error(`loss ${spec.loss}: ${name}[${i}] = ${a[i]} is not a class index in [0, ${c})`);
    }
  };
  if ('labels' in spec) checkIdx('labels', spec.labels);
  if ('targets' in spec) checkIdx('targets', spec.targets);
  if (spec.loss === 'cotangent' && spec.cotangent.length !== n * c) {
    throw new Error(`loss cotangent: cotangent has ${spec.cotangent.length} entries, expected ${n}×${c}`);
  }
}

/** Rows [start, start+count) of a LossSpec, zero-padded to `padTo` rows (padding rows use class 0). */
export function sliceLoss(spec: LossSpec, start: number, count: number, padTo: number, c: number): LossSpec {
  const idx = (a: Int32Array): Int32Array => {
    const out = new Int32Array(padTo);
    out.set(a.subarray(start, start + count));
    return out;
  };
  switch (spec.loss) {
    case 'ce':
    case 'margin':
    case 'dlr':
      return { loss: spec.loss, labels: idx(spec.labels) };
    case 'targeted_ce':
      return { loss: spec.loss, targets: idx(spec.targets) };
    case 'dlr_targeted':
      return { loss: spec.loss, labels: idx(spec.labels), targets: idx(spec.targets) };
    case 'cotangent': {
      const out = new Float32Array(padTo * c);
      out.set(spec.cotangent.subarray(start * c, (start + count) * c));
      return { loss: 'cotangent', cotangent: out };
    }
  }
}
