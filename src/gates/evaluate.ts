import type { GateResult, GateStatus, ProbeResult } from '../results/types.js';
import type { MeasuredValue } from '../runner/probe.js';
import { didYouMean } from '../config/did-you-mean.js';
import { formatMetricPath, leafPaths, lookupPath } from './metric-path.js';
import type { GateOp, GateSpec } from './parse.js';

const ORDER: GateStatus[] = ['PASS', 'WARN', 'INSUFFICIENT', 'FAIL', 'ERROR'];

export function worstStatus(statuses: Iterable<GateStatus>): GateStatus {
  let w = 0;
  for (const s of statuses) w = Math.max(w, ORDER.indexOf(s));
  return ORDER[w];
}

export function compare(a: number | boolean, op: GateOp, b: number | boolean): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, '');
  return String(v);
}

/**
 * Judge one gate against the probes' metrics.
 * - A missing metric, or a probe that failed, is ERROR (with the closest existing metric named).
 * - A value marked insufficient (small group) or undefined (zero denominator) is INSUFFICIENT —
 *   never PASS: thin evidence says nothing.
 * - judge 'point' compares the estimate; 'interval' FAILs only when the whole interval violates
 *   the threshold (and WARNs when only the estimate does); 'strict' PASSes only when the whole
 *   interval satisfies it (INSUFFICIENT when the interval straddles the threshold).
 * - severity 'warn' turns a FAIL into WARN.
 */
export function evaluateGate(g: GateSpec, probes: Record<string, ProbeResult>): GateResult {
  const base = { id: g.id, metric: g.metric, op: g.op, threshold: g.threshold, severity: g.severity } as const;
  const result = (status: GateStatus, value: GateResult['value'], message: string, extra: Partial<GateResult> = {}): GateResult => ({
    ...base,
    judge: g.judge,
    status: g.severity === 'warn' && status === 'FAIL' ? 'WARN' : status,
    value,
    message: g.severity === 'warn' && status === 'FAIL' ? `${message} (warn-only gate)` : message,
    ...extra,
  });
  const probe = probes[g.path[0]];
  if (!probe) return result('ERROR', null, `probe "${g.path[0]}" did not run`);
  if (probe.status === 'error') return result('ERROR', null, `probe "${g.path[0]}" failed: ${probe.error ?? 'unknown error'}`);
  const raw = lookupPath(probe.metrics, g.path.slice(1));
  if (raw === undefined) {
    const candidates = leafPaths(probe.metrics, [g.path[0]]).map(formatMetricPath);
    const guess = didYouMean(g.metric, candidates);
    return result('ERROR', null, `metric ${g.metric} does not exist${guess ? `; did you mean ${guess}?` : ''}`);
  }
  let value: number | boolean | null;
  let mv: MeasuredValue | null = null;
  if (raw === null || typeof raw === 'number' || typeof raw === 'boolean') value = raw;
  else if (typeof raw === 'object' && raw !== null && 'value' in raw) {
    mv = raw as MeasuredValue;
    value = mv.value;
  } else {
    return result('ERROR', null, `metric ${g.metric} is a group of metrics, not a value; name one of its fields`);
  }
  const extra: Partial<GateResult> = {};
  if (mv?.lower !== undefined) extra.lower = mv.lower;
  if (mv?.upper !== undefined) extra.upper = mv.upper;
  if (mv?.insufficient) return result('INSUFFICIENT', value, `not enough evidence: ${mv.insufficient}`, extra);
  if (value === null || (typeof value === 'number' && Number.isNaN(value))) {
    return result('INSUFFICIENT', null, `metric is undefined${mv?.reason ? `: ${mv.reason}` : ''}`, extra);
  }
  if (typeof value !== typeof g.threshold) {
    return result('ERROR', value, `metric is ${typeof value} but the threshold is ${typeof g.threshold}`);
  }
  const pointOk = compare(value, g.op, g.threshold);
  const what = `${fmt(value)} ${pointOk ? 'satisfies' : 'violates'} ${g.op} ${fmt(g.threshold)}`;
  if (g.judge === 'point' || typeof value === 'boolean') return result(pointOk ? 'PASS' : 'FAIL', value, what, extra);
  if (mv?.lower === undefined || mv.upper === undefined) {
    return result(pointOk ? 'PASS' : 'FAIL', value, `${what} (no interval available; judged on the estimate)`, extra);
  }
  const lo = mv.lower;
  const hi = mv.upper;
  const interval = `[${fmt(lo)}, ${fmt(hi)}]`;
  const allOk = compare(lo, g.op, g.threshold) && compare(hi, g.op, g.threshold);
  const allBad = !compare(lo, g.op, g.threshold) && !compare(hi, g.op, g.threshold);
  if (g.judge === 'interval') {
    if (allBad) return result('FAIL', value, `whole interval ${interval} violates ${g.op} ${fmt(g.threshold)}`, extra);
    if (!pointOk) return result('WARN', value, `${what}, but the interval ${interval} includes values that satisfy it`, extra);
    return result('PASS', value, `${what}; interval ${interval}`, extra);
  }
  // strict
  if (allOk) return result('PASS', value, `whole interval ${interval} satisfies ${g.op} ${fmt(g.threshold)}`, extra);
  if (!pointOk) return result('FAIL', value, `${what}; interval ${interval}`, extra);
  return result('INSUFFICIENT', value, `${what}, but the interval ${interval} crosses the threshold`, extra);
}

