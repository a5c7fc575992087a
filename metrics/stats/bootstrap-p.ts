/**
 * Bootstrap tail quantities for gates of the form `metric <op> threshold` (e.g.
 * equalized_odds_difference <= 0.05), computed from the bootstrap draws of the metric.
 */
export type GateOp = '<' | '<=' | '>' | '>=';

function holds(x: number, op: GateOp, t: number): boolean {
  switch (op) {
    case '<':
      return x < t;
    case '<=':
      return x <= t;
    case '>':
      return x > t;
    case '>=':
      return x >= t;
  }
}

/**
 * Fraction of finite draws that VIOLATE the gate `metric <op> threshold`: the bootstrap estimate of
 * P(the gate is exceeded). Non-finite draws (a resample that left a rate undefined) are ignored;
 * NaN when no draw is finite. Works on unsorted draws.
 */
export function bootstrapExceedanceProbability(draws: ArrayLike<number>, threshold: number, op: GateOp): number {
  let finite = 0;
  let violated = 0;
  for (let i = 0; i < draws.length; i++) {
    const d = draws[i];
    if (!Number.isFinite(d)) continue;
    finite++;
    if (!holds(d, op, threshold)) violated++;
  }
  return finite === 0 ? NaN : violated / finite;
}

/**
 * One-sided bootstrap p-value for H0 "the gate is VIOLATED" (so a small p is evidence the gate
 * holds, i.e. a PASS that the data support):
 *   p = (1 + #{draws violating the gate}) / (1 + B)
 * with the +1 correction of Davison & Hinkley (1997, eq. 4.11) so p is never 0 from finitely many
 * draws. For the opposite null ("the gate holds"; evidence of a violation), use
 * pValueFromDraws(draws, threshold, op, 'holds'). `sortedDraws` must be ascending (as stored in
 * artifacts.bootstrap); the count is a binary search, O(log B). Non-finite draws must be removed first.
 */
export function pValueFromDraws(sortedDraws: ArrayLike<number>, threshold: number, op: GateOp, h0: 'violated' | 'holds' = 'violated'): number {
  const B = sortedDraws.length;
  // Number of draws strictly below / at-or-below the threshold.
  const below = lowerBound(sortedDraws, threshold);
  const atOrBelow = upperBound(sortedDraws, threshold);
  let holding: number;
  if (op === '<') holding = below;
  else if (op === '<=') holding = atOrBelow;
  else if (op === '>') holding = B - atOrBelow;
  else holding = B - below;
  const onH0 = h0 === 'violated' ? B - holding : holding;
  return (1 + onH0) / (1 + B);
}

/** First index with a[i] >= x. */
function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with a[i] > x. */
function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
