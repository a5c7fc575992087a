/**
 * 'auto' output detection: a model outputs probabilities when every row of its first batch is
 * non-negative and sums to 1 within `tol`; anything else is treated as logits.
 */
export function looksLikeProbabilities(rows: Float32Array, classes: number, tol = 1e-3): boolean {
  if (rows.length === 0) return false;
  for (let i = 0; i < rows.length; i += classes) {
    let s = 0;
    for (let j = 0; j < classes; j++) {
      const v = rows[i + j];
      if (!(v >= 0)) return false;
      s += v;
    }
    if (Math.abs(s - 1) > tol) return false;
  }
  return true;
}
