import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileSchema } from './ajv.js';
import { LineCounter, isMap, isScalar, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.js';
import { didYouMean } from './did-you-mean.js';
import { buildConfigSchema } from './schema.js';
import { PROBES } from '../runner/registry.js';
import { datasetSchemaForConfig } from './dataset-schema.js';
import { parseGate, type GateSpec } from '../gates/parse.js';

/** The config after validation, defaults applied (keys as written in YAML: snake_case). */
export interface AuditConfig {
  version: 1;
  name?: string;
  seed: number;
  model?: Record<string, unknown> & { path: string };
  dataset: Record<string, unknown> & { type: string };
  probes: Record<string, Record<string, unknown>>;
  gates: unknown[];
  gate_settings: { holm: boolean; alpha: number; on_insufficient: 'fail' | 'warn' };
  output: { dir?: string; formats: ('html' | 'markdown' | 'junit')[]; per_sample: boolean };
}

export interface LoadedConfig {
  config: AuditConfig;
  gates: GateSpec[];
  /** Absolute path of the config file, or null for a config built in code. */
  file: string | null;
  baseDir: string;
}

let compiled: ValidateFunction | null = null;
let composedSchema: Record<string, unknown> | null = null;

export function configSchema(): Record<string, unknown> {
  composedSchema ??= buildConfigSchema(PROBES, datasetSchemaForConfig());
  return composedSchema;
}

function validator(): ValidateFunction {
  compiled ??= compileSchema(configSchema(), { allErrors: true, useDefaults: true, verbose: true });
  return compiled;
}

/** Read, parse and validate a YAML or JSON config file. Throws ConfigError (exit 2). */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file: path, line: null, col: null, pointer: '', message: `cannot be read: ${(e as Error).message}` }]);
  }
  return parseConfigText(text, path, dirname(file), file);
}

/**
 * Parse and validate config text. JSON is parsed as YAML (a superset), so both give line:column
 * positions for every error.
 */
export function parseConfigText(text: string, displayName: string, baseDir: string, file: string | null = null): LoadedConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined): { line: number | null; col: number | null } => {
    if (offset === undefined) return { line: null, col: null };
    const p = lc.linePos(offset);
    return { line: p.line, col: p.col };
  };
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map((e) => ({ file: displayName, ...at(e.pos[0]), pointer: '', message: `is not valid YAML/JSON: ${e.message.split('\n')[0]}` })),
    );
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ file: displayName, line: 1, col: 1, pointer: '', message: 'must be a mapping with at least a `dataset` section' }]);
  }
  const cfg = raw as Record<string, unknown>;
  normaliseProbes(cfg);
  const validate = validator();
  if (!validate(cfg)) {
    throw new ConfigError(toIssues(validate.errors ?? [], doc, displayName, at));
  }
  const gates: GateSpec[] = [];
  const issues: ConfigIssue[] = [];
  const config = cfg as unknown as AuditConfig;
  config.gates.forEach((g, k) => {
    try {
      const spec = parseGate(g);
      const probe = spec.path[0];
      if (!PROBES.some((p) => p.name === probe)) {
        const guess = didYouMean(probe, PROBES.map((p) => p.name));
        throw new Error(`names unknown probe "${probe}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
      }
      if (!(probe in config.probes)) throw new Error(`tests probe "${probe}", which is not enabled under probes:`);
      gates.push(spec);
    } catch (e) {
      const node = doc.getIn(['gates', k], true) as Node | undefined;
      issues.push({ file: displayName, ...at(node?.range?.[0]), pointer: `/gates/${k}`, message: (e as Error).message });
    }
  });
  if (issues.length) throw new ConfigError(issues);
  if (config.model === undefined && config.dataset.type !== 'predictions') {
    throw new ConfigError([{ file: displayName, line: 1, col: 1, pointer: '', message: 'needs a `model` section unless dataset.type is predictions' }]);
  }
  if (config.model === undefined) {
    for (const name of Object.keys(config.probes)) {
      const p = PROBES.find((q) => q.name === name);
      if (p?.needsModel) {
        const node = doc.getIn(['probes', name], true) as Node | undefined;
        issues.push({ file: displayName, ...at(node?.range?.[0]), pointer: `/probes/${name}`, message: `needs a model; add a \`model\` section or remove this probe` });
      }
    }
    if (issues.length) throw new ConfigError(issues);
  }
  return { config, gates, file, baseDir };
}

/** `probe: true` or `probe:` (null) mean "run with defaults"; `false` means "off". Defaults then apply. */
function normaliseProbes(cfg: Record<string, unknown>): void {
  // ajv fills a missing object with its default but does not then descend into it, so sections
  // whose fields have defaults are created empty here and filled by validation.
  if (cfg.probes === undefined || cfg.probes === null) cfg.probes = { performance: {} };
  if (cfg.output === undefined) cfg.output = {};
  if (cfg.gate_settings === undefined) cfg.gate_settings = {};
  if (typeof cfg.probes !== 'object' || Array.isArray(cfg.probes)) return;
  const probes = cfg.probes as Record<string, unknown>;
  for (const [k, v] of Object.entries(probes)) {
    if (v === true || v === null) probes[k] = {};
    else if (v === false) delete probes[k];
  }
}

