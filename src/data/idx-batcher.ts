/**
 * Cutting batches from chunks of IDX records already at the model's size (IdxDataset's direct pass):
 * the state of one pass, fed chunk by chunk, so the async generator that reads the chunks
 * (IdxDataset.directBatches) stays a few lines. onnxruntime-node infers on the JavaScript thread, so
 * everything here adds to the clean pass: it keeps no object per sample, only runs of consecutive
 * records (one or two per batch) converted in one call, and ids are strings only when read (idxBatch).
 */
import type { Batch } from '../tensor.js';
import { rawImagesToBatch, unitBytes } from './convert.js';
import type { DataBatch, RawImage } from './types.js';
import type { UnitSimdSlots } from './unit-simd.js';

export interface RecordBatcherOptions {
  batchSize: number;
  width: number;
  height: number;
  channels: number;
  layout: 'NCHW' | 'NHWC';
  /** Deliver DataBatch.images (uint8 HWC copies). */
  includeImages: boolean;
  /** Records usable in this pass at most (the dataset's limit, or its record count). */
  limit: number;
  numClasses: number;
  /** A record whose label is not a class: `row` is its index in the file. */
  onSkip(row: number, label: number): void;
  /** Transient output: batch k+2 is written where batch k was (two slots in WebAssembly memory, or two arrays). */
  slots: UnitSimdSlots | null;
  buffers: Float32Array[] | null;
  /** Where the records of an unfinished batch are kept when the chunks are read into `slots.scratch` (see carry). */
  carryAt: number;
}

/**
 * Whether IDX bytes (HWC) are already in the model's order: NHWC, or one channel. Such records convert
 * as runs, without per-image objects; NCHW colour goes through rawImagesToBatch per image (it transposes).
 */
export function inModelOrder(layout: 'NCHW' | 'NHWC', channels: number): boolean {
  return layout === 'NHWC' || channels === 1;
}

export class RecordBatcher {
  private readonly inOrder: boolean;
  private readonly per: number;
  private readonly shape: number[];
  private readonly keepImages: boolean;
  // Labels and file rows (for ids) of the whole pass, each batch a view of its part: one allocation
  // per pass, not two per batch.
  private readonly passLabels: Int32Array;
  private readonly passRows: Int32Array;
  /** Records taken so far, and in the batch being filled. */
  private used = 0;
  private m = 0;
  private turn = 0;
  /** The batch being filled: runs of consecutive records (one or two per batch), and images when kept. */
  private runs: Uint8Array[] = [];
  private images: RawImage[] = [];
  private runBuf: Uint8Array | null = null;
  private runStart = 0;
  private runEnd = 0;
  /** The chunk in hand: its first record's row, bytes, labels, size and the next record to look at. */
  private first = 0;
  private buf: Uint8Array = new Uint8Array(0);
  private lab: Uint8Array = new Uint8Array(0);
  private records = 0;
  private k = 0;

  constructor(private readonly o: RecordBatcherOptions) {
    this.inOrder = inModelOrder(o.layout, o.channels);
    this.per = o.width * o.height * o.channels;
    this.shape = o.layout === 'NHWC' ? [o.height, o.width, o.channels] : [o.channels, o.height, o.width];
    this.keepImages = o.includeImages || !this.inOrder;
    this.passLabels = new Int32Array(o.limit);
    this.passRows = new Int32Array(o.limit);
  }

  /** Whether the pass has all the records it may take. */
  get full(): boolean {
    return this.used >= this.o.limit;
  }

  /** The next chunk: records first … first + records - 1 in `buf`, their labels in `lab`. */
  setChunk(first: number, buf: Uint8Array, lab: Uint8Array): void {
    this.first = first;
    this.buf = buf;
    this.lab = lab;
    this.records = buf.length / this.per;
    this.k = 0;
  }

  /**
   * The next full batch from the chunk in hand, or null when the chunk is used up or the pass is full.
   * Usable records join in whole runs (up to the end of the batch): per record, one label comparison.
   */
  next(): DataBatch | null {
    const { lab, records, o } = this;
    while (this.k < records && this.used < o.limit) {
      const k = this.k;
      const label = lab[k];
      if (label >= o.numClasses) {
        o.onSkip(this.first + k, label);
        this.k++;
        continue;
      }
      const end = firstUnusable(lab, k + 1, Math.min(records, k + o.batchSize - this.m, k + (o.limit - this.used)), o.numClasses);
      this.take(k, end);
      this.k = end;
      if (this.m === o.batchSize) return this.flush();
    }
    return null;
  }

