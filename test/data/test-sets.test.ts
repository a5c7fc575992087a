import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/open.js';
import type { ModelSpec } from '../../src/models/types.js';
import { ROOT, collect } from './helpers.js';

// The committed test sets (fixtures/data/test-sets/, made by make-test-sets.mjs) hold the first 20
// Fashion-MNIST test images as lossless PNGs, so every decoded pixel must equal the raw IDX byte.
const CLASSES = ['T-shirt_top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle_boot'];
const model: { spec: ModelSpec } = {
  spec: { path: 'm.onnx', layout: 'NCHW', inputSize: [28, 28], channels: 1, pixelRange: [0, 1], outputs: 'auto', classNames: CLASSES },
};
let raw: Buffer;
let labels: Buffer;
beforeAll(async () => {
  raw = await readFile(path.join(ROOT, 'fixtures/data/fmnist_test1000_images_u8.bin'));
  labels = await readFile(path.join(ROOT, 'fixtures/data/fmnist_test1000_labels_u8.bin'));
});

function checkAgainstIdx(ids: string[], x: Float32Array, y: Int32Array): void {
  ids.forEach((id, n) => {
    const i = Number(/(\d{4})\.png$/.exec(id)![1]);
    expect(y[n]).toBe(labels[i]);
    for (let p = 0; p < 784; p++) {
      if (x[n * 784 + p] !== Math.fround(raw[i * 784 + p] / 255)) throw new Error(`${id}: pixel ${p} differs from IDX sample ${i}`);
    }
  });
}

describe('committed test sets', () => {
  it('image folder: 20 images equal to the IDX bytes, the corrupt PNG and the text file listed', async () => {
    const ds = await openDataset({ type: 'image-folder', root: 'fixtures/data/test-sets/fmnist-folder' }, model, ROOT);
    expect(ds.classNames).toEqual(CLASSES); // from the model, not the alphabetical folder order
    const batches = await collect(ds, 8);
    expect(batches.map((b) => b.labels.length)).toEqual([8, 8, 4]);
    for (const b of batches) checkAgainstIdx(b.ids, b.x.data, b.labels);
    expect(batches[0].ids[0]).toBe('Ankle_boot/0000.png');
    // Seen from a config folder elsewhere, the sources are absolute paths rather than ../../ chains.
    const away = await openDataset({ type: 'image-folder', root: path.join(ROOT, 'fixtures/data/test-sets/fmnist-folder') }, model, path.join(ROOT, 'test/data'));
    await collect(away, 64);
    expect(away.skipped().map((s) => s.source)).toEqual([
      path.join(ROOT, 'fixtures/data/test-sets/fmnist-folder/Ankle_boot/corrupt.png'),
      path.join(ROOT, 'fixtures/data/test-sets/fmnist-folder/Trouser/notes.txt'),
    ]);
    expect(ds.skipped()).toEqual([
      { source: 'fixtures/data/test-sets/fmnist-folder/Ankle_boot/corrupt.png', reason: expect.stringMatching(/^unreadable image: /) },
      { source: 'fixtures/data/test-sets/fmnist-folder/Trouser/notes.txt', reason: expect.stringMatching(/^unreadable image: /) },
    ]);
  });

  it('manifest: rows in file order with the parity group, three bad rows listed', async () => {
    const ds = await openDataset({ type: 'manifest', path: 'fixtures/data/test-sets/fmnist-manifest.csv', group_columns: ['parity'] }, model, ROOT);
    const [b] = await collect(ds, 100);
    expect(b.ids.map((id) => Number(id.slice(-8, -4)))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    checkAgainstIdx(b.ids, b.x.data, b.labels);
    expect(b.groups.parity).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'even' : 'odd')));
    const m = 'fixtures/data/test-sets/fmnist-manifest.csv';
    expect(ds.skipped()).toEqual([
      { source: `${m}:22`, reason: expect.stringMatching(/fmnist-folder\/Bag\/missing.png/) },
      { source: `${m}:23`, reason: expect.stringMatching(/^label 'Sock' is not in the class list \(10 classes/) },
      { source: `${m}:24`, reason: 'row has 2 fields, the header has 3' },
    ]);
  });
});
