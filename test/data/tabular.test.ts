import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/open.js';
import type { TabularDatasetSpec } from '../../src/data/schema.js';
import { ROOT, collect, tempDir, writeText } from './helpers.js';

/** The encoding documented in fixtures/models/arrests_mlp.train.json. */
const arrests: TabularDatasetSpec = {
  type: 'tabular',
  path: 'fixtures/data/arrests.csv',
  features: [
    { column: 'colour', equals: 'White' },
    'year',
    'age',
    { column: 'sex', equals: 'Male' },
    { column: 'employed', equals: 'Yes' },
    { column: 'citizen', equals: 'Yes' },
    'checks',
  ],
  label: { column: 'released', positive: 'Yes', negative: 'No' },
  group_columns: ['colour', 'sex'],
};

describe('tabular dataset', () => {
  it('reproduces arrests_features_f32.bin exactly, with labels, ids and groups', async () => {
    const ds = await openDataset(arrests, null, ROOT);
    expect(ds.kind).toBe('tabular');
    expect(ds.classNames).toEqual(['No', 'Yes']);
    expect(ds.groupColumns).toEqual(['colour', 'sex']);
    expect((ds as unknown as { featureNames: string[] }).featureNames).toEqual(
      JSON.parse(await readFile(path.join(ROOT, 'fixtures/models/arrests_mlp.train.json'), 'utf8')).features,
    );
    const batches = await collect(ds, 500);
    expect(batches.map((b) => b.x.shape[0])).toEqual([...Array(10).fill(500), 226]);
    expect(batches.every((b) => b.x.shape[1] === 7)).toBe(true);
    const x = new Float32Array(5226 * 7);
    let off = 0;
    for (const b of batches) {
      x.set(b.x.data, off);
      off += b.x.data.length;
    }
    const ref = await readFile(path.join(ROOT, 'fixtures/data/arrests_features_f32.bin'));
    expect(ref.length).toBe(5226 * 7 * 4);
    expect(Buffer.from(x.buffer).equals(ref)).toBe(true);

    // Labels and groups against an independent line-by-line reading of the CSV (no quoting in this file).
    const lines = (await readFile(path.join(ROOT, arrests.path), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    const labels = batches.flatMap((b) => Array.from(b.labels));
    expect(labels).toEqual(lines.map((r) => (r[1] === 'Yes' ? 1 : 0)));
    expect(batches.flatMap((b) => b.groups.colour)).toEqual(lines.map((r) => r[2]));
    expect(batches.flatMap((b) => b.groups.sex)).toEqual(lines.map((r) => r[5]));
    expect(batches[1].ids[0]).toBe('row:500');
    expect(batches[10].indices.at(-1)).toBe(5225);
    expect(ds.skipped()).toEqual([]);
  });

  it('uses an id column, all-other-columns features and limit', async () => {
    const ds = await openDataset(
      { type: 'tabular', path: 'fixtures/data/arrests.csv', label: { column: 'released', positive: 'Yes' }, id_column: 'row_id', exclude_columns: ['colour', 'sex', 'employed', 'citizen'], limit: 3 },
      null,
      ROOT,
    );
    expect((ds as unknown as { featureNames: string[] }).featureNames).toEqual(['year', 'age', 'checks']);
    expect(ds.classNames).toEqual(['not Yes', 'Yes']);
    const [b] = await collect(ds, 10);
    expect(b.ids).toEqual(['0', '1', '2']);
    expect(Array.from(b.x.data)).toEqual([2002, 21, 3, 1999, 17, 3, 2000, 24, 3]);
    expect(Array.from(b.labels)).toEqual([1, 0, 1]);
  });

  it('counts and lists malformed rows instead of crashing', async () => {
    const t = await tempDir();
    try {
      await writeText(
        path.join(t.dir, 'people.csv'),
        [
          'id,age,city,label,group',
          'a,30,Paris,cat,g1', // line 2 ok
          'b,abc,Paris,cat,g1', // 3 non-numeric feature
          'c,41,Rome,dog', // 4 wrong column count
          'd,25,Oslo,cat,g2', // 5 city not in map
          'e,50,Rome,bird,g2', // 6 unknown label
          'f,,Rome,dog,g2', // 7 empty numeric
          'g,33,Rome,1,g1', // 8 ok, label given as index
          '',
          'h,"oops,Rome,dog,g1', // 10 broken quote
        ].join('\n') + '\n',
      );
      const ds = await openDataset(
        {
          type: 'tabular',
          path: 'people.csv',
          features: ['age', { column: 'city', map: { Paris: 0, Rome: 1 } }],
          label: 'label',
          class_names: ['cat', 'dog'],
          group_columns: ['group'],
          id_column: 'id',
        },
        null,
        t.dir,
      );
      const batches = await collect(ds, 10);
      expect(batches).toHaveLength(1);
      expect(batches[0].ids).toEqual(['a', 'g']);
      expect(Array.from(batches[0].x.data)).toEqual([30, 0, 33, 1]);
      expect(Array.from(batches[0].labels)).toEqual([0, 1]);
      expect(batches[0].groups.group).toEqual(['g1', 'g1']);
      const skipped = ds.skipped();
      expect(skipped.map((s) => s.source)).toEqual(['people.csv:3', 'people.csv:4', 'people.csv:5', 'people.csv:6', 'people.csv:7', 'people.csv:10']);
      expect(skipped[0].reason).toBe("feature 'age' is not a number: 'abc'");
      expect(skipped[1].reason).toBe('row has 4 fields, the header has 5');
      expect(skipped[2].reason).toBe("feature 'city' value 'Oslo' is not in its map (Paris, Rome)");
      expect(skipped[3].reason).toMatch(/^label 'bird' is not in the class list \(2 classes: cat, dog\)/);
      expect(skipped[4].reason).toBe("feature 'age' is not a number: ''");
      expect(skipped[5].reason).toMatch(/^malformed CSV record/);
    } finally {
      await t.cleanup();
    }
  });

  it('explains an unknown column', async () => {
    await expect(openDataset({ ...arrests, group_columns: ['race'] }, null, ROOT)).rejects.toThrow(
      "dataset.group_columns: column 'race' is not in fixtures/data/arrests.csv (columns: row_id, released, colour, year, age, sex, employed, citizen, checks)",
    );
  });
});
