import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/open.js';
import { idxReadSettings } from '../../src/data/idx.js';
import type { ModelSpec } from '../../src/models/types.js';
import { ROOT, collect, pattern, tempDir } from './helpers.js';

const IMAGES = 'fixtures/data/fmnist_test1000-images-idx3-ubyte';
const LABELS = 'fixtures/data/fmnist_test1000-labels-idx1-ubyte';
const spec = { type: 'idx' as const, images: IMAGES, labels: LABELS };
const model = (over: Partial<ModelSpec>): { spec: ModelSpec } => ({
  spec: { path: 'm.onnx', layout: 'NCHW', inputSize: [28, 28], channels: 1, pixelRange: [0, 1], outputs: 'auto', ...over },
});

let rawU8: Uint8Array;
let rawLabels: Uint8Array;
beforeAll(async () => {
  rawU8 = new Uint8Array(await readFile(path.join(ROOT, 'fixtures/data/fmnist_test1000_images_u8.bin')));
  rawLabels = new Uint8Array(await readFile(path.join(ROOT, 'fixtures/data/fmnist_test1000_labels_u8.bin')));
});

describe('idx dataset', () => {
  it('batches behave as plain objects: spreading, JSON and assignment keep ids and indices', async () => {
    const ds = await openDataset({ ...spec, limit: 6 }, model({}), ROOT);
    const [b] = await collect(ds, 4);
    const spread = { ...b, x: { data: new Float32Array(4 * 784), shape: [4, 1, 28, 28] } };
    expect(spread.ids).toEqual(['row:0', 'row:1', 'row:2', 'row:3']);
    expect(spread.indices).toEqual([0, 1, 2, 3]);
    const json = JSON.parse(JSON.stringify({ ids: b.ids, ...b }));
    expect(json.ids).toEqual(['row:0', 'row:1', 'row:2', 'row:3']);
    expect(json.indices).toEqual([0, 1, 2, 3]);
    b.ids = ['a', 'b', 'c', 'd'];
    expect(b.ids).toEqual(['a', 'b', 'c', 'd']);
  });

  it('gives exactly the reference pixels / 255 and labels, in stable batches', async () => {
    const ds = await openDataset(spec, model({}), ROOT);
    expect(ds.kind).toBe('idx');
    expect(ds.size).toBe(1000);
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const batches = await collect(ds, 64);
    expect(batches.map((b) => b.labels.length)).toEqual([...Array(15).fill(64), 40]);
    expect(batches[0].x.shape).toEqual([64, 1, 28, 28]);
    let k = 0;
    for (const b of batches) {
      for (let i = 0; i < b.x.data.length; i++) {
        if (b.x.data[i] !== Math.fround(rawU8[k * 784 + i] / 255)) throw new Error(`pixel ${i} of batch at sample ${k} differs`);
      }
      for (let i = 0; i < b.labels.length; i++) expect(b.labels[i]).toBe(rawLabels[k + i]);
      expect(b.indices).toEqual(Array.from({ length: b.labels.length }, (_, i) => k + i));
      expect(b.ids[0]).toBe(`row:${k}`);
      k += b.labels.length;
    }
    expect(k).toBe(1000);
    expect(ds.skipped()).toEqual([]);

    // A second pass with another batch size gives the same data.
    const again = await collect(ds, 333);
    expect(again.map((b) => b.labels.length)).toEqual([333, 333, 333, 1]);
    const flat = new Float32Array(1000 * 784);
    let off = 0;
    for (const b of again) {
      flat.set(b.x.data, off);
      off += b.x.data.length;
    }
    const first = new Float32Array(1000 * 784);
    off = 0;
    for (const b of batches) {
      first.set(b.x.data, off);
      off += b.x.data.length;
    }
    expect(Buffer.from(flat.buffer).equals(Buffer.from(first.buffer))).toBe(true);
  });

  it('delivers NHWC and raw uint8 images when asked, and honours limit', async () => {
    const ds = await openDataset({ ...spec, limit: 10 }, model({ layout: 'NHWC' }), ROOT);
    expect(ds.size).toBe(10);
    const batches = await collect(ds, 4, true);
    expect(batches.map((b) => b.x.shape)).toEqual([[4, 28, 28, 1], [4, 28, 28, 1], [2, 28, 28, 1]]);
    const img = batches[2].images![1]; // sample 9
    expect(img).toMatchObject({ width: 28, height: 28, channels: 1 });
    expect(Buffer.from(img.data).equals(Buffer.from(rawU8.subarray(9 * 784, 10 * 784)))).toBe(true);
    expect((await collect(ds, 4)).every((b) => b.images === undefined)).toBe(true);
  });

  it('converts to 3 channels by replication and resizes through sharp for a model that needs it', async () => {
    const rgb = await collect(await openDataset({ ...spec, limit: 2 }, model({ channels: 3 }), ROOT), 2);
    expect(rgb[0].x.shape).toEqual([2, 3, 28, 28]);
    const d = rgb[0].x.data;
    for (let p = 0; p < 784; p++) {
      const v = Math.fround(rawU8[784 + p] / 255); // sample 1, each channel plane equals the grey image
      if (d[3 * 784 + p] !== v || d[4 * 784 + p] !== v || d[5 * 784 + p] !== v) throw new Error(`pixel ${p} differs`);
    }
    const small = await collect(await openDataset({ ...spec, limit: 3 }, model({ inputSize: [14, 14] }), ROOT), 3);
    expect(small[0].x.shape).toEqual([3, 1, 14, 14]);
    // Downsizing by 2 with a normalised kernel keeps the mean brightness (up to clipping of Lanczos ringing).
    for (let n = 0; n < 3; n++) {
      const orig = rawU8.subarray(n * 784, (n + 1) * 784).reduce((a, b) => a + b, 0) / 784 / 255;
      const got = small[0].x.data.subarray(n * 196, (n + 1) * 196).reduce((a, b) => a + b, 0) / 196;
      expect(Math.abs(got - orig)).toBeLessThan(0.01);
    }
  });

  it('skips and lists labels outside the class list', async () => {
    const names = ['T-shirt', 'Trouser', 'Pullover'];
    const ds = await openDataset({ ...spec, class_names: names }, null, ROOT);
    const expected = Array.from(rawLabels).filter((l) => l < 3).length;
    expect(ds.size).toBe(expected);
    const batches = await collect(ds, 100);
    expect(batches.reduce((s, b) => s + b.labels.length, 0)).toBe(expected);
    const skipped = ds.skipped();
    expect(skipped.length).toBe(1000 - expected);
    const firstBad = Array.from(rawLabels).findIndex((l) => l >= 3);
    expect(skipped[0]).toEqual({
      source: `${LABELS}:${firstBad}`,
      reason: expect.stringContaining(`label '${rawLabels[firstBad]}' is not in the class list (3 classes: T-shirt, Trouser, Pullover)`),
    });
    // Ids keep pointing at the file record even when records before them were skipped.
    const okIdx = Array.from(rawLabels).map((l, i) => [l, i]).filter(([l]) => l < 3).map(([, i]) => i);
    expect(batches[0].ids.slice(0, 5)).toEqual(okIdx.slice(0, 5).map((i) => `row:${i}`));
    await collect(ds, 100);
    expect(ds.skipped().length).toBe(1000 - expected); // a second pass does not list them twice
  });

  it('explains a file that is not IDX, a truncated file and a count mismatch', async () => {
    await expect(openDataset({ ...spec, images: LABELS }, null, ROOT)).rejects.toThrow(
      `dataset.images: ${LABELS} is not an IDX images file (magic 0x00000801, expected 0x00000803 or 0x00000804)`,
    );
    await expect(openDataset({ ...spec, images: 'fixtures/data/arrests.csv' }, null, ROOT)).rejects.toThrow(/is not an IDX images file \(magic 0x726f775f/);
    const t = await tempDir();
    try {
      const full = await readFile(path.join(ROOT, IMAGES));
      await writeFile(path.join(t.dir, 'cut.idx'), full.subarray(0, 5000));
      await expect(openDataset({ ...spec, images: 'cut.idx', labels: path.join(ROOT, LABELS) }, null, t.dir)).rejects.toThrow(
        'dataset.images: cut.idx has 5000 bytes but its header [1000, 28, 28] needs 784016; the file is truncated or not IDX',
      );
      const lab = await readFile(path.join(ROOT, LABELS));
      const short = Buffer.from(lab.subarray(0, 8 + 500));
      short.writeUInt32BE(500, 4);
      await writeFile(path.join(t.dir, 'short.idx'), short);
      await expect(openDataset({ ...spec, images: path.join(ROOT, IMAGES), labels: 'short.idx' }, null, t.dir)).rejects.toThrow(
        /holds 1000 images but short.idx holds 500 labels/,
      );
    } finally {
      await t.cleanup();
    }
  });

  it('reads 4-d [N, H, W, C] colour IDX files', async () => {
    const t = await tempDir();
    try {
      const [n, h, w, c] = [3, 2, 4, 3];
      const head = Buffer.alloc(4 + 16);
      head.writeUInt32BE(0x00000804, 0);
      [n, h, w, c].forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
      const px = pattern(w, h * n, c, 9); // n images of h x w x c, back to back
      await writeFile(path.join(t.dir, 'img.idx'), Buffer.concat([head, Buffer.from(px)]));
      const lh = Buffer.from([0, 0, 8, 1, 0, 0, 0, n, 2, 0, 1]);
      await writeFile(path.join(t.dir, 'lab.idx'), lh);
      const colour = await openDataset({ type: 'idx', images: 'img.idx', labels: 'lab.idx' }, null, t.dir);
      const [b] = await collect(colour, 5, true);
      expect(b.x.shape).toEqual([3, 3, 2, 4]); // native size, 3 channels, NCHW
      expect(Array.from(b.labels)).toEqual([2, 0, 1]);
      expect(Array.from(b.images![2].data)).toEqual(Array.from(px.subarray(2 * h * w * c)));
      // pixel (row 1, col 2) of image 1, green channel, in NCHW at [1, 1, 1, 2]
      expect(b.x.data[1 * 24 + 1 * 8 + 1 * 4 + 2]).toBe(Math.fround(px[24 + (1 * w + 2) * c + 1] / 255));
      // A grey model: Pillow luma of each pixel (same size, so no resampling).
      const grey = await openDataset({ type: 'idx', images: 'img.idx', labels: 'lab.idx' }, model({ inputSize: [h, w] }), t.dir);
      const [g] = await collect(grey, 5, true);
      const p0 = px.subarray(0, 3);
      expect(g.images![0].data[0]).toBe(Math.floor((p0[0] * 19595 + p0[1] * 38470 + p0[2] * 7471 + 0x8000) / 65536));
    } finally {
      await t.cleanup();
    }
  });

  it('reads gzip-compressed IDX files as a stream, with the same result, across read-chunk edges', async () => {
    const t = await tempDir();
    const saved = idxReadSettings.chunkBytes;
    idxReadSettings.chunkBytes = 784 * 7 + 100; // 7 images per read: chunk edges fall inside batches
    try {
      for (const [from, to] of [[IMAGES, 'i.gz'], [LABELS, 'l.gz']]) {
        await writeFile(path.join(t.dir, to), gzipSync(await readFile(path.join(ROOT, from))));
      }
      const ds = await openDataset({ type: 'idx', images: 'i.gz', labels: 'l.gz' }, model({}), t.dir);
      expect(ds.size).toBe(1000);
      const batches = await collect(ds, 300);
      expect(batches.map((b) => b.labels.length)).toEqual([300, 300, 300, 100]);
      const x = Buffer.concat(batches.map((b) => Buffer.from(Uint8Array.from(b.x.data, (v) => Math.round(v * 255)))));
      expect(x.equals(Buffer.from(rawU8))).toBe(true);
      expect(Buffer.from(batches.flatMap((b) => Array.from(b.labels))).equals(Buffer.from(rawLabels))).toBe(true);
      const gz = await readFile(path.join(t.dir, 'i.gz'));
      await writeFile(path.join(t.dir, 'cut.gz'), gz.subarray(0, gz.length - 1000));
      await expect(openDataset({ type: 'idx', images: 'cut.gz', labels: 'l.gz' }, null, t.dir)).rejects.toThrow(/dataset.images: cut.gz has \d+ bytes uncompressed but its header \[1000, 28, 28\] needs 784016/);
      // The plain files through the same small reads.
      const plain = await collect(await openDataset(spec, model({}), ROOT), 300);
      expect(plain.map((b) => Array.from(b.x.data)).flat().every((v, i) => v === Math.fround(rawU8[i] / 255))).toBe(true);
      expect(plain.flatMap((b) => b.ids).at(-1)).toBe('row:999');
    } finally {
      idxReadSettings.chunkBytes = saved;
      await t.cleanup();
    }
  });

  it('closes every file it opens, gzip streams included, after whole passes, early stops and opens', async () => {
    if (!existsSync('/proc/self/fd')) return; // counts open descriptors the Linux way
    const t = await tempDir();
    try {
      // 20 copies of the fixture: larger than one read, so a pass stops reading before the gzip stream ends.
      const images = await readFile(path.join(ROOT, IMAGES));
      const labels = await readFile(path.join(ROOT, LABELS));
      const big = Buffer.concat([images.subarray(0, 16), ...new Array<Buffer>(20).fill(images.subarray(16))]);
      big.writeUInt32BE(20_000, 4);
      const bigLabels = Buffer.concat([labels.subarray(0, 8), ...new Array<Buffer>(20).fill(labels.subarray(8))]);
      bigLabels.writeUInt32BE(20_000, 4);
      await writeFile(path.join(t.dir, 'i.gz'), gzipSync(big));
      await writeFile(path.join(t.dir, 'l.gz'), gzipSync(bigLabels));
      const fds = () => readdirSync('/proc/self/fd').length;
      const before = fds();
      for (let k = 0; k < 3; k++) {
        const ds = await openDataset({ type: 'idx', images: 'i.gz', labels: 'l.gz' }, model({}), t.dir);
        await collect(ds, 4096);
        for await (const b of ds.batches(64, { transient: k === 1 })) {
          expect(b.labels.length).toBe(64);
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 50)); // closes that complete asynchronously
      expect(fds()).toBeLessThanOrEqual(before);
    } finally {
      await t.cleanup();
    }
  });

  it('names the file when it turns out shorter than at open: images, labels, gzip', async () => {
    const t = await tempDir();
    try {
      const images = await readFile(path.join(ROOT, IMAGES));
      const labels = await readFile(path.join(ROOT, LABELS));
      await writeFile(path.join(t.dir, 'i.idx'), images);
      await writeFile(path.join(t.dir, 'l.idx'), labels);
      await writeFile(path.join(t.dir, 'i.gz'), gzipSync(images));
      const cases: [string, string, () => Promise<void>, RegExp][] = [
        ['i.idx', 'l.idx', () => writeFile(path.join(t.dir, 'i.idx'), images.subarray(0, 50_000)), /^i\.idx: unexpected end of file at byte 50000/],
        ['i.idx', 'l.idx', () => writeFile(path.join(t.dir, 'l.idx'), labels.subarray(0, 500)), /^l\.idx: unexpected end of file at byte 500/],
        ['i.gz', 'l.idx', () => writeFile(path.join(t.dir, 'i.gz'), gzipSync(images).subarray(0, 20_000)), /^i\.gz: /],
      ];
      for (const [imagesFile, labelsFile, truncate, message] of cases) {
        await writeFile(path.join(t.dir, 'i.idx'), images);
        await writeFile(path.join(t.dir, 'l.idx'), labels);
        await writeFile(path.join(t.dir, 'i.gz'), gzipSync(images));
        const ds = await openDataset({ type: 'idx', images: imagesFile, labels: labelsFile }, model({}), t.dir);
        await truncate();
        await expect(collect(ds, 128), `${imagesFile} ${labelsFile}`).rejects.toThrow(message);
      }
    } finally {
      await t.cleanup();
    }
  });

  it('fingerprints contents and options', async () => {
    const a = await (await openDataset(spec, model({}), ROOT)).fingerprint();
    const b = await (await openDataset(spec, model({}), ROOT)).fingerprint();
    const c = await (await openDataset({ ...spec, limit: 5 }, model({}), ROOT)).fingerprint();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    const t = await tempDir();
    try {
      const lab = Buffer.from(await readFile(path.join(ROOT, LABELS)));
      lab[8 + 999] = (lab[8 + 999] + 1) % 10;
      await writeFile(path.join(t.dir, 'labels.idx'), lab);
      const d = await (await openDataset({ ...spec, images: path.join(ROOT, IMAGES), labels: 'labels.idx' }, model({}), t.dir)).fingerprint();
      expect(d).not.toBe(a);
      await writeFile(path.join(t.dir, 'copy.idx'), await readFile(path.join(ROOT, LABELS)));
      const e = await (await openDataset({ ...spec, images: path.join(ROOT, IMAGES), labels: 'copy.idx' }, model({}), t.dir)).fingerprint();
      expect(e).toBe(a); // same bytes under another name
    } finally {
      await t.cleanup();
    }
  });
});

describe('idx dataset, transient batches (the clean pass)', () => {
  it('gives the same values through two reused buffers, batch k+2 in batch k’s buffer', async () => {
    const ds = await openDataset(spec, model({}), ROOT);
    // Where each batch's floats live: the same memory and offset for batch k and k+2, another for k+1.
    const buffers: string[] = [];
    const memories: ArrayBufferLike[] = [];
    const where = (a: Float32Array) => {
      let id = memories.indexOf(a.buffer);
      if (id < 0) id = memories.push(a.buffer) - 1;
      return `${id}@${a.byteOffset}`;
    };
    let k = 0;
    let n = 0;
    for await (const b of ds.batches(64, { transient: true })) {
      // Read before asking for the batch after next, as the contract says.
      for (let i = 0; i < b.x.data.length; i++) {
        if (b.x.data[i] !== Math.fround(rawU8[k * 784 + i] / 255)) throw new Error(`pixel ${i} of transient batch at sample ${k} differs`);
      }
      expect(b.x.data.length).toBe(b.labels.length * 784);
      expect(b.x.shape).toEqual([b.labels.length, 1, 28, 28]);
      buffers.push(where(b.x.data));
      k += b.labels.length;
      n++;
    }
    expect(k).toBe(1000);
    expect(n).toBe(16);
    expect(buffers[2]).toBe(buffers[0]);
    expect(buffers[3]).toBe(buffers[1]);
    expect(buffers[1]).not.toBe(buffers[0]);
    // Without the option every batch owns its array.
    const owned = await collect(ds, 64);
    expect(new Set(owned.map((b) => b.x.data.buffer)).size).toBe(16);
  });
});

describe('idx dataset, transient batches read into WebAssembly memory', () => {
  /** Every batch of a pass, copied while it is valid: values, labels, ids, indices, idRows. */
  async function pass(ds: Awaited<ReturnType<typeof openDataset>>, batchSize: number, transient: boolean) {
    const out: { x: number[]; shape: number[]; labels: number[]; ids: string[]; indices: number[]; idRows: number[] | null }[] = [];
    for await (const b of ds.batches(batchSize, { transient })) {
      out.push({
        x: Array.from(b.x.data),
        shape: b.x.shape,
        labels: Array.from(b.labels),
        ids: b.ids,
        indices: b.indices,
        idRows: b.idRows ? Array.from(b.idRows) : null,
      });
    }
    return out;
  }

  it('gives what the owned batches give across chunk edges, skipped records, limits and gzip', async () => {
    const t = await tempDir();
    const saved = idxReadSettings.chunkBytes;
    try {
      for (const [from, to] of [[IMAGES, 'i.gz'], [LABELS, 'l.gz']]) {
        await writeFile(path.join(t.dir, to), gzipSync(await readFile(path.join(ROOT, from))));
      }
      const gz = { type: 'idx' as const, images: path.join(t.dir, 'i.gz'), labels: path.join(t.dir, 'l.gz') };
      // Three classes keep about 30% of the records: unfinished batches carry over several chunks.
      const cases = [
        { spec, batch: 64 },
        { spec: { ...spec, class_names: ['a', 'b', 'c'] }, batch: 20 },
        { spec: { ...spec, class_names: ['a', 'b', 'c'], limit: 77 }, batch: 16 },
        { spec: { ...gz, class_names: ['a', 'b', 'c'] }, batch: 9 },
        { spec: { ...spec, limit: 130 }, batch: 128 },
      ];
      for (const chunkBytes of [784 * 7 + 100, 784 * 50, 4 << 20]) {
        idxReadSettings.chunkBytes = chunkBytes;
        for (const c of cases) {
          const ds = await openDataset(c.spec, model({}), ROOT);
          const owned = await pass(ds, c.batch, false);
          const transient = await pass(ds, c.batch, true);
          expect(transient.length).toBe(owned.length);
          transient.forEach((b, k) => {
            expect(b.x.every((v, i) => v === owned[k].x[i]), `batch ${k}, chunk ${chunkBytes}`).toBe(true);
            expect({ ...b, x: b.x.length }).toEqual({ ...owned[k], x: owned[k].x.length });
          });
          expect(transient.flatMap((b) => b.ids)).toEqual(transient.flatMap((b) => b.idRows!.map((r) => `row:${r}`)));
          // And what the files hold, independently of both paths: the usable records in order, up to the limit.
          const classes = 'class_names' in c.spec ? c.spec.class_names.length : 10;
          const rows = Array.from(rawLabels.keys()).filter((i) => rawLabels[i] < classes).slice(0, 'limit' in c.spec ? c.spec.limit : Infinity);
          expect(transient.flatMap((b) => b.idRows!)).toEqual(rows);
          expect(transient.flatMap((b) => b.labels)).toEqual(rows.map((i) => rawLabels[i]));
          const pixels = transient.flatMap((b) => b.x.map((v) => Math.round(v * 255)));
          expect(pixels.every((v, j) => v === rawU8[rows[Math.floor(j / 784)] * 784 + (j % 784)]), `pixels, chunk ${chunkBytes}`).toBe(true);
        }
      }
    } finally {
      idxReadSettings.chunkBytes = saved;
      await t.cleanup();
    }
  });
});
