/**
 * The loss head of the gradient graph: per-sample loss [N] and its gradient w.r.t. the logits
 * [N, C], in closed form (the same expressions as the plain-JS reference in src/models/losses.ts).
 *
 * Feeds: one-hot rows [N, C] of the labels / targets (built in JS, so no integer inputs and no
 * OneHot op), or the cotangent [N, C].
 */
import type { GraphEmitter } from './emitter.js';

export type LossKind = 'ce' | 'targeted_ce' | 'margin' | 'dlr' | 'dlr_targeted' | 'cotangent';

export const LOSS_FEEDS: Record<LossKind, string[]> = {
  ce: ['fl_labels_onehot'],
  targeted_ce: ['fl_targets_onehot'],
  margin: ['fl_labels_onehot'],
  dlr: ['fl_labels_onehot'],
  dlr_targeted: ['fl_labels_onehot', 'fl_targets_onehot'],
  cotangent: ['fl_cotangent'],
};

export interface LossHead {
  loss: string; // [N]
  dLogits: string; // [N, C]
}

/** Row-wise one-hot [N, C] of the (first) argmax of z along axis 1; ties go to the lowest index as in PyTorch. */
function oneHotOfIndex(e: GraphEmitter, idx: string, classes: number): string {
  const iota = e.constInt64(Array.from({ length: classes }, (_, i) => i), [1, classes]);
  return e.op('Cast', [e.op('Equal', [idx, iota])], { to: e.floatType });
}

/** Row-wise sum over classes, keeping [N, 1]. */
const rowSum = (e: GraphEmitter, x: string): string => e.reduce('ReduceSum', x, [1], true);

/** z_y as [N, 1] from a one-hot. */
const pick = (e: GraphEmitter, z: string, onehot: string): string => rowSum(e, e.op('Mul', [z, onehot]));

/** max_{j≠y} z_j as [N, 1] and the one-hot of its argmax. */
function maxOther(e: GraphEmitter, z: string, onehotY: string, classes: number): { value: string; onehot: string } {
  const isY = e.op('Cast', [onehotY], { to: 9 /* BOOL */ });
  const masked = e.op('Where', [isY, e.constFloat([-Infinity]), z]);
  const idx = e.op('ArgMax', [masked], { axis: 1, keepdims: 1 });
  return { value: e.reduce('ReduceMax', masked, [1], true), onehot: oneHotOfIndex(e, idx, classes) };
}

/** The k largest logits per row ([N,1] values) and their one-hots, for the DLR denominators. */
function topK(e: GraphEmitter, z: string, k: number, classes: number): { values: string[]; onehots: string[] } {
  const [vals, idx] = e.emit('TopK', [z, e.constInt64([k])], { axis: 1, largest: 1, sorted: 1 }, 2);
  const values: string[] = [];
  const onehots: string[] = [];
  for (let r = 0; r < k; r++) {
    values.push(e.slice(vals, [r], [r + 1], [1]));
    onehots.push(oneHotOfIndex(e, e.slice(idx, [r], [r + 1], [1]), classes));
  }
  return { values, onehots };
}

/**
 * Emit the loss head. `z` are the logits [N, C] fed to the loss; `feeds` the names from LOSS_FEEDS.
 */
export function emitLoss(e: GraphEmitter, kind: LossKind, z: string, classes: number, feeds: string[]): LossHead {
  const squeezeRow = (x: string): string => e.squeeze(x, [1]);
  switch (kind) {
    case 'ce':
    case 'targeted_ce': {
      // loss = logsumexp(z) − z_y; d/dz = softmax(z) − onehot(y) (stable: shift by the row max).
      const oh = feeds[0];
      const m = e.reduce('ReduceMax', z, [1], true);
      const ex = e.op('Exp', [e.op('Sub', [z, m])]);
      const s = rowSum(e, ex);
      const lse = e.op('Add', [e.op('Log', [s]), m]);
      const loss = squeezeRow(e.op('Sub', [lse, pick(e, z, oh)]));
      // softmax − onehot, with the true-class entry formed as −Σ_{j≠y} p_j: for a confident correct
      // prediction p_y − 1 would cancel catastrophically in float32.
      const notY = e.op('Sub', [e.constFloat([1]), oh]);
      const others = e.op('Mul', [ex, notY]);
      const rest = e.op('Div', [rowSum(e, others), s]);
      const dLogits = e.op('Sub', [e.op('Div', [others, s]), e.op('Mul', [oh, rest])]);
      return { loss, dLogits };
    }
    case 'margin': {
      // Carlini & Wagner (2017) f6 without the κ clamp: max_{j≠y} z_j − z_y.
      const oh = feeds[0];
      const other = maxOther(e, z, oh, classes);
      const loss = squeezeRow(e.op('Sub', [other.value, pick(e, z, oh)]));
      return { loss, dLogits: e.op('Sub', [other.onehot, oh]) };
    }
    case 'dlr': {
      // Croce & Hein (2020), eq. 5: −(z_y − max_{j≠y} z_j) / (z_π1 − z_π3 + 1e-12).
      if (classes < 3) throw new Error(`the DLR loss needs at least 3 classes, the model has ${classes}`);
      const oh = feeds[0];
      const other = maxOther(e, z, oh, classes);
      const u = e.op('Sub', [pick(e, z, oh), other.value]);
      const top = topK(e, z, 3, classes);
      const d = e.op('Add', [e.op('Sub', [top.values[0], top.values[2]]), e.constFloat([1e-12])]);
      const loss = squeezeRow(e.op('Neg', [e.op('Div', [u, d])]));
      // d loss = −du/d + u/d² · dd, with du = e_y − e_other and dd = e_π1 − e_π3.
      const du = e.op('Sub', [oh, other.onehot]);
      const dd = e.op('Sub', [top.onehots[0], top.onehots[2]]);
      const dLogits = e.op('Sub', [e.op('Mul', [dd, e.op('Div', [u, e.op('Mul', [d, d])])]), e.op('Div', [du, d])]);
      return { loss, dLogits };
    }
    case 'dlr_targeted': {
      // Croce & Hein (2020), eq. 6: −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12).
      if (classes < 4) throw new Error(`the targeted DLR loss needs at least 4 classes, the model has ${classes}`);
      const [ohY, ohT] = feeds;
      const u = e.op('Sub', [pick(e, z, ohY), pick(e, z, ohT)]);
      const top = topK(e, z, 4, classes);
      const half = e.constFloat([0.5]);
      const d = e.op('Add', [
        e.op('Sub', [top.values[0], e.op('Mul', [e.op('Add', [top.values[2], top.values[3]]), half])]),
        e.constFloat([1e-12]),
      ]);
      const loss = squeezeRow(e.op('Neg', [e.op('Div', [u, d])]));
      const du = e.op('Sub', [ohY, ohT]);
      const dd = e.op('Sub', [top.onehots[0], e.op('Mul', [e.op('Add', [top.onehots[2], top.onehots[3]]), half])]);
      const dLogits = e.op('Sub', [e.op('Mul', [dd, e.op('Div', [u, e.op('Mul', [d, d])])]), e.op('Div', [du, d])]);
      return { loss, dLogits };
    }
    case 'cotangent': {
      const c = feeds[0];
      return { loss: e.reduce('ReduceSum', e.op('Mul', [z, c]), [1], false), dLogits: c };
    }
  }
}
