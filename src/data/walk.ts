import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Files under `dir`, recursively, sorted by code point at every level (deterministic on every OS),
 * as paths relative to `dir` with '/' separators. Hidden entries (names starting with '.', e.g.
 * .DS_Store, .git) are not dataset inputs and are left out. Symbolic links are followed (to a depth
 * of 32 folders, which also stops link cycles).
 */
export async function listFiles(dir: string, prefix = '', depth = 0): Promise<string[]> {
  if (depth > 32) throw new Error(`${dir}: folders nested more than 32 deep (a symbolic-link cycle?)`);
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  entries.sort((a, b) => byCodePoint(a.name, b.name));
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    const isDir = e.isDirectory() || (e.isSymbolicLink() && (await stat(path.join(dir, e.name)).catch(() => null))?.isDirectory());
    if (isDir) out.push(...(await listFiles(path.join(dir, e.name), rel, depth + 1)));
    else out.push(rel);
  }
  return out;
}

/**
 * A path as the user sees it in messages: relative to the config's folder with '/' separators, or
 * absolute when it lies outside that folder (a '../../x' chain is harder to follow than /data/x).
 */
export function displayPath(baseDir: string, abs: string): string {
  const rel = path.relative(baseDir, abs);
  if (rel === '') return '.';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return abs.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}
