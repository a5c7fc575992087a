/**
 * Reading the records of an IDX file in chunks (plain files through one handle, gzip files as a
 * stream), and the labels file beside it in file order. Used by src/data/idx.ts.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export interface RecordChunk {
  /** Index of the chunk's first record. */
  first: number;
  buf: Uint8Array;
}

/** Where and how records are read: `perChunk` items per chunk (`firstChunk` for the first). */
export interface ChunkOptions {
  perChunk: number;
  firstChunk?: number;
  /**
   * Deliver the chunks in these arrays, in turn. With one, the consumer is done with a chunk when it
   * asks for the next. With two, a plain file's next chunk is read ahead while the consumer works on
   * the current one, into the other array: the consumer is done with chunk k when it asks for k + 1,
   * and chunk k + 2 is then read into chunk k's array while the consumer works on chunk k + 1.
   * Without `into` every chunk is a fresh buffer and the next one is always read ahead.
   */
  into?: readonly Uint8Array[];
}

/** Fills `buf` from byte `position` of an open file; `display` names the file in errors. */
export async function readExactly(fh: FileHandle, buf: Uint8Array, position: number, display: string): Promise<void> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) throw new Error(`${display}: unexpected end of file at byte ${position + got} (the file is shorter than it was when the dataset was opened)`);
    got += bytesRead;
  }
}

/**
 * A file decompressed as a stream, and how to close it: both streams, because destroying the gunzip
 * end alone leaves the file stream paused with its descriptor open (one leaked per early stop).
 */
export function gunzipFile(file: string): { stream: AsyncIterable<Buffer>; close(): void } {
  const source = createReadStream(file);
  const gunzip = source.pipe(createGunzip());
  return {
    stream: gunzip,
    close() {
      gunzip.destroy();
      source.destroy();
    },
  };
}

/**
 * Read `count` items of `itemBytes` each after the header, chunk by chunk, from an open file.
 * The next chunk's read is started before the current one is handed over (when the options allow it,
 * see ChunkOptions.into): onnxruntime-node infers on the JavaScript thread, so a read that waits until
 * the consumer asks for it costs the clean pass its full latency plus a turn of the event loop, once
 * per chunk; read ahead, it completes during inference.
 */
async function* fileChunks(fh: FileHandle, offset: number, count: number, itemBytes: number, opts: ChunkOptions, display: string): AsyncGenerator<RecordChunk> {
  const areas = opts.into;
  const readAhead = !areas || areas.length >= 2;
  let turn = 0;
  const start = (first: number): Promise<RecordChunk> => {
    const n = Math.min(first === 0 ? (opts.firstChunk ?? opts.perChunk) : opts.perChunk, count - first);
    const buf = areas ? areas[turn++ % areas.length].subarray(0, n * itemBytes) : Buffer.allocUnsafe(n * itemBytes);
    const p = readExactly(fh, buf, offset + first * itemBytes, display).then(() => ({ first, buf }));
    // A read ahead that fails is reported when the consumer reaches it (the `await` below), not as an
    // unhandled rejection while the consumer is busy with the chunk before.
    p.catch(() => {});
    return p;
  };
  let next: Promise<RecordChunk> | null = count > 0 ? start(0) : null;
  try {
    while (next) {
      const chunk = await next;
      const after = chunk.first + chunk.buf.length / itemBytes;
      next = null;
      if (after < count && readAhead) next = start(after);
      yield chunk;
      if (after < count && !readAhead) next = start(after);
    }
  } finally {
    // Stopped early: the read in flight must finish before the caller closes the handle.
    if (next) await next.catch(() => {});
  }
}

