/**
 * The one tensor type that crosses module boundaries: a dense float32 batch in C order.
 * Image batches are in pixel space [0, 1] and in the model's layout (NCHW or NHWC);
 * tabular batches are [N, F] raw feature values.
 */
export interface Batch {
  data: Float32Array;
  shape: number[];
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Number of elements of one sample (everything after the batch dimension). */
export function sampleSize(shape: readonly number[]): number {
  return sizeOf(shape.slice(1));
}

export function makeBatch(data: Float32Array, shape: number[]): Batch {
  if (data.length !== sizeOf(shape)) {
    throw new Error(`batch data has ${data.length} elements but shape [${shape.join(', ')}] needs ${sizeOf(shape)}`);
  }
  return { data, shape };
}

/** Rows [start, end) of a batch, as a copy. */
export function sliceBatch(x: Batch, start: number, end: number): Batch {
  const per = sampleSize(x.shape);
  return { data: x.data.slice(start * per, end * per), shape: [end - start, ...x.shape.slice(1)] };
}

/** Concatenate batches along the batch dimension. */
export function concatBatches(parts: readonly Batch[]): Batch {
  if (parts.length === 0) throw new Error('concatBatches needs at least one batch');
  const tail = parts[0].shape.slice(1);
  const n = parts.reduce((s, p) => s + p.shape[0], 0);
  const out = new Float32Array(n * sizeOf(tail));
  let off = 0;
  for (const p of parts) {
    out.set(p.data, off);
    off += p.data.length;
  }
  return { data: out, shape: [n, ...tail] };
}

/** Row-wise argmax of an [N, C] matrix; ties go to the first maximum (as numpy/PyTorch). */
export function argmaxRows(m: Float32Array | Float64Array, classes: number): Int32Array {
  const n = m.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = m[i * classes];
    for (let j = 1; j < classes; j++) {
      const v = m[i * classes + j];
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Row-wise softmax of an [N, C] matrix, computed stably in float64. */
export function softmaxRows(m: Float32Array, classes: number): Float64Array {
  const out = new Float64Array(m.length);
  for (let i = 0; i < m.length; i += classes) {
    let mx = -Infinity;
    for (let j = 0; j < classes; j++) mx = Math.max(mx, m[i + j]);
    let s = 0;
    for (let j = 0; j < classes; j++) {
      const e = Math.exp(m[i + j] - mx);
      out[i + j] = e;
      s += e;
    }
    for (let j = 0; j < classes; j++) out[i + j] /= s;
  }
  return out;
}
