import ajvModule from 'ajv/dist/2020.js';
import type { Options, ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { datasetSchema } from '../../src/data/schema.js';

const Ajv2020 = ((ajvModule as unknown as { default?: unknown }).default ?? ajvModule) as unknown as new (o: Options) => {
  compile(s: object): ValidateFunction;
};

describe('datasetSchema', () => {
  // Strict mode would reject unknown keywords or defaults the validator ignores.
  const validate = new Ajv2020({ strict: true, useDefaults: true, allErrors: true }).compile(datasetSchema);

  it('accepts each dataset type and fills defaults', () => {
    const idx: Record<string, unknown> = { type: 'idx', images: 'a', labels: 'b', limit: 10 };
    expect(validate(idx)).toBe(true);
    expect(idx).toMatchObject({ resize: 'fill', concurrency: 4 });
    const man: Record<string, unknown> = { type: 'manifest', path: 'm.csv', group_columns: ['sex'] };
    expect(validate(man)).toBe(true);
    expect(man).toMatchObject({ path_column: 'path', label_column: 'label', delimiter: ',' });
    const tab = {
      type: 'tabular',
      path: 'x.csv',
      features: [{ column: 'colour', equals: 'White' }, 'year', { column: 'size', map: { S: 0, L: 1 } }],
      label: { column: 'released', positive: 'Yes' },
      group_columns: ['colour'],
    };
    expect(validate(tab)).toBe(true);
    expect(validate({ type: 'image-folder', root: 'r', resize: 'cover', class_names: ['a', 'b'] })).toBe(true);
  });

  it('rejects wrong or misplaced keys', () => {
    expect(validate({ type: 'idx', images: 'a' })).toBe(false); // labels missing
    expect(validate({ type: 'idx', images: 'a', labels: 'b', imagez: 'c' })).toBe(false);
    expect(validate({ type: 'tabular', path: 'x', label: 'y', resize: 'fill' })).toBe(false); // image-only key
    expect(validate({ type: 'image-folder', root: 'r', resize: 'stretch' })).toBe(false);
    expect(validate({ type: 'tabular', path: 'x', label: 'y', features: [{ column: 'c', equals: 'a', map: { a: 1 } }] })).toBe(false);
    expect(validate({ type: 'csv', path: 'x' })).toBe(false);
  });
});
