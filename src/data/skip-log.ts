import type { SkippedInput } from './types.js';

/**
 * Skipped inputs, deduplicated across passes: every pass over the same data meets the same bad
 * inputs, so a second pass must not list them twice. Insertion order = dataset order of the first pass.
 */
export class SkipLog {
  private readonly seen = new Map<string, SkippedInput>();

  add(source: string, reason: string): void {
    const key = `${source}\u0000${reason}`;
    if (!this.seen.has(key)) this.seen.set(key, { source, reason });
  }

  list(): SkippedInput[] {
    return [...this.seen.values()].map((s) => ({ ...s }));
  }
}
