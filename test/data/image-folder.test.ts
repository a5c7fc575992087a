import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/open.js';
import type { ModelSpec } from '../../src/models/types.js';
import { collect, pattern, tempDir, writePng, writeText } from './helpers.js';

const W = 8;
const H = 6;
const model = (over: Partial<ModelSpec> = {}): { spec: ModelSpec } => ({
  spec: { path: 'm.onnx', layout: 'NCHW', inputSize: [H, W], channels: 3, pixelRange: [0, 1], outputs: 'auto', ...over },
});

let dir: string;
let cleanup: () => Promise<void>;
const px = { a: pattern(W, H, 3, 1), b: pattern(W, H, 3, 2), c: pattern(W, H, 1, 3) };

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const root = path.join(dir, 'pets');
  await writePng(path.join(root, 'cat/a.png'), px.a, W, H, 3);
  await writePng(path.join(root, 'cat/b.png'), px.b, W, H, 3);
  await writePng(path.join(root, 'dog/c.png'), px.c, W, H, 1); // grey file, RGB model: replicated
  // A PNG cut in half: valid signature, truncated data.
  const good = await readFile(path.join(root, 'cat/a.png'));
  await writeFile(path.join(root, 'dog/broken.png'), good.subarray(0, Math.floor(good.length / 2)));
  await writeText(path.join(root, 'dog/notes.txt'), 'not an image\n');
  await writeText(path.join(root, 'dog/.DS_Store'), 'finder noise');
  await writePng(path.join(root, 'zebra/z.png'), px.a, W, H, 3); // a class the config does not list
  await writePng(path.join(root, 'stray.png'), px.a, W, H, 3); // outside any class folder
});
afterAll(() => cleanup());