/**
 * Expand gates on a family of values — e.g. `fairness.equalized_odds_difference` without `[sex]` —
 * into one gate per member (each attribute and intersection), so "no group gap above 0.05" can be
 * written once.
 */
export function expandGates(gates: readonly GateSpec[], probes: Record<string, ProbeResult>): GateSpec[] {
  const out: GateSpec[] = [];
  for (const g of gates) {
    const members = familyMembers(g, probes);
    if (members.length === 0) out.push(g);
    else
      for (const key of members) {
        const path = [...g.path, key];
        const metric = formatMetricPath(path);
        out.push({ ...g, path, metric, id: `${metric} ${g.op} ${fmt(g.threshold)}` });
      }
  }
  return out;
}

/** Evaluate every gate (families expanded). */
export function evaluateGates(gates: readonly GateSpec[], probes: Record<string, ProbeResult>): GateResult[] {
  return expandGates(gates, probes).map((g) => evaluateGate(g, probes));
}

function isLeaf(v: unknown): boolean {
  return v === null || typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'object' && 'value' in (v as object));
}

function familyMembers(g: GateSpec, probes: Record<string, ProbeResult>): string[] {
  const probe = probes[g.path[0]];
  if (!probe || probe.status !== 'ok') return [];
  const v = lookupPath(probe.metrics, g.path.slice(1));
  if (v === null || typeof v !== 'object' || Array.isArray(v) || isLeaf(v)) return [];
  // Only a map of measured values (e.g. one disparity per attribute) is a family; any other object
  // (an attack's table, the masking flags) must be gated field by field, so it stays an ERROR.
  const entries = Object.entries(v as Record<string, unknown>);
  const measured = (x: unknown) => x !== null && typeof x === 'object' && 'value' in (x as object);
  return entries.length > 0 && entries.every(([, x]) => measured(x)) ? entries.map(([k]) => k) : [];
}

/** The audit verdict: the worst gate status (PASS when there are no gates). */
export function verdictOf(gates: readonly GateResult[]): GateStatus {
  return worstStatus(gates.map((g) => g.status));
}

/**
 * Exit codes: 0 every blocking gate passed (WARNs allowed); 1 a blocking gate FAILed, ERRORed or
 * (unless on_insufficient is 'warn') was INSUFFICIENT; 3 a probe could not run.
 */
export function exitCodeFor(gates: readonly GateResult[], probes: Record<string, ProbeResult>, onInsufficient: 'fail' | 'warn'): 0 | 1 | 3 {
  if (Object.values(probes).some((p) => p.status === 'error')) return 3;
  for (const g of gates) {
    if (g.severity !== 'block') continue;
    if (g.status === 'FAIL' || g.status === 'ERROR') return 1;
    if (g.status === 'INSUFFICIENT' && onInsufficient === 'fail') return 1;
  }
  return 0;
}
