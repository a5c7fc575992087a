/** z_y − max_{j≠y} z_j per sample: negative means misclassified (ties count as not yet broken). */
export function trueClassMargins(logits: Float32Array, labels: Int32Array, classes: number): Float64Array {
  const n = labels.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    let other = -Infinity;
    for (let j = 0; j < classes; j++) if (j !== y) other = Math.max(other, logits[i * classes + j]);
    out[i] = logits[i * classes + y] - other;
  }
  return out;
}

/** Keeps, per sample, the candidate with the lowest true-class margin seen so far (the worst case). */
export class WorstCase {
  readonly adv: Float32Array;
  readonly logits: Float32Array;
  readonly margin: Float64Array;
  private readonly per: number;

  constructor(
    x: Float32Array,
    cleanLogits: Float32Array,
    private readonly labels: Int32Array,
    private readonly classes: number,
  ) {
    this.adv = x.slice();
    this.logits = cleanLogits.slice();
    this.margin = trueClassMargins(cleanLogits, labels, classes);
    this.per = x.length / labels.length;
  }

  /** Offer candidate points (with their logits); keep those that lower a sample's margin. */
  offer(candidate: Float32Array, logits: Float32Array): void {
    const m = trueClassMargins(logits, this.labels, this.classes);
    for (let i = 0; i < m.length; i++) {
      if (m[i] < this.margin[i]) {
        this.margin[i] = m[i];
        this.adv.set(candidate.subarray(i * this.per, (i + 1) * this.per), i * this.per);
        this.logits.set(logits.subarray(i * this.classes, (i + 1) * this.classes), i * this.classes);
      }
    }
  }

  /** Per sample: 1 when the worst-case point is misclassified. */
  broken(): Uint8Array {
    return Uint8Array.from(this.margin, (v) => (v < 0 ? 1 : 0));
  }
}

/** argmax with ties to the first maximum. */
export function predictions(logits: Float32Array, classes: number): Int32Array {
  const n = logits.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let j = 1; j < classes; j++) if (logits[i * classes + j] > logits[i * classes + b]) b = j;
    out[i] = b;
  }
  return out;
}
