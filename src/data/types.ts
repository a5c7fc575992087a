import type { Batch } from '../tensor.js';

/** An input that could not be used, with where and why; listed in results, never silently dropped. */
export interface SkippedInput {
  source: string; // file path, or file:row for manifests and CSVs
  reason: string;
}

/** A decoded image at the model's input size: uint8, HWC, `channels` = 1 or 3. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

export interface DataBatch {
  /** Model input in pixel space [0, 1] (images, model layout) or raw features (tabular). */
  x: Batch;
  labels: Int32Array;
  /** Stable sample ids (file path relative to the dataset root, or row id). */
  ids: string[];
  /**
   * Set when the ids are row numbers: ids[i] is `row:${idRows[i]}`. A consumer that keeps ids for later
   * (the clean pass) can store these instead of strings; loaders that set it may build `ids` on first read.
   */
  idRows?: Int32Array;
  /** Global 0-based position of each sample in the dataset's usable order. */
  indices: number[];
  /** Sensitive-attribute values per sample, by column name. */
  groups: Record<string, string[]>;
  /** The same images as uint8 HWC at the model input size, for probes that perturb raw pixels. */
  images?: RawImage[];
}

/** Per-pass options of `Dataset.batches` (additive; implementations may ignore options they cannot honour). */
export interface BatchOptions {
  /** Also deliver `DataBatch.images` (uint8 HWC) for image datasets; default off to save memory. */
  images?: boolean;
  /**
   * The consumer reads `x` of a batch only until it has asked for the batch after next (and not after the
   * pass has ended or been stopped), so the dataset
   * may write batch k+2 into batch k's buffer (two buffers in turn, no allocation per batch). Used by
   * the clean pass, which predicts each batch once with one batch of prefetch: a fresh 400 KB array per
   * batch costs page faults and GC on the hot path (BENCHMARKS.md, performance section: the decoding
   * table's fresh-array vs reused-buffer rows).
   */
  transient?: boolean;
}

export interface Dataset {
  readonly kind: 'image-folder' | 'manifest' | 'idx' | 'tabular' | 'predictions';
  readonly description: string;
  readonly classNames: string[];
  /** Group (sensitive attribute) columns this dataset carries. */
  readonly groupColumns: string[];
  /** Count of usable samples, if known before streaming. */
  readonly size: number | null;
  /** Stream the dataset in batches; each call starts from the beginning. */
  batches(batchSize: number, options?: BatchOptions): AsyncIterable<DataBatch>;
  /** Inputs skipped so far (complete after one full pass of `batches`). */
  skipped(): SkippedInput[];
  /** sha256 over the dataset's files and options; identical data gives an identical fingerprint. */
  fingerprint(): Promise<string>;
}
