import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { ModelMeta, ModelSpec } from '../models/types.js';
import type { BatchOptions, DataBatch, Dataset, RawImage, SkippedInput } from './types.js';
import type { IdxDatasetSpec } from './schema.js';
import { DATASET_DEFAULTS } from './schema.js';
import { SkipLog } from './skip-log.js';
import { imageBatches, checkBatchSize, type Candidate } from './image-pipeline.js';
import { resolveImageTarget, type ImageTarget } from './target.js';
import { matchesTarget, toTargetImage } from './decode.js';
import { unitSimdSlots } from './unit-simd.js';
import { fingerprintFiles } from './fingerprint.js';
import { unknownLabelReason } from './labels.js';
import { gunzipFile, LabelCursor, readExactly, recordChunks } from './idx-read.js';
import { inModelOrder, RecordBatcher } from './idx-batcher.js';

/**
 * IDX format (LeCun et al., the MNIST distribution format): a 4-byte magic 0x00 0x00 <type> <ndim>,
 * then ndim big-endian uint32 dimensions, then the data in C order. Only unsigned bytes (type 0x08) are supported.
 */
export interface IdxHeader {
  dims: number[];
  headerBytes: number;
}

const U8 = 0x08;
const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Parse and check an IDX header; `field` and `display` name the config key and file in errors.
 * `dataSize` is the (decompressed) file size; for gzip files it is only known modulo 2^32 (the gzip
 * ISIZE trailer, RFC 1952 §2.3.1), so then `sizeMod32` compares modulo 2^32.
 */
export function parseIdxHeader(
  head: Buffer,
  dataSize: number,
  field: string,
  display: string,
  kind: 'images' | 'labels',
  sizeMod32 = false,
): IdxHeader {
  const expected = kind === 'images' ? '0x00000803 or 0x00000804' : '0x00000801';
  if (head.length < 4) throw new Error(`${field}: ${display} is not an IDX file (only ${head.length} bytes)`);
  const magic = head.readUInt32BE(0);
  const ndim = head[3];
  const okDims = kind === 'images' ? ndim === 3 || ndim === 4 : ndim === 1;
  if (head[0] !== 0 || head[1] !== 0 || head[2] !== U8 || !okDims) {
    const what = head[0] === 0 && head[1] === 0 && head[2] !== U8 ? ` (element type 0x${head[2].toString(16)}; only unsigned bytes 0x08 are supported)` : '';
    throw new Error(`${field}: ${display} is not an IDX ${kind} file (magic ${hex(magic)}, expected ${expected})${what}`);
  }
  const headerBytes = 4 + 4 * ndim;
  if (head.length < headerBytes) throw new Error(`${field}: ${display} is truncated inside its IDX header`);
  const dims = Array.from({ length: ndim }, (_, i) => head.readUInt32BE(4 + 4 * i));
  const expectedSize = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (sizeMod32 ? expectedSize % 2 ** 32 !== dataSize : dataSize !== expectedSize) {
    throw new Error(
      `${field}: ${display} has ${dataSize} bytes${sizeMod32 ? ' uncompressed' : ''} but its header [${dims.join(', ')}] needs ${expectedSize}; the file is truncated or not IDX`,
    );
  }
  return { dims, headerBytes };
}

/** First bytes of a gzip stream's decompressed data (at most `n`). */
async function gunzipHead(file: string, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  const { stream, close } = gunzipFile(file);
  try {
    for await (const chunk of stream) {
      parts.push(chunk);
      got += chunk.length;
      if (got >= n) break;
    }
  } finally {
    close();
  }
  return Buffer.concat(parts).subarray(0, n);
}

async function readHeader(file: string, field: string, display: string, kind: 'images' | 'labels'): Promise<IdxHeader & { gz: boolean }> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new Error(`${field}: cannot open ${display}: ${(e as Error).message}`);
  }
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, 4 + 4 * 255));
    await readExactly(fh, head, 0, display);
    const gz = head.length >= 18 && head[0] === 0x1f && head[1] === 0x8b;
    if (!gz) return { ...parseIdxHeader(head, size, field, display, kind), gz };
    const trailer = Buffer.alloc(4);
    await readExactly(fh, trailer, size - 4, display);
    let inner: Buffer;
    try {
      inner = await gunzipHead(file, 4 + 4 * 255);
    } catch (e) {
      throw new Error(`${field}: ${display} looks gzip-compressed but cannot be decompressed: ${(e as Error).message}`);
    }
    return { ...parseIdxHeader(inner, trailer.readUInt32LE(0), field, display, kind, true), gz };
  } finally {
    await fh.close();
  }
}