describe('image-folder dataset', () => {
  it('decodes in order, and counts and lists every unusable input', async () => {
    const ds = await openDataset({ type: 'image-folder', root: 'pets', class_names: ['cat', 'dog'] }, model(), dir);
    expect(ds.kind).toBe('image-folder');
    expect(ds.classNames).toEqual(['cat', 'dog']);
    const batches = await collect(ds, 2, true);
    expect(batches.map((b) => b.ids)).toEqual([['cat/a.png', 'cat/b.png'], ['dog/c.png']]);
    expect(batches.flatMap((b) => Array.from(b.labels))).toEqual([0, 0, 1]);
    expect(batches.flatMap((b) => b.indices)).toEqual([0, 1, 2]);
    expect(batches[0].x.shape).toEqual([2, 3, H, W]);
    // Same size as the model input: no resampling, so the pixels are exactly the written ones.
    expect(Array.from(batches[0].images![1].data)).toEqual(Array.from(px.b));
    const rgbOfGrey = Uint8Array.from({ length: W * H * 3 }, (_, i) => px.c[Math.floor(i / 3)]);
    expect(Array.from(batches[1].images![0].data)).toEqual(Array.from(rgbOfGrey));
    // NCHW: the first plane of image a is its red channel.
    for (let p = 0; p < W * H; p++) expect(batches[0].x.data[p]).toBe(Math.fround(px.a[3 * p] / 255));

    const skipped = ds.skipped();
    expect(skipped.map((s) => s.source)).toEqual(['pets/dog/broken.png', 'pets/dog/notes.txt', 'pets/stray.png', 'pets/zebra/z.png']);
    expect(skipped[0].reason).toMatch(/^unreadable image: /);
    expect(skipped[1].reason).toMatch(/^unreadable image: .*unsupported image format/);
    expect(skipped[2].reason).toBe('file is not inside a class subfolder');
    expect(skipped[3].reason).toBe("class folder 'zebra' is not in the class list (cat, dog)");
  });

  it('takes sorted subfolder names as classes, and is stable across passes and batch sizes', async () => {
    const ds = await openDataset({ type: 'image-folder', root: 'pets', concurrency: 3 }, model({ layout: 'NHWC' }), dir);
    expect(ds.classNames).toEqual(['cat', 'dog', 'zebra']);
    const one = await collect(ds, 1);
    const all = await collect(ds, 10);
    expect(one.map((b) => b.ids[0])).toEqual(['cat/a.png', 'cat/b.png', 'dog/c.png', 'zebra/z.png']);
    expect(all[0].x.shape).toEqual([4, H, W, 3]);
    expect(Array.from(all[0].x.data)).toEqual(one.flatMap((b) => Array.from(b.x.data)));
    expect(Array.from(all[0].labels)).toEqual([0, 0, 1, 2]);
    // NHWC: image a's bytes in file order.
    expect(Array.from(all[0].x.data.subarray(0, W * H * 3), (v) => Math.round(v * 255))).toEqual(Array.from(px.a));
    expect(ds.skipped().map((s) => s.source)).toEqual(['pets/dog/broken.png', 'pets/dog/notes.txt', 'pets/stray.png']);
    const limited = await collect(await openDataset({ type: 'image-folder', root: 'pets', limit: 3 }, model(), dir), 2);
    expect(limited.flatMap((b) => b.ids)).toEqual(['cat/a.png', 'cat/b.png', 'dog/c.png']);
  });

  it('converts to grey with ITU-R 601-2 luma as Pillow does, and drops alpha', async () => {
    const t = await tempDir();
    try {
      // Pure red, green, blue, white, and (10, 200, 30); Pillow's convert('L') gives 76, 150, 29, 255, 124.
      const rgba = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 255, 255, 255, 255, 10, 200, 30, 7]);
      await writePng(path.join(t.dir, 'x/only.png'), rgba, 5, 1, 4);
      const ds = await openDataset({ type: 'image-folder', root: '.' }, model({ inputSize: [1, 5], channels: 1 }), t.dir);
      const [b] = await collect(ds, 1, true);
      expect(Array.from(b.images![0].data)).toEqual([76, 150, 29, 255, 124]);
      const rgb = await collect(await openDataset({ type: 'image-folder', root: '.' }, model({ inputSize: [1, 5], layout: 'NHWC' }), t.dir), 1);
      expect(Array.from(rgb[0].x.data, (v) => Math.round(v * 255))).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 10, 200, 30]);
    } finally {
      await t.cleanup();
    }
  });

  it('resizes with fill, cover and contain', async () => {
    const t = await tempDir();
    try {
      // 20x10 image: left half black, right half white.
      const w = 20;
      const h = 10;
      const img = Uint8Array.from({ length: w * h }, (_, i) => (i % w < w / 2 ? 0 : 255));
      await writePng(path.join(t.dir, 'k/half.png'), img, w, h, 1);
      // Uniform images stay uniform under any kernel.
      await writePng(path.join(t.dir, 'k/uni.png'), new Uint8Array(w * h).fill(77), w, h, 1);
      const get = async (resize: 'fill' | 'cover' | 'contain') => {
        const ds = await openDataset({ type: 'image-folder', root: '.', resize }, model({ inputSize: [10, 10], channels: 1 }), t.dir);
        const [b] = await collect(ds, 2, true);
        return b.images!;
      };
      const [fillHalf, fillUni] = await get('fill');
      expect(fillUni.data.every((v) => v === 77)).toBe(true);
      expect(fillHalf.data[0]).toBe(0); // squeezed: both halves still visible
      expect(fillHalf.data[9]).toBe(255);
      const [cover] = await get('cover'); // centre 10x10 crop: columns 5..14, edge at column 5
      expect(cover.data[0]).toBe(0);
      expect(cover.data[9]).toBe(255);
      const [contain] = await get('contain'); // 10x5 band, black padding above and below
      expect(Array.from(contain.data.subarray(0, 10))).toEqual(new Array(10).fill(0));
      expect(contain.data[5 * 10 + 9]).toBe(255);
    } finally {
      await t.cleanup();
    }
  });

  it('follows a symbolic link to a class folder', async () => {
    const t = await tempDir();
    try {
      await writePng(path.join(t.dir, 'elsewhere/x.png'), px.a, W, H, 3);
      await mkdir(path.join(t.dir, 'set'));
      await symlink(path.join(t.dir, 'elsewhere'), path.join(t.dir, 'set/linked'));
      const ds = await openDataset({ type: 'image-folder', root: 'set' }, model(), t.dir);
      expect(ds.classNames).toEqual(['linked']);
      const [b] = await collect(ds, 4);
      expect(b.ids).toEqual(['linked/x.png']);
    } finally {
      await t.cleanup();
    }
  });

  it('explains a missing root and needs a size without a model', async () => {
    await expect(openDataset({ type: 'image-folder', root: 'nope' }, model(), dir)).rejects.toThrow(/dataset.root: nope does not exist/);
    await expect(openDataset({ type: 'image-folder', root: 'pets' }, null, dir)).rejects.toThrow(/set model.input_size/);
    const ds = await openDataset({ type: 'image-folder', root: 'pets', image_size: [3, 4], channels: 1 }, null, dir);
    const [b] = await collect(ds, 8);
    expect(b.x.shape).toEqual([4, 1, 3, 4]);
  });

  it('fingerprints file contents', async () => {
    const spec = { type: 'image-folder' as const, root: 'pets' };
    const a = await (await openDataset(spec, model(), dir)).fingerprint();
    expect(await (await openDataset(spec, model(), dir)).fingerprint()).toBe(a);
    expect(await (await openDataset(spec, model({ layout: 'NHWC' }), dir)).fingerprint()).not.toBe(a);
    await sharp(Buffer.from(px.b), { raw: { width: W, height: H, channels: 3 } }).png().toFile(path.join(dir, 'pets/zebra/z.png'));
    expect(await (await openDataset(spec, model(), dir)).fingerprint()).not.toBe(a);
  });
});