function toIssues(
  errors: ErrorObject[],
  doc: Document,
  file: string,
  at: (o: number | undefined) => { line: number | null; col: number | null },
): ConfigIssue[] {
  // anyOf alternatives produce one error per branch; keep the branch that got furthest.
  const deepest = new Map<string, number>();
  for (const e of errors) {
    const depth = e.instancePath.split('/').length + (e.keyword === 'type' || e.keyword === 'anyOf' ? 0 : 1);
    const root = anyOfRoot(e.schemaPath);
    if (root) deepest.set(root + '|' + e.instancePath.split('/').slice(0, 3).join('/'), Math.max(deepest.get(root + '|' + e.instancePath.split('/').slice(0, 3).join('/')) ?? 0, depth));
  }
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  // When an if/then branch fails, its properties count as "unevaluated" too: only report those
  // when nothing else is wrong at the same place.
  const otherErrorAt = new Set(errors.filter((e) => e.keyword !== 'unevaluatedProperties').map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    if (e.keyword === 'unevaluatedProperties' && otherErrorAt.has(e.instancePath)) continue;
    const root = anyOfRoot(e.schemaPath);
    if (root) {
      const key = root + '|' + e.instancePath.split('/').slice(0, 3).join('/');
      const depth = e.instancePath.split('/').length + (e.keyword === 'type' ? 0 : 1);
      if (depth < (deepest.get(key) ?? 0)) continue;
    }
    const segs = e.instancePath.split('/').slice(1).map(unescapePointer);
    let pointer = e.instancePath;
    let message: string;
    let nodePath: (string | number)[] = segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    let useKey = false;
    switch (e.keyword) {
      case 'enum':
        message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`;
        break;
      case 'const':
        message = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
        break;
      case 'unevaluatedProperties':
      case 'additionalProperties': {
        const params = e.params as { additionalProperty?: string; unevaluatedProperty?: string };
        const prop = (params.additionalProperty ?? params.unevaluatedProperty)!;
        const known = knownProperties(e.parentSchema, doc.getIn(nodePath) as unknown);
        const guess = didYouMean(prop, known);
        pointer = `${e.instancePath}/${prop}`;
        nodePath = [...nodePath, prop];
        useKey = true;
        message = `is not a known field${guess ? ` (did you mean "${guess}"?)` : known.length ? ` (known: ${known.join(', ')})` : ''}`;
        break;
      }
      case 'required':
        message = `is missing required field "${(e.params as { missingProperty: string }).missingProperty}"`;
        break;
      default:
        message = e.message ?? 'is invalid';
    }
    const sig = pointer + '|' + message;
    if (seen.has(sig)) continue;
    seen.add(sig);
    issues.push({ file, ...at(nodeOffset(doc, nodePath, useKey)), pointer, message });
  }
  return issues;
}

/** Property names a schema allows, including those of if/then branches that match the value. */
function knownProperties(schema: unknown, value: unknown): string[] {
  const s = schema as { properties?: object; allOf?: { if?: { properties?: { type?: { const?: unknown } } }; then?: { properties?: object } }[] };
  const names = new Set(Object.keys(s?.properties ?? {}));
  const type = (value as { get?: (k: string) => unknown })?.get?.('type');
  for (const branch of s?.allOf ?? []) {
    const want = branch.if?.properties?.type?.const;
    if (want === undefined || want === type) for (const k of Object.keys(branch.then?.properties ?? {})) names.add(k);
  }
  return [...names];
}

function anyOfRoot(schemaPath: string): string | null {
  const m = /^(.*?\/(anyOf|oneOf))\//.exec(schemaPath);
  return m ? m[1] : null;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Source offset of the value (or the key) at a path; falls back to the nearest existing ancestor. */
function nodeOffset(doc: Document, path: (string | number)[], key: boolean): number | undefined {
  for (let len = path.length; len >= 0; len--) {
    const p = path.slice(0, len);
    if (key && len === path.length && len > 0) {
      const parent = (len === 1 ? doc.contents : doc.getIn(p.slice(0, -1), true)) as Node | null;
      if (isMap(parent)) {
        const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === p[len - 1]);
        const k = pair?.key as Node | undefined;
        if (k?.range) return k.range[0];
      }
      continue;
    }
    const node = (len === 0 ? doc.contents : doc.getIn(p, true)) as Node | null | undefined;
    if (node && node.range) return node.range[0];
  }
  return undefined;
}

/** Resolve a path written in the config relative to the config file's folder. */
export function resolveFrom(baseDir: string, p: string): string {
  return resolve(baseDir, p);
}
