import type { GateResult } from '../results/types.js';
import { holm } from '../../metrics/stats/holm.js';
import { pValueFromDraws, type GateOp as OrderOp } from '../../metrics/stats/bootstrap-p.js';
import { formatMetricPath } from './metric-path.js';
import { compare } from './evaluate.js';
import type { GateSpec } from './parse.js';
import type { ProbeResult } from '../results/types.js';

/** Holm's step-down adjustment (Holm 1979); see metrics/stats/holm.ts. */
export const holmAdjust = holm;

/**
 * One-sided bootstrap p-value with the +1 correction (metrics/stats/bootstrap-p.ts).
 * For judge 'interval' H0 is "the gate holds" (a small p is evidence of a violation → FAIL);
 * for judge 'strict' H0 is "the gate is violated" (a small p is evidence it holds → PASS).
 */
export function bootstrapPValue(draws: readonly number[], op: OrderOp, threshold: number, h0: 'holds' | 'violated'): number {
  return pValueFromDraws(Float64Array.from(draws).sort(), threshold, op, h0);
}

/** Bootstrap draws a probe published for a metric (artifacts.bootstrap, keyed by the path inside the probe). */
export function drawsFor(probe: ProbeResult | undefined, path: readonly string[]): number[] | null {
  const table = probe?.artifacts.bootstrap as Record<string, unknown> | undefined;
  if (!table) return null;
  const inner = path.slice(1);
  for (const key of [inner.join('.'), formatMetricPath(['x', ...inner]).slice(1).replace(/^\./, ''), formatMetricPath(path)]) {
    const d = table[key];
    if (Array.isArray(d) && d.length > 0 && d.every((x) => typeof x === 'number')) return d as number[];
  }
  return null;
}

/**
 * Holm-correct the blocking interval/strict gates that have bootstrap draws, re-judging them on the
 * adjusted p-values at family-wise level α. Other gates are returned unchanged. Every corrected
 * gate records pValue and adjustedPValue.
 */
export function applyHolm(specs: readonly GateSpec[], results: GateResult[], probes: Record<string, ProbeResult>, alpha: number): GateResult[] {
  const family: { k: number; p: number; h0: 'holds' | 'violated' }[] = [];
  const left: number[] = [];
  results.forEach((r, k) => {
    const g = specs[k];
    if (r.severity !== 'block' || g.judge === 'point' || typeof g.threshold !== 'number') return;
    if (g.op === '==' || g.op === '!=') return; // a one-sided test needs an ordering
    if (r.status === 'INSUFFICIENT' && r.message.startsWith('not enough evidence')) return;
    if (r.status === 'ERROR' || typeof r.value !== 'number') return;
    const draws = drawsFor(probes[g.path[0]], g.path);
    if (!draws) {
      left.push(k);
      return;
    }
    const h0 = g.judge === 'interval' ? 'holds' : 'violated';
    family.push({ k, p: bootstrapPValue(draws, g.op, g.threshold, h0), h0 });
  });
  const out = [...results];
  // Say so when a blocking interval gate could not join the Holm family (its probe keeps no draws).
  for (const k of left) out[k] = { ...out[k], message: `${out[k].message} (not Holm-corrected: no bootstrap draws for this metric)` };
  if (family.length === 0) return out;
  const adj = holmAdjust(family.map((f) => f.p));
  family.forEach((f, i) => {
    const r = results[f.k];
    const g = specs[f.k];
    const pointOk = compare(r.value as number, g.op, g.threshold as number);
    const reject = adj[i] <= alpha;
    const tail = `(bootstrap p=${f.p.toPrecision(3)}, Holm-adjusted ${adj[i].toPrecision(3)} over ${family.length} gates, α=${alpha})`;
    let status: GateResult['status'];
    let message: string;
    if (f.h0 === 'holds') {
      status = reject ? 'FAIL' : pointOk ? 'PASS' : 'WARN';
      message = reject ? `violation is significant ${tail}` : `no significant violation ${tail}`;
    } else {
      status = reject ? 'PASS' : pointOk ? 'INSUFFICIENT' : 'FAIL';
      message = reject ? `compliance is significant ${tail}` : `compliance not shown ${tail}`;
    }
    out[f.k] = { ...r, status, message, pValue: f.p, adjustedPValue: adj[i] };
  });
  return out;
}
