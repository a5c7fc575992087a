import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelCursor, recordChunks, type RecordChunk } from '../../src/data/idx-read.js';
import { tempDir } from './helpers.js';

const HEADER = 16;
const ITEM = 10;
const COUNT = 23;
/** A header of HEADER bytes, then COUNT records of ITEM bytes; byte j of record i is (7 i + j) mod 256. */
const FILE = new Uint8Array(HEADER + COUNT * ITEM).map((_, b) => (b < HEADER ? 0xee : (7 * Math.floor((b - HEADER) / ITEM) + ((b - HEADER) % ITEM)) % 256));
const record = (i: number) => FILE.subarray(HEADER + i * ITEM, HEADER + (i + 1) * ITEM);
const pause = () => new Promise((r) => setTimeout(r, 30));

let t: Awaited<ReturnType<typeof tempDir>>;
let plain: string;
let gz: string;
beforeAll(async () => {
  t = await tempDir();
  plain = path.join(t.dir, 'records');
  gz = path.join(t.dir, 'records.gz');
  await writeFile(plain, FILE);
  await writeFile(gz, gzipSync(FILE));
});
afterAll(() => t.cleanup());

async function all(file: string, gzip: boolean, opts: Parameters<typeof recordChunks>[5], count = COUNT): Promise<{ first: number; bytes: number[] }[]> {
  const out: { first: number; bytes: number[] }[] = [];
  for await (const c of recordChunks(file, gzip, HEADER, count, ITEM, opts, 'records')) out.push({ first: c.first, bytes: Array.from(c.buf) });
  return out;
}

describe('recordChunks', () => {
  it('delivers every record once, in order, with the first chunk sized apart, from plain and gzip files and into areas', async () => {
    const expected = [0, 2, 7, 12, 17, 22].map((first, k, a) => ({
      first,
      bytes: Array.from(FILE.subarray(HEADER + first * ITEM, HEADER + (a[k + 1] ?? COUNT) * ITEM)),
    }));
    const opts = { perChunk: 5, firstChunk: 2 };
    expect(await all(plain, false, opts)).toEqual(expected);
    expect(await all(gz, true, opts)).toEqual(expected);
    const areas = [new Uint8Array(5 * ITEM), new Uint8Array(5 * ITEM)];
    expect(await all(plain, false, { ...opts, into: areas })).toEqual(expected);
    expect(await all(gz, true, { ...opts, into: areas })).toEqual(expected);
    expect(await all(plain, false, { ...opts, into: [areas[0]] })).toEqual(expected);
  });

  it('reads the next chunk ahead into the other area while the consumer holds the current one; with one area it waits', async () => {
    const areas = [new Uint8Array(4 * ITEM), new Uint8Array(4 * ITEM)];
    const it2 = recordChunks(plain, false, HEADER, COUNT, ITEM, { perChunk: 4, into: areas }, 'records');
    const c0 = (await it2.next()).value as RecordChunk;
    expect(c0.buf.buffer).toBe(areas[0].buffer);
    expect(c0.buf.byteOffset).toBe(areas[0].byteOffset);
    await pause();
    // Chunk 1 (records 4…7) is already in area 1, and chunk 0 is untouched.
    expect(Array.from(areas[1].subarray(0, ITEM))).toEqual(Array.from(record(4)));
    expect(Array.from(c0.buf.subarray(0, ITEM))).toEqual(Array.from(record(0)));
    const c1 = (await it2.next()).value as RecordChunk;
    expect(c1.first).toBe(4);
    expect(c1.buf.byteOffset).toBe(areas[1].byteOffset);
    await pause();
    // Asking for chunk 1 released chunk 0: chunk 2 was read into area 0.
    expect(Array.from(areas[0].subarray(0, ITEM))).toEqual(Array.from(record(8)));
    await it2.return(undefined);

    const one = [new Uint8Array(4 * ITEM)];
    const it1 = recordChunks(plain, false, HEADER, COUNT, ITEM, { perChunk: 4, into: one }, 'records');
    await it1.next();
    await pause();
    expect(Array.from(one[0].subarray(0, ITEM))).toEqual(Array.from(record(0)));
    expect(((await it1.next()).value as RecordChunk).first).toBe(4);
    expect(Array.from(one[0].subarray(0, ITEM))).toEqual(Array.from(record(4)));
    await it1.return(undefined);
  });

  it('reports a read ahead that fails when the consumer reaches that chunk, not before and not as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Two records more than the file holds: the third chunk's read ends early.
      const it = recordChunks(plain, false, HEADER, COUNT + 2, ITEM, { perChunk: 10 }, 'records');
      expect(((await it.next()).value as RecordChunk).first).toBe(0);
      await pause();
      expect(((await it.next()).value as RecordChunk).first).toBe(10);
      await pause();
      await expect(it.next()).rejects.toThrow(/^records: unexpected end of file at byte 246/);
      await pause();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('stops early without errors while a read ahead is in flight', async () => {
    for (let k = 0; k < 20; k++) {
      const it = recordChunks(plain, false, HEADER, COUNT, ITEM, { perChunk: 3 }, 'records');
      await it.next();
      await expect(it.return(undefined)).resolves.toEqual({ done: true, value: undefined });
    }
  });
});

describe('LabelCursor', () => {
  async function* source(bytes: Uint8Array, per: number): AsyncGenerator<RecordChunk> {
    for (let first = 0; first < bytes.length; first += per) yield { first, buf: bytes.slice(first, first + per) };
  }
  const labels = Uint8Array.from({ length: 17 }, (_, i) => (i * 5) % 11);

  it('gives the labels of requests in file order, as views inside a chunk and copies across chunks', async () => {
    const cursor = new LabelCursor(source(labels, 6), 'labels.idx');
    expect(cursor.view(0, 1)).toBeNull(); // nothing read yet
    const spans = [[0, 4], [4, 2], [6, 5], [11, 3], [14, 3]] as const;
    for (const [first, n] of spans) {
      const got = cursor.view(first, n) ?? (await cursor.read(first, n));
      expect(Array.from(got), `labels ${first}…${first + n - 1}`).toEqual(Array.from(labels.subarray(first, first + n)));
    }
    await cursor.close();
  });

  it('spans several chunks in one request and explains a request past the end', async () => {
    const cursor = new LabelCursor(source(labels, 4), 'labels.idx');
    expect(Array.from(await cursor.read(0, 13))).toEqual(Array.from(labels.subarray(0, 13)));
    expect(Array.from(await cursor.read(13, 3))).toEqual(Array.from(labels.subarray(13, 16)));
    await expect(cursor.read(16, 2)).rejects.toThrow(/^labels.idx: the labels end before record 17/);
  });
});
