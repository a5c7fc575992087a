import { readdir } from 'node:fs/promises';
import path from 'node:path';

export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Files under `dir`, recursively, sorted by code point at every level (deterministic on every OS),
 * as paths relative to `dir` with '/' separators. Hidden entries (names starting with '.', e.g.
 * .DS_Store, .git) are not dataset inputs and are left out.
 */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  entries.sort((a, b) => byCodePoint(a.name, b.name));
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

/** A path as the user sees it in messages: relative to the config's folder, with '/' separators. */
export function displayPath(baseDir: string, abs: string): string {
  const rel = path.relative(baseDir, abs);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}
