import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvRows, type RowEvent } from '../../src/data/rows.js';
import { tempDir, writeText } from './helpers.js';

async function all(gen: AsyncGenerator<RowEvent>): Promise<RowEvent[]> {
  const out: RowEvent[] = [];
  for await (const e of gen) out.push(e);
  return out;
}

describe('readCsvRows', () => {
  it('keeps file order, and the rest of the file, when a stray quote sits in the middle of a large file', async () => {
    const t = await tempDir();
    try {
      // ~200 KB so csv-parse parses far ahead of the consumer; the broken quote is at data row 1500.
      const lines = ['a,b'];
      for (let i = 0; i < 3000; i++) lines.push(i === 1500 ? `"broken"x,${i}` : `${i},${'y'.repeat(60)}`);
      await writeText(path.join(t.dir, 'big.csv'), lines.join('\n') + '\n');
      const events = await all(readCsvRows(path.join(t.dir, 'big.csv'), ','));
      // The stray quote is kept literally; the row is then judged by its fields (here: 'a' not a number).
      expect(events).toHaveLength(3000);
      expect(events[1500]).toMatchObject({ kind: 'row', line: 1502, row: 1500, values: { a: '"broken"x', b: '1500' } });
      for (const e of events) {
        if (e.kind !== 'row') throw new Error(`unexpected bad row at line ${e.line}`);
        if (e.row !== 1500) expect(e.values.a).toBe(String(e.row));
        expect(e.line).toBe(e.row + 2);
      }
    } finally {
      await t.cleanup();
    }
  });

  it('reports an unclosed quote with the lines it swallowed, in order after the good rows', async () => {
    const t = await tempDir();
    try {
      const lines = ['a,b'];
      for (let i = 0; i < 3000; i++) lines.push(i === 2990 ? `"open,${i}` : `${i},${'y'.repeat(60)}`);
      await writeText(path.join(t.dir, 'open.csv'), lines.join('\n') + '\n');
      const events = await all(readCsvRows(path.join(t.dir, 'open.csv'), ','));
      expect(events).toHaveLength(2991);
      expect(events.slice(0, 2990).every((e) => e.kind === 'row')).toBe(true);
      expect(events[2990]).toMatchObject({ kind: 'bad', line: 2992, row: 2990 });
      expect((events[2990] as { reason: string }).reason).toMatch(/Quote Not Closed.*\(lines 2992–3001 are lost with it\)$/);
    } finally {
      await t.cleanup();
    }
  });
});
