/**
 * Holm's step-down adjusted p-values (Holm 1979, "A simple sequentially rejective multiple test
 * procedure"). With p sorted ascending, p_(1) ≤ … ≤ p_(m):
 *   adj_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j)),
 * returned in the input order. Rejecting every hypothesis with adj ≤ α controls the family-wise
 * error rate at α under any dependence between the tests. Ties keep their input order, which does
 * not change the result (tied p-values get the same adjusted value through the running max).
 * NaN p-values are rejected with an error: an undefined test must be left out of the family.
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new Error(`holm: p-value #${i} is ${p}; every p-value must lie in [0, 1] (leave undefined tests out of the family)`);
  });
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
  const adjusted = new Array<number>(m);
  let running = 0;
  for (let rank = 0; rank < m; rank++) {
    const i = order[rank];
    running = Math.max(running, Math.min(1, (m - rank) * pValues[i]));
    adjusted[i] = running;
  }
  return adjusted;
}