/** The same from a gzip file, decompressed as a stream (gzip allows no random access; the stream reads ahead). */
async function* gzipChunks(file: string, offset: number, count: number, itemBytes: number, opts: ChunkOptions, display: string): AsyncGenerator<RecordChunk> {
  const { stream, close } = gunzipFile(file);
  let pending: Buffer[] = [];
  let have = 0;
  let skip = offset;
  let first = 0;
  let turn = 0;
  try {
    for await (const raw of withFileName(stream, display)) {
      let chunk = raw;
      if (skip > 0) {
        const s = Math.min(skip, chunk.length);
        chunk = chunk.subarray(s);
        skip -= s;
      }
      pending.push(chunk);
      have += chunk.length;
      for (;;) {
        const n = Math.min(first === 0 ? (opts.firstChunk ?? opts.perChunk) : opts.perChunk, count - first);
        if (n <= 0 || have < n * itemBytes) break;
        const all = Buffer.concat(pending);
        let buf: Uint8Array = all.subarray(0, n * itemBytes);
        if (opts.into) {
          const area = opts.into[turn++ % opts.into.length];
          area.set(buf);
          buf = area.subarray(0, buf.length);
        }
        yield { first, buf };
        pending = [all.subarray(n * itemBytes)];
        have = pending[0].length;
        first += n;
      }
      if (first >= count) return;
    }
  } finally {
    close();
  }
  if (first < count) throw new Error(`${display}: gzip data ends after ${first} of ${count} records; the file is truncated`);
}

/** The stream's chunks; an error it raises (zlib's "unexpected end of file", a read error) names the file. */
async function* withFileName(stream: AsyncIterable<Buffer>, display: string): AsyncGenerator<Buffer> {
  try {
    yield* stream;
  } catch (e) {
    throw new Error(`${display}: ${(e as Error).message}`, { cause: e });
  }
}

/** Records of an IDX file in chunks, through an open handle (plain) or a decompressing stream (gzip). */
export async function* recordChunks(
  file: string,
  gz: boolean,
  offset: number,
  count: number,
  itemBytes: number,
  opts: ChunkOptions,
  display: string,
): AsyncGenerator<RecordChunk> {
  if (gz) {
    yield* gzipChunks(file, offset, count, itemBytes, opts, display);
    return;
  }
  const fh = await open(file, 'r');
  try {
    yield* fileChunks(fh, offset, count, itemBytes, opts, display);
  } finally {
    await fh.close();
  }
}

/**
 * The labels of records asked for in file order, read in chunks of their own size: a label is one
 * byte, so a chunk of a million labels spans hundreds of image chunks and costs one read instead of
 * hundreds. A request that spans two label chunks is copied together.
 */
export class LabelCursor {
  private chunk: RecordChunk = { first: 0, buf: new Uint8Array(0) };

  /** `display` names the labels file in errors. */
  constructor(
    private readonly source: AsyncGenerator<RecordChunk>,
    private readonly display: string,
  ) {}

  /** Labels of records first … first + n - 1, or null when the chunk in hand does not hold them all (then call read). */
  view(first: number, n: number): Uint8Array | null {
    const at = first - this.chunk.first;
    return at >= 0 && at + n <= this.chunk.buf.length ? this.chunk.buf.subarray(at, at + n) : null;
  }

  /** Labels of records first … first + n - 1; requests must come in file order. */
  async read(first: number, n: number): Promise<Uint8Array> {
    const ready = this.view(first, n);
    if (ready) return ready;
    const out = new Uint8Array(n);
    let have = 0;
    for (;;) {
      const { first: c0, buf } = this.chunk;
      const from = first + have - c0;
      if (from >= 0 && from < buf.length) {
        const take = Math.min(buf.length - from, n - have);
        out.set(buf.subarray(from, from + take), have);
        have += take;
      }
      if (have === n) return out;
      const next = await this.source.next();
      if (next.done) throw new Error(`${this.display}: the labels end before record ${first + have}`);
      // A chunk that holds the whole request (the usual case) is returned as a view, not copied.
      this.chunk = next.value;
      if (have === 0) {
        const whole = this.view(first, n);
        if (whole) return whole;
      }
    }
  }

  async close(): Promise<void> {
    await this.source.return(undefined);
  }
}