  /** The last, partial batch of the pass, if any. */
  rest(): DataBatch | null {
    return this.m > 0 ? this.flush() : null;
  }

  /**
   * Before the next chunk overwrites `area` (the chunks are read into it): the unfinished batch's
   * records move to carryAt (after any moved there before), as one run.
   */
  carry(area: Uint8Array): void {
    if (this.m === 0) return;
    this.closeRun();
    const { carryAt } = this.o;
    let end = carryAt;
    for (const r of this.runs) {
      if (r.buffer === area.buffer && r.byteOffset === area.byteOffset + carryAt) {
        end += r.length; // already there (a batch that spans three chunks)
        continue;
      }
      area.set(r, end);
      end += r.length;
    }
    this.runs = end > carryAt ? [area.subarray(carryAt, end)] : [];
  }

  /** Records k … end - 1 of the chunk in hand join the batch. */
  private take(k: number, end: number): void {
    const { buf, per } = this;
    if (this.keepImages) {
      const { width, height, channels } = this.o;
      for (let j = k; j < end; j++) this.images.push({ data: buf.subarray(j * per, (j + 1) * per), width, height, channels });
    }
    if (this.runBuf === buf && this.runEnd === k) {
      this.runEnd = end;
    } else {
      this.closeRun();
      this.runBuf = buf;
      this.runStart = k;
      this.runEnd = end;
    }
    const used = this.used;
    this.passLabels.set(this.lab.subarray(k, end), used);
    const rows = this.passRows;
    for (let j = k, at = used, row = this.first + k; j < end; j++, at++, row++) rows[at] = row;
    this.m += end - k;
    this.used += end - k;
  }

  private closeRun(): void {
    if (this.runBuf) this.runs.push(this.runBuf.subarray(this.runStart * this.per, this.runEnd * this.per));
    this.runBuf = null;
  }

  private flush(): DataBatch {
    this.closeRun();
    const { o, m, per } = this;
    const slot = this.turn++ % 2;
    const data = !this.inOrder
      ? rawImagesToBatch(this.images, o.layout, o.buffers?.[slot]).data
      : o.slots
        ? o.slots.convert(this.runs, m * per, slot)
        : unitBytes(this.runs, m * per, o.buffers?.[slot]);
    const first = this.used - m;
    const batch = idxBatch({ data, shape: [m, ...this.shape] }, this.passLabels.subarray(first, this.used), this.passRows.subarray(first, this.used), first);
    if (o.includeImages) batch.images = this.images.map((im) => ({ ...im, data: new Uint8Array(im.data) }));
    this.m = 0;
    this.runs = [];
    this.images = [];
    return batch;
  }
}

/** First index in from … to - 1 whose label is not a class (≥ numClasses), or `to`. */
function firstUnusable(lab: Uint8Array, from: number, to: number, numClasses: number): number {
  for (let i = from; i < to; i++) if (lab[i] >= numClasses) return i;
  return to;
}

/**
 * A batch of IDX records. Its ids ("row:<file row>") and indices become arrays only when read: the
 * clean pass stores `idRows` instead, and ten thousand strings per pass are garbage that the inference
 * loop (on the same thread) would pay for. A plain object whose `ids` and `indices` are enumerable,
 * settable accessors, so spreading, JSON and assignment behave as for any other loader's batch.
 */
function idxBatch(x: Batch, labels: Int32Array, idRows: Int32Array, first: number): DataBatch {
  let ids: string[] | null = null;
  let indices: number[] | null = null;
  // Accessors in the literal (own, enumerable, configurable, like the data properties beside them):
  // several times cheaper to create than Object.defineProperties, once per batch on the inference thread.
  return {
    x,
    labels,
    idRows,
    groups: {},
    get ids(): string[] {
      return (ids ??= Array.from(idRows, (r) => `row:${r}`));
    },
    set ids(v: string[]) {
      ids = v;
    },
    get indices(): number[] {
      return (indices ??= Array.from({ length: labels.length }, (_, k) => first + k));
    },
    set indices(v: number[]) {
      indices = v;
    },
  };
}
