import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

/** One event of a streamed table: a usable row (values by column) or a malformed one, with its 1-based file line. */
export type RowEvent =
  | { kind: 'row'; line: number; row: number; values: Record<string, string | undefined> }
  | { kind: 'bad'; line: number; row: number; reason: string };

export type TableFormat = 'csv' | 'jsonl';

export function tableFormatOf(file: string, declared?: TableFormat): TableFormat {
  if (declared) return declared;
  return /\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv';
}

/** Column names of a CSV file (its first record), read without reading the rest. */
export async function readCsvHeader(file: string, delimiter: string): Promise<string[]> {
  const stream = createReadStream(file);
  const parser = stream.pipe(parse({ delimiter, bom: true, to_line: 1, skip_empty_lines: true }));
  try {
    for await (const rec of parser as AsyncIterable<string[]>) return rec.map((c) => c.trim());
  } finally {
    stream.destroy();
  }
  throw new Error(`${file} is empty; a CSV needs a header row with column names`);
}

/**
 * Stream a CSV with a header row. A record with the wrong number of fields or broken quoting is
 * reported as 'bad' (with its line) instead of ending the stream — csv-parse's default is to throw.
 * `row` is the 0-based data-row index (header excluded), counting bad rows too, so it stays tied to the file.
 * csv-parse reports broken records through a callback while it parses ahead of the consumer, so they
 * are held back and released in line order between the good records.
 * Quotes: `relax_quotes` keeps a stray quote inside a field (a"b, "a"b) as a literal character, so the
 * row is still checked field by field; without it csv-parse loses the whole rest of the file after such
 * a quote. A quote opened and never closed still swallows the lines up to the end of the file; that
 * 'bad' event names the line range it covers.
 */
export async function* readCsvRows(file: string, delimiter: string): AsyncGenerator<RowEvent> {
  const held: { line: number; empty: number; reason: string }[] = [];
  let row = 0;
  const stream = createReadStream(file);
  const parser = stream.pipe(
    parse({
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        held.push({ line: Number(err?.lines ?? 0), empty: Number(err?.empty_lines ?? 0), reason: `malformed CSV record: ${err?.message ?? 'parse error'}` });
        return undefined;
      },
    }),
  );
  // The line of the last event given out (the header is line 1) and the blank lines seen up to it, so
  // a broken record's first line = the line after the last one, past any blank lines in between.
  let lastLine = 1;
  let lastEmpty = 0;
  function* release(beforeLine: number): Generator<RowEvent> {
    while (held.length > 0 && held[0].line < beforeLine) {
      const b = held.shift()!;
      const from = Math.min(lastLine + 1 + Math.max(0, b.empty - lastEmpty), b.line);
      lastLine = b.line;
      lastEmpty = b.empty;
      const span = from < b.line ? ` (lines ${from}–${b.line} are lost with it)` : '';
      yield { kind: 'bad', line: from, row: row++, reason: `${b.reason}${span}` };
    }
  }
  let header: string[] | null = null;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      const line = rec.info.lines;
      yield* release(line);
      lastLine = line;
      lastEmpty = rec.info.empty_lines;
      if (header === null) {
        header = rec.record.map((c) => c.trim());
        continue;
      }
      const fields = rec.record;
      if (fields.length !== header.length) {
        yield { kind: 'bad', line, row: row++, reason: `row has ${fields.length} fields, the header has ${header.length}` };
        continue;
      }
      const values: Record<string, string> = {};
      header.forEach((c, i) => (values[c] = fields[i]));
      yield { kind: 'row', line, row: row++, values };
    }
    yield* release(Infinity);
  } finally {
    stream.destroy();
  }
}

/** Stream a JSON-lines file: one object per line; blank lines are ignored, anything else is 'bad'. */
export async function* readJsonlRows(file: string): AsyncGenerator<RowEvent> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  let row = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (e) {
        yield { kind: 'bad', line, row: row++, reason: `not valid JSON: ${(e as Error).message}` };
        continue;
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
        yield { kind: 'bad', line, row: row++, reason: 'line is not a JSON object' };
        continue;
      }
      const values: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(obj)) values[k] = v === null || v === undefined ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v);
      yield { kind: 'row', line, row: row++, values };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

export function readRows(file: string, format: TableFormat, delimiter: string): AsyncGenerator<RowEvent> {
  return format === 'jsonl' ? readJsonlRows(file) : readCsvRows(file, delimiter);
}
