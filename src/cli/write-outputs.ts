import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { renderHtml } from '../../reports/render-html.js';
import { renderJunit } from '../../reports/render-junit.js';
import { renderMarkdown } from '../../reports/render-markdown.js';
import { writeResults } from '../results/write.js';
import type { AuditResults } from '../results/types.js';

export type ReportFormat = 'html' | 'markdown' | 'junit';

async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Write results.json (unless `skipResults`) and the requested reports into `dir`; returns the paths written. */
export async function writeAuditOutputs(
  results: AuditResults,
  dir: string,
  formats: readonly ReportFormat[],
  opts: { junitPath?: string; skipResults?: boolean; insufficientFails?: boolean } = {},
): Promise<string[]> {
  const written: string[] = [];
  if (!opts.skipResults) {
    const p = join(dir, 'results.json');
    await writeResults(p, results);
    written.push(p);
  }
  if (formats.includes('html')) {
    const p = join(dir, 'report.html');
    await writeAtomic(p, renderHtml(results));
    written.push(p);
  }
  if (formats.includes('markdown')) {
    const p = join(dir, 'summary.md');
    await writeAtomic(p, renderMarkdown(results));
    written.push(p);
  }
  if (formats.includes('junit') || opts.junitPath) {
    const p = opts.junitPath ? resolve(opts.junitPath) : join(dir, 'junit.xml');
    await writeAtomic(p, renderJunit(results, { insufficientFails: opts.insufficientFails }));
    written.push(p);
  }
  return written;
}
