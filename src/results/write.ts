import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { compileSchema } from '../config/ajv.js';
import { packageRoot } from '../paths.js';
import type { AuditResults } from './types.js';

let validate: ValidateFunction | null = null;

export function resultsSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot(), 'reports', 'results.schema.json'), 'utf8'));
}

/** Validate results against reports/results.schema.json; returns human-readable problems (empty when valid). */
export function validateResults(results: unknown): string[] {
  validate ??= compileSchema(resultsSchema(), { allErrors: true });
  if (validate(results)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/**
 * Write results.json atomically: validate, write a temporary file beside the target, then rename
 * over it, so a crash or a concurrent reader never sees half a file.
 */
export async function writeResults(path: string, results: AuditResults): Promise<void> {
  const problems = validateResults(results);
  if (problems.length) {
    throw new Error(`internal error: results do not match the results schema, not writing ${path}:\n  ${problems.slice(0, 10).join('\n  ')}`);
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(results, null, 2) + '\n');
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** Read and validate a results.json (for `faultline report`). */
export async function readResults(path: string): Promise<AuditResults> {
  const data = JSON.parse(await readFile(path, 'utf8'));
  const problems = validateResults(data);
  if (problems.length) throw new Error(`${path} is not a valid faultline results file:\n  ${problems.slice(0, 10).join('\n  ')}`);
  return data as AuditResults;
}
