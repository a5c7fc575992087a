import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, DataBatch, SkippedInput } from './types.js';
import { SkipLog } from './skip-log.js';
import { fingerprintFiles } from './fingerprint.js';
import { readCsvHeader, readRows, tableFormatOf, type TableFormat } from './rows.js';
import { displayPath } from './walk.js';

/** `dataset: {type: predictions}`: predictions made anywhere, audited without a model. */
export interface PredictionsDatasetSpec {
  type: 'predictions';
  path: string;
  format?: TableFormat;
  y_true?: string;
  y_pred?: string;
  score?: string;
  group_columns?: string[];
  id_column?: string;
  positive_label?: string | number;
  class_names?: string[];
  filter?: { column: string; equals: string | number };
  delimiter?: string;
  limit?: number;
}

export const predictionsDatasetSchema = {
  type: 'object',
  required: ['type', 'path'],
  additionalProperties: false,
  properties: {
    type: { const: 'predictions' },
    path: { type: 'string', minLength: 1, description: 'CSV or JSONL with one row per sample.' },
    format: { enum: ['csv', 'jsonl'], description: 'Default: from the extension.' },
    y_true: { type: 'string', default: 'y_true', description: 'Column with the true label.' },
    y_pred: { type: 'string', default: 'y_pred', description: 'Column with the predicted label.' },
    score: { type: 'string', description: 'Column with the score / probability of the positive label (enables calibration).' },
    group_columns: { type: 'array', items: { type: 'string', minLength: 1 }, default: [], description: 'Sensitive-attribute columns.' },
    id_column: { type: 'string', description: 'Column with a stable sample id (default row:<n>).' },
    positive_label: { type: ['string', 'number'], description: 'The favourable outcome for binary labels (default 1).' },
    class_names: { type: 'array', items: { type: 'string' }, description: 'Label values in class order (default: sorted distinct values).' },
    filter: {
      type: 'object',
      required: ['column', 'equals'],
      additionalProperties: false,
      properties: { column: { type: 'string' }, equals: { type: ['string', 'number'] } },
      description: 'Only rows where column equals the value, e.g. {column: split, equals: test}.',
    },
    delimiter: { type: 'string', minLength: 1, maxLength: 1, default: ',' },
    limit: { type: 'integer', minimum: 1 },
  },
} as const;

export interface PredictionsTable {
  ids: string[];
  yTrue: string[];
  yPred: string[];
  /** Score of the positive label per row (NaN where missing), or null without a score column. */
  scores: Float64Array | null;
  groups: Record<string, string[]>;
  classNames: string[];
}

/**
 * A predictions file as a Dataset. It carries no model inputs (`batches` yields nothing); the
 * fairness probe reads `table()` instead. Malformed rows — wrong field count, an empty label, a
 * non-numeric score — are skipped and listed as file:line with the reason.
 */
export class PredictionsDataset implements Dataset {
  readonly kind = 'predictions' as const;
  readonly size = null;
  readonly groupColumns: string[];
  private readonly skips = new SkipLog();
  private cached: Promise<PredictionsTable> | null = null;
  classNames: string[] = [];

  constructor(
    private readonly spec: PredictionsDatasetSpec,
    private readonly file: string,
    private readonly display: string,
  ) {
    this.groupColumns = spec.group_columns ?? [];
  }

  /** The favourable outcome the file's config names, if any. */
  get positiveLabel(): string | undefined {
    return this.spec.positive_label === undefined ? undefined : String(this.spec.positive_label);
  }

  get description(): string {
    const f = this.spec.filter ? ` where ${this.spec.filter.column} = ${this.spec.filter.equals}` : '';
    return `predictions ${this.display}${f}`;
  }

  // eslint-disable-next-line require-yield
  async *batches(): AsyncIterable<DataBatch> {
    throw new Error('a predictions dataset has no model inputs; probes that need a model cannot run on it');
  }

  skipped(): SkippedInput[] {
    return this.skips.list();
  }

