import type { DataBatch, RawImage } from './types.js';
import type { SkipLog } from './skip-log.js';
import { rawImagesToBatch } from './convert.js';
import { mapOrdered } from './ordered-map.js';
import type { ImageTarget } from './target.js';

/** One entry in dataset order: a sample whose pixels are loaded lazily, or an input already known to be unusable. */
export type Candidate =
  | { kind: 'skip'; source: string; reason: string }
  | {
      kind: 'sample';
      /** Where a load failure is reported (a file path, or file:row). */
      source: string;
      id: string;
      label: number;
      groups: Record<string, string>;
      load: () => Promise<RawImage>;
    };

export interface PipelineOptions {
  batchSize: number;
  limit: number | null;
  concurrency: number;
  target: ImageTarget;
  includeImages: boolean;
  groupColumns: readonly string[];
  skips: SkipLog;
}

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
}

type Loaded = { candidate: Candidate; image?: RawImage; error?: string };

async function load(c: Candidate): Promise<Loaded> {
  if (c.kind === 'skip') return { candidate: c };
  try {
    return { candidate: c, image: await c.load() };
  } catch (e) {
    return { candidate: c, error: (e as Error).message };
  }
}

/**
 * Decode candidates with bounded concurrency, in order, into batches of `batchSize` usable samples
 * (the last may be smaller); unusable inputs go to the skip log at their place in the order.
 */
export async function* imageBatches(candidates: AsyncIterable<Candidate>, opts: PipelineOptions): AsyncGenerator<DataBatch> {
  checkBatchSize(opts.batchSize);
  let used = 0;
  let pending: { image: RawImage; label: number; id: string; index: number; groups: Record<string, string> }[] = [];
  const flush = (): DataBatch => {
    const images = pending.map((p) => p.image);
    const batch: DataBatch = {
      x: rawImagesToBatch(images, opts.target.layout),
      labels: Int32Array.from(pending.map((p) => p.label)),
      ids: pending.map((p) => p.id),
      indices: pending.map((p) => p.index),
      groups: Object.fromEntries(opts.groupColumns.map((g) => [g, pending.map((p) => p.groups[g] ?? '')])),
    };
    if (opts.includeImages) batch.images = images;
    pending = [];
    return batch;
  };
  if (opts.limit !== null && opts.limit <= 0) return;
  for await (const r of mapOrdered(candidates, load, opts.concurrency)) {
    const c = r.candidate;
    if (c.kind === 'skip') {
      opts.skips.add(c.source, c.reason);
      continue;
    }
    if (!r.image) {
      opts.skips.add(c.source, `unreadable image: ${r.error ?? 'unknown error'}`);
      continue;
    }
    pending.push({ image: r.image, label: c.label, id: c.id, index: used, groups: c.groups });
    used++;
    if (pending.length === opts.batchSize) yield flush();
    if (opts.limit !== null && used >= opts.limit) break;
  }
  if (pending.length > 0) yield flush();
}
