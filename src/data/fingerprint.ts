import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** JSON with object keys sorted, so equal options always serialise to equal bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Feed a file's bytes into a hash as a stream (never the whole file in memory); a missing file hashes as a marker. */
async function updateWithFile(hash: Hash, file: string): Promise<void> {
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    hash.update('\u0000missing');
  }
}

/**
 * sha256 over the options and each file (name as given + contents). Files are hashed in the order
 * given; callers pass them in dataset order, so the same data and options give the same fingerprint.
 */
export async function fingerprintFiles(files: Iterable<{ name: string; path: string }> | AsyncIterable<{ name: string; path: string }>, options: unknown): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`faultline-dataset-v1\u0000${canonicalJson(options)}\u0000`);
  for await (const f of files) {
    hash.update(`\u0000file\u0000${f.name}\u0000`);
    await updateWithFile(hash, f.path);
  }
  return hash.digest('hex');
}