/** Bytes read per file access (records are re-batched afterwards); tests lower it to exercise chunk edges. */
export const idxReadSettings = { chunkBytes: 4 << 20 };

/** Largest read of a transient pass into WebAssembly memory (see directBatches). */
const ARENA_CHUNK_BYTES = 1 << 20;

export class IdxDataset implements Dataset {
  readonly kind = 'idx' as const;
  readonly groupColumns: string[] = [];
  private readonly skips = new SkipLog();

  private constructor(
    readonly description: string,
    readonly classNames: string[],
    readonly size: number,
    private readonly files: { images: string; labels: string; imagesDisplay: string; labelsDisplay: string },
    private readonly header: { images: IdxHeader & { gz: boolean }; labels: IdxHeader & { gz: boolean }; count: number; height: number; width: number; channels: number },
    private readonly target: ImageTarget,
    private readonly spec: IdxDatasetSpec,
    private readonly includeImagesByDefault: boolean,
  ) {}

  static async open(spec: IdxDatasetSpec, model: ModelSpec | null, baseDir: string, includeImages = false, meta?: Pick<ModelMeta, 'sampleShape' | 'layout'>): Promise<IdxDataset> {
    const images = path.resolve(baseDir, spec.images);
    const labels = path.resolve(baseDir, spec.labels);
    const ih = await readHeader(images, 'dataset.images', spec.images, 'images');
    const lh = await readHeader(labels, 'dataset.labels', spec.labels, 'labels');
    const [count, height, width, channels = 1] = ih.dims;
    if (lh.dims[0] !== count) {
      throw new Error(`dataset: ${spec.images} holds ${count} images but ${spec.labels} holds ${lh.dims[0]} labels; they must match`);
    }
    const native = { height, width, channels };
    const target = resolveImageTarget(spec, model, native, meta);
    // One streamed pass over the labels (1 byte each): class names, and how many samples are usable.
    let maxLabel = -1;
    const hist = new Map<number, number>();
    for await (const { buf } of recordChunks(labels, lh.gz, lh.headerBytes, count, 1, { perChunk: idxReadSettings.chunkBytes }, spec.labels)) {
      for (const v of buf) {
        hist.set(v, (hist.get(v) ?? 0) + 1);
        if (v > maxLabel) maxLabel = v;
      }
    }
    const classNames = spec.class_names ?? model?.classNames ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
    let usable = 0;
    for (const [v, n] of hist) if (v < classNames.length) usable += n;
    const size = spec.limit !== undefined ? Math.min(spec.limit, usable) : usable;
    const description = `IDX ${spec.images} (${count} images ${height}x${width}x${channels}, ${classNames.length} classes)`;
    return new IdxDataset(
      description,
      classNames,
      size,
      { images, labels, imagesDisplay: spec.images, labelsDisplay: spec.labels },
      { images: ih, labels: lh, count, height, width, channels },
      target,
      spec,
      includeImages,
    );
  }

  skipped(): SkippedInput[] {
    return this.skips.list();
  }

  async fingerprint(): Promise<string> {
    const { images, labels } = this.files;
    return fingerprintFiles(
      [
        { name: 'images', path: images },
        { name: 'labels', path: labels },
      ],
      // Contents and options only: the same files reached by another path give the same fingerprint.
      { type: 'idx', limit: this.spec.limit, classNames: this.classNames, target: this.target },
    );
  }

  async *batches(batchSize: number, options: BatchOptions = {}): AsyncGenerator<DataBatch> {
    checkBatchSize(batchSize);
    const { height, width, channels } = this.header;
    if (matchesTarget({ height, width, channels }, this.target)) {
      yield* this.directBatches(batchSize, options.images ?? this.includeImagesByDefault, options.transient ?? false);
      return;
    }
    yield* imageBatches(this.candidates(), {
      batchSize,
      limit: this.spec.limit ?? null,
      concurrency: this.spec.concurrency ?? DATASET_DEFAULTS.concurrency,
      target: this.target,
      includeImages: options.images ?? this.includeImagesByDefault,
      groupColumns: [],
      skips: this.skips,
    });
  }

