import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RawImage } from '../../src/data/types.js';
import { corrupt, loadFrostTextures } from './index.js';
import type { CorruptionTask, PoolRequest, PoolResponse } from './pool-messages.js';

export type { CorruptionTask } from './pool-messages.js';

/**
 * Where the compiled worker lives. Compiled (dist/attacks/corruptions/pool.js, the CLI): worker.js sits
 * next to this module. From sources (vitest runs attacks/corruptions/pool.ts): Node cannot start a .ts
 * worker, so the compiled twin under <repo>/dist/attacks/corruptions/worker.js is used — `npm test` runs
 * `tsc` first, so it exists and matches the sources. When neither exists the pool runs in-process.
 */
export function resolveWorkerFile(): string | null {
  const here = fileURLToPath(import.meta.url);
  const dir = dirname(here);
  if (here.endsWith('.js')) {
    const sibling = join(dir, 'worker.js');
    return existsSync(sibling) ? sibling : null;
  }
  const compiled = join(dir, '..', '..', 'dist', 'attacks', 'corruptions', 'worker.js');
  return existsSync(compiled) ? compiled : null;
}

interface Pending {
  resolve: (img: RawImage) => void;
  reject: (e: Error) => void;
}

/**
 * A fixed pool of worker threads that corrupt images (default: one per core, at most 2 here).
 * Tasks queue on the main thread and go to whichever worker is free; results resolve in any order, each
 * with its own promise. Pixels are copied into a fresh buffer and transferred, so callers keep their input.
 * Falls back to running `corrupt` in-process when no compiled worker is found or `threads` is 0.
 */
export class CorruptionPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { req: PoolRequest; pending: Pending }[] = [];
  private readonly inflight = new Map<number, Pending>();
  private nextId = 0;
  private closing = false;
  /** Set once a worker dies: every pending and later task fails with it instead of hanging. */
  private broken: Error | null = null;
  readonly mode: 'workers' | 'in-process';

  constructor(threads = Math.min(2, availableParallelism())) {
    const file = threads > 0 ? resolveWorkerFile() : null;
    this.mode = file ? 'workers' : 'in-process';
    if (!file) return;
    for (let i = 0; i < threads; i++) {
      const w = new Worker(file);
      w.on('message', (res: PoolResponse) => this.onMessage(w, res));
      w.on('error', (e) => this.failAll(e));
      w.on('exit', (code) => {
        if (!this.closing) this.failAll(new Error(`a corruption worker thread exited unexpectedly (code ${code})`));
      });
      w.unref();
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run(task: CorruptionTask): Promise<RawImage> {
    if (this.mode === 'in-process') {
      return loadFrostTextures().then((frostTextures) =>
        corrupt(task.image, task.name, task.severity, { seed: task.seed, params: task.params, frostTextures }),
      );
    }
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      const data = task.image.data.slice();
      const req: PoolRequest = { ...task, image: { ...task.image, data }, id: this.nextId++ };
      this.queue.push({ req, pending: { resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const { req, pending } = this.queue.shift()!;
      this.inflight.set(req.id, pending);
      w.ref();
      w.postMessage(req, [req.image.data.buffer as ArrayBuffer]);
    }
  }

  private onMessage(w: Worker, res: PoolResponse): void {
    const p = this.inflight.get(res.id);
    this.inflight.delete(res.id);
    this.idle.push(w);
    if (this.inflight.size === 0 && this.queue.length === 0) for (const x of this.workers) x.unref();
    if (p) {
      if (res.error !== undefined) p.reject(new Error(res.error));
      else p.resolve(res.image);
    }
    this.pump();
  }

  private failAll(e: Error): void {
    this.broken ??= e;
    this.idle.length = 0;
    for (const p of this.inflight.values()) p.reject(e);
    this.inflight.clear();
    for (const { pending } of this.queue.splice(0)) pending.reject(e);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.idle.length = 0;
  }
}
