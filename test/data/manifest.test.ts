import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/open.js';
import type { ModelSpec } from '../../src/models/types.js';
import { collect, pattern, tempDir, writePng, writeText } from './helpers.js';

const model: { spec: ModelSpec } = {
  spec: { path: 'm.onnx', layout: 'NCHW', inputSize: [4, 4], channels: 1, pixelRange: [0, 1], outputs: 'auto' },
};
let dir: string;
let cleanup: () => Promise<void>;
const img = (s: number) => pattern(4, 4, 1, s);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  for (let s = 0; s < 4; s++) await writePng(path.join(dir, `data/img/${s}.png`), img(s), 4, 4, 1);
  await writeText(
    path.join(dir, 'data/manifest.csv'),
    [
      'file,class,sex,age_band',
      'img/0.png,cat,F,young', // line 2: ok
      'img/1.png,1,M,old', // 3: ok, label as index → dog
      'img/2.png,bird,F,old', // 4: unknown label
      'img/missing.png,cat,M,young', // 5: missing file
      'img/3.png,dog,M', // 6: wrong column count
      ',cat,F,old', // 7: no path
      'img/3.png,dog,,old', // 8: ok, empty group value kept as ''
    ].join('\n') + '\n',
  );
  await writeText(
    path.join(dir, 'data/manifest.jsonl'),
    [
      JSON.stringify({ path: 'img/2.png', label: 'dog', site: 'A', id: 'x2' }),
      '{not json',
      '',
      JSON.stringify({ path: 'img/0.png', label: 'cat', site: 'B', id: 'x0' }),
      JSON.stringify({ path: 'img/1.png', site: 'B' }),
    ].join('\n') + '\n',
  );
});
afterAll(() => cleanup());

describe('manifest dataset', () => {
  it('reads paths, labels and groups from a CSV and lists the bad rows', async () => {
    const ds = await openDataset(
      { type: 'manifest', path: 'data/manifest.csv', path_column: 'file', label_column: 'class', group_columns: ['sex', 'age_band'], class_names: ['cat', 'dog'] },
      model,
      dir,
    );
    expect(ds.groupColumns).toEqual(['sex', 'age_band']);
    const batches = await collect(ds, 2, true);
    expect(batches.map((b) => b.ids)).toEqual([['img/0.png', 'img/1.png'], ['img/3.png']]);
    expect(batches.flatMap((b) => Array.from(b.labels))).toEqual([0, 1, 1]);
    expect(batches[0].groups).toEqual({ sex: ['F', 'M'], age_band: ['young', 'old'] });
    expect(batches[1].groups).toEqual({ sex: [''], age_band: ['old'] });
    expect(Array.from(batches[1].images![0].data)).toEqual(Array.from(img(3)));
    expect(Array.from(batches[0].x.data.subarray(16), (v) => Math.round(v * 255))).toEqual(Array.from(img(1)));
    const skipped = ds.skipped();
    expect(skipped.map((s) => s.source)).toEqual(['data/manifest.csv:4', 'data/manifest.csv:5', 'data/manifest.csv:6', 'data/manifest.csv:7']);
    expect(skipped[0].reason).toMatch(/^label 'bird' is not in the class list/);
    expect(skipped[1].reason).toBe('unreadable image: data/img/missing.png: no such file');
    expect(skipped[2].reason).toBe('row has 3 fields, the header has 4');
    expect(skipped[3].reason).toBe("no image path (column 'file' is empty or missing)");
  });

  it('derives sorted class names when none are given', async () => {
    const ds = await openDataset({ type: 'manifest', path: 'data/manifest.csv', path_column: 'file', label_column: 'class' }, model, dir);
    // Values cat, 1, bird, cat, dog, cat, dog: not all indices, so names sorted by code point.
    expect(ds.classNames).toEqual(['1', 'bird', 'cat', 'dog']);
  });

  it('reads JSONL with an id column', async () => {
    const ds = await openDataset({ type: 'manifest', path: 'data/manifest.jsonl', group_columns: ['site'], id_column: 'id', class_names: ['cat', 'dog'] }, model, dir);
    const [b] = await collect(ds, 10);
    expect(b.ids).toEqual(['x2', 'x0']);
    expect(Array.from(b.labels)).toEqual([1, 0]);
    expect(b.groups.site).toEqual(['A', 'B']);
    expect(ds.skipped()).toEqual([
      { source: 'data/manifest.jsonl:2', reason: expect.stringMatching(/^not valid JSON/) },
      { source: 'data/manifest.jsonl:5', reason: "no label (column 'label' is empty or missing)" },
    ]);
  });

  it('explains a missing column', async () => {
    await expect(openDataset({ type: 'manifest', path: 'data/manifest.csv', group_columns: ['sex'] }, model, dir)).rejects.toThrow(
      "dataset.path_column: column 'path' is not in data/manifest.csv (columns: file, class, sex, age_band)",
    );
  });
});
