import { parseNumberOrFraction } from '../config/fraction.js';
import { parseMetricPath } from './metric-path.js';

export type GateOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface GateSpec {
  id: string;
  metric: string;
  path: string[];
  op: GateOp;
  threshold: number | boolean;
  severity: 'block' | 'warn';
  judge: 'point' | 'interval' | 'strict';
}

const EXPR = /^\s*(.+?)\s*(<=|>=|==|!=|<|>)\s*(\S.*?)\s*$/;

/** A gate from the config: a string `metric op threshold` or an object. Throws a plain message. */
export function parseGate(raw: unknown): GateSpec {
  if (typeof raw === 'string') {
    const m = EXPR.exec(raw);
    if (!m) throw new Error(`"${raw}" is not a gate; write it as "<metric> <op> <threshold>", e.g. "performance.accuracy >= 0.85"`);
    return parseGate({ metric: m[1], op: m[2], threshold: m[3], name: raw.trim() });
  }
  const o = raw as { name?: string; metric: string; op: GateOp; threshold: unknown; severity?: 'block' | 'warn'; judge?: GateSpec['judge'] };
  const path = parseMetricPath(o.metric);
  let threshold: number | boolean;
  if (typeof o.threshold === 'boolean') threshold = o.threshold;
  else if (o.threshold === 'true' || o.threshold === 'false') threshold = o.threshold === 'true';
  else {
    const n = parseNumberOrFraction(o.threshold);
    if (n === null) throw new Error(`threshold "${String(o.threshold)}" is not a number, fraction (8/255) or boolean`);
    threshold = n;
  }
  if (typeof threshold === 'boolean' && o.op !== '==' && o.op !== '!=') {
    throw new Error(`a boolean threshold needs == or !=, not ${o.op}`);
  }
  return {
    id: o.name ?? `${o.metric.trim()} ${o.op} ${String(o.threshold)}`,
    metric: o.metric.trim(),
    path,
    op: o.op,
    threshold,
    severity: o.severity ?? 'block',
    judge: o.judge ?? 'point',
  };
}
