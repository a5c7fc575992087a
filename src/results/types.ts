import type { Finding, PerSampleRecords } from '../runner/probe.js';
import type { GradientMode, ModelMeta } from '../models/types.js';
import type { SkippedInput } from '../data/types.js';

export const RESULTS_SCHEMA_VERSION = '1.0.0';

export type GateStatus = 'PASS' | 'WARN' | 'FAIL' | 'ERROR' | 'INSUFFICIENT';

export interface GateResult {
  id: string; // the gate expression as written, or its `name`
  metric: string; // e.g. 'performance.accuracy'
  op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  threshold: number | boolean;
  /** block: a FAIL fails the audit (exit 1); warn: a violation is reported as WARN only. */
  severity: 'block' | 'warn';
  /** How the value is judged: the point estimate, or the interval (see README "Gates"). */
  judge: 'point' | 'interval' | 'strict';
  status: GateStatus;
  value: number | boolean | null;
  lower?: number;
  upper?: number;
  pValue?: number;
  adjustedPValue?: number;
  message: string;
}

export interface ProbeResult {
  name: string;
  title: string;
  status: 'ok' | 'error';
  error?: string;
  timingMs: number;
  gradientMode?: GradientMode;
  metrics: Record<string, unknown>;
  findings: Finding[];
  notes: string[];
  artifacts: Record<string, unknown>;
  perSample?: PerSampleRecords;
}

export interface AuditResults {
  schemaVersion: string;
  tool: { name: 'faultline'; version: string; node: string };
  createdAt: string;
  configPath: string | null;
  /** The resolved config, defaults applied. */
  config: Record<string, unknown>;
  seed: number;
  model: (Omit<ModelMeta, 'path'> & { path: string; gradientMode: GradientMode }) | null;
  dataset: {
    kind: string;
    description: string;
    fingerprint: string;
    samples: number;
    skipped: SkippedInput[];
  };
  environment: { platform: string; arch: string; cpus: number; backend: string | null };
  timings: { totalMs: number; modelLoadMs: number; probes: Record<string, number> };
  probes: Record<string, ProbeResult>;
  gates: GateResult[];
  verdict: GateStatus;
  findings: Finding[];
}
