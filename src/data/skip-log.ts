import type { SkippedInput } from './types.js';

/**
 * Skipped inputs, one entry per source, deduplicated across passes: every pass meets the same bad
 * inputs, so a second pass must not list them twice. Keyed by source alone because a decoder's
 * message for the same broken file can differ between passes (libvips reports what it hit first);
 * the first reason is kept. Insertion order = dataset order of the first pass.
 */
export class SkipLog {
  private readonly seen = new Map<string, SkippedInput>();

  add(source: string, reason: string): void {
    if (!this.seen.has(source)) this.seen.set(source, { source, reason });
  }

  list(): SkippedInput[] {
    return [...this.seen.values()].map((s) => ({ ...s }));
  }
}