  /**
   * Images already at the model's size need no decoding: batches are cut straight from the file's
   * chunks, without the per-sample promise pipeline that resizing needs (which cost more than
   * inference on small models; see BENCHMARKS.md). Same values, order, ids and skips. The batches
   * are cut by a RecordBatcher (src/data/idx-batcher.ts); this reads the chunks and their labels.
   */
  private async *directBatches(batchSize: number, includeImages: boolean, transient: boolean): AsyncGenerator<DataBatch> {
    const { count, height, width, channels } = this.header;
    const per = height * width * channels;
    const layout = this.target.layout;
    const inOrder = inModelOrder(layout, channels);
    const keepImages = includeImages || !inOrder;
    // Two buffers in turn for a transient consumer (BatchOptions.transient): batch k+2 reuses batch k's.
    // When it can, a transient pass reads the file into WebAssembly memory and converts it there into
    // two output slots (unitSimdSlots): no copy in, no copy out, no fresh chunk per read. The memory
    // holds two chunk areas, so the next chunk is read ahead into one while batches are cut from the
    // other (see recordChunks), then room for one batch, where a batch that a chunk leaves unfinished is
    // kept. Chunks are at most ARENA_CHUNK_BYTES: reads overlap inference, so smaller reads cost nothing
    // in time; 2, 4 and 8 MB chunks were tried on the performance bench's 10,000 images and gained nothing
    // beyond run-to-run noise.
    const arenaPass = transient && inOrder && !keepImages;
    const perChunk = Math.max(batchSize, Math.floor(Math.min(idxReadSettings.chunkBytes, arenaPass ? ARENA_CHUNK_BYTES : Infinity) / per));
    const areaBytes = perChunk * per;
    const slots = transient && inOrder ? unitSimdSlots(batchSize * per, 2, arenaPass ? 2 * areaBytes + batchSize * per : 0) : null;
    const arena = slots && slots.scratch.length > 0 ? slots.scratch : null;
    const { images: ih } = this.header;
    const labels = this.labelCursor();
    const batcher = new RecordBatcher({
      batchSize,
      width,
      height,
      channels,
      layout,
      includeImages,
      limit: Math.min(count, this.spec.limit ?? Infinity),
      numClasses: this.classNames.length,
      onSkip: (row, label) => this.skips.add(`${this.files.labelsDisplay}:${row}`, unknownLabelReason(String(label), this.classNames)),
      slots,
      buffers: transient && !slots ? [new Float32Array(batchSize * per), new Float32Array(batchSize * per)] : null,
      carryAt: 2 * areaBytes,
    });
    try {
      // The first chunk is one batch, so inference starts after one small read rather than a 1 MB one.
      const chunking = { perChunk, firstChunk: Math.min(perChunk, batchSize), ...(arena ? { into: [arena.subarray(0, areaBytes), arena.subarray(areaBytes, 2 * areaBytes)] } : {}) };
      for await (const { first, buf } of recordChunks(this.files.images, ih.gz, ih.headerBytes, count, per, chunking, this.files.imagesDisplay)) {
        const records = buf.length / per;
        batcher.setChunk(first, buf, labels.view(first, records) ?? (await labels.read(first, records)));
        for (let b = batcher.next(); b; b = batcher.next()) yield b;
        if (batcher.full) break;
        if (arena) batcher.carry(arena);
      }
      const last = batcher.rest();
      if (last) yield last;
    } finally {
      slots?.release();
      await labels.close();
    }
  }

  /** The labels file in file order, in chunks of idxReadSettings.chunkBytes labels. */
  private labelCursor(): LabelCursor {
    const lh = this.header.labels;
    const opts = { perChunk: idxReadSettings.chunkBytes };
    return new LabelCursor(recordChunks(this.files.labels, lh.gz, lh.headerBytes, this.header.count, 1, opts, this.files.labelsDisplay), this.files.labelsDisplay);
  }

  private async *candidates(): AsyncGenerator<Candidate> {
    const { count, height, width, channels } = this.header;
    const per = height * width * channels;
    const perChunk = Math.max(1, Math.floor(idxReadSettings.chunkBytes / per));
    const ih = this.header.images;
    const labels = this.labelCursor();
    try {
      for await (const { first, buf } of recordChunks(this.files.images, ih.gz, ih.headerBytes, count, per, { perChunk }, this.files.imagesDisplay)) {
        const records = buf.length / per;
        const lab = labels.view(first, records) ?? (await labels.read(first, records));
        for (let k = 0; k < records; k++) {
          const i = first + k;
          const label = lab[k];
          if (label >= this.classNames.length) {
            yield { kind: 'skip', source: `${this.files.labelsDisplay}:${i}`, reason: unknownLabelReason(String(label), this.classNames) };
            continue;
          }
          const raw: RawImage = { data: buf.subarray(k * per, (k + 1) * per), width, height, channels };
          yield {
            kind: 'sample',
            source: `${this.files.imagesDisplay}:${i}`,
            id: `row:${i}`,
            label,
            groups: {},
            // Only images that need resizing or a colour change come here (see directBatches).
            load: () => toTargetImage(raw, this.target),
          };
        }
      }
    } finally {
      await labels.close();
    }
  }
}