  fingerprint(): Promise<string> {
    return fingerprintFiles([{ name: path.basename(this.file), path: this.file }], { ...this.spec, path: undefined });
  }

  table(): Promise<PredictionsTable> {
    this.cached ??= this.read();
    return this.cached;
  }

  private async read(): Promise<PredictionsTable> {
    const s = this.spec;
    const yT = s.y_true ?? 'y_true';
    const yP = s.y_pred ?? 'y_pred';
    const format = tableFormatOf(this.file, s.format);
    const delimiter = s.delimiter ?? ',';
    if (format === 'csv') {
      const header = await readCsvHeader(this.file, delimiter);
      const need: [string, string][] = [
        ['y_true', yT],
        ['y_pred', yP],
        ...(s.score ? [['score', s.score] as [string, string]] : []),
        ...(s.id_column ? [['id_column', s.id_column] as [string, string]] : []),
        ...(s.filter ? [['filter.column', s.filter.column] as [string, string]] : []),
        ...this.groupColumns.map((g) => ['group_columns', g] as [string, string]),
      ];
      for (const [key, col] of need) {
        if (!header.includes(col)) throw new Error(`dataset.${key}: column '${col}' is not in ${this.display} (columns: ${header.join(', ')})`);
      }
    }
    const t: PredictionsTable = { ids: [], yTrue: [], yPred: [], scores: null, groups: Object.fromEntries(this.groupColumns.map((g) => [g, [] as string[]])), classNames: [] };
    const scores: number[] = [];
    for await (const ev of readRows(this.file, format, delimiter)) {
      const where = `${this.display}:${ev.line}`;
      if (ev.kind === 'bad') {
        this.skips.add(where, ev.reason);
        continue;
      }
      const v = ev.values;
      if (s.filter && String(v[s.filter.column] ?? '') !== String(s.filter.equals)) continue;
      const yt = v[yT]?.trim();
      const yp = v[yP]?.trim();
      if (!yt || !yp) {
        this.skips.add(where, `empty ${!yt ? yT : yP}`);
        continue;
      }
      const missingGroup = this.groupColumns.find((g) => (v[g] ?? '').trim() === '');
      if (missingGroup) {
        this.skips.add(where, `empty group column '${missingGroup}'`);
        continue;
      }
      let score = NaN;
      if (s.score) {
        const raw = (v[s.score] ?? '').trim();
        score = Number(raw);
        if (raw === '' || !Number.isFinite(score) || score < 0 || score > 1) {
          this.skips.add(where, `score '${raw}' in column '${s.score}' is not a number in [0, 1]`);
          continue;
        }
      }
      t.ids.push(s.id_column ? String(v[s.id_column]) : `row:${ev.row}`);
      t.yTrue.push(yt);
      t.yPred.push(yp);
      scores.push(score);
      for (const g of this.groupColumns) t.groups[g].push(String(v[g]).trim());
      if (s.limit && t.ids.length >= s.limit) break;
    }
    if (s.score) t.scores = Float64Array.from(scores);
    const distinct = [...new Set([...t.yTrue, ...t.yPred])].sort((a, b) => (isNum(a) && isNum(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
    if (s.class_names) {
      const unknown = distinct.filter((d) => !s.class_names!.includes(d));
      if (unknown.length) throw new Error(`dataset.class_names: labels ${unknown.slice(0, 5).map((u) => `'${u}'`).join(', ')} in ${this.display} are not in class_names`);
      t.classNames = [...s.class_names];
    } else t.classNames = distinct;
    this.classNames = t.classNames;
    return t;
  }
}

function isNum(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

export async function openPredictions(spec: PredictionsDatasetSpec, baseDir: string): Promise<PredictionsDataset> {
  const file = path.resolve(baseDir, spec.path);
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) throw new Error(`dataset.path: ${spec.path} ${st ? 'is not a file' : 'does not exist'} (resolved to ${file})`);
  const ds = new PredictionsDataset(spec, file, displayPath(baseDir, file));
  await ds.table();
  return ds;
}
