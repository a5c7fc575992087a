import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelSpec } from '../models/types.js';
import type { BatchOptions, DataBatch, Dataset, SkippedInput } from './types.js';
import type { FeatureSpec, TabularDatasetSpec } from './schema.js';
import { DATASET_DEFAULTS } from './schema.js';
import { SkipLog } from './skip-log.js';
import { checkBatchSize } from './image-pipeline.js';
import { fingerprintFiles } from './fingerprint.js';
import { readCsvHeader, readCsvRows } from './rows.js';
import { compileFeature, compileLabel, type CompiledFeature, type CompiledLabel } from './encoding.js';
import { deriveClassNames } from './labels.js';
import { displayPath } from './walk.js';

/**
 * A CSV of features, a label and group columns, streamed row by row into [N, F] float32 batches.
 * Ids are the id column's value, or row:<n> with n the 0-based data row (header excluded, bad rows counted).
 */
export class TabularDataset implements Dataset {
  readonly kind = 'tabular' as const;
  readonly size = null;
  private readonly skips = new SkipLog();

  private constructor(
    readonly description: string,
    readonly classNames: string[],
    readonly groupColumns: string[],
    /** Feature names in model order (e.g. colour_White, year, …). */
    readonly featureNames: string[],
    private readonly file: string,
    private readonly display: string,
    private readonly features: CompiledFeature[],
    private readonly label: CompiledLabel,
    private readonly spec: TabularDatasetSpec,
  ) {}

  static async open(spec: TabularDatasetSpec, model: ModelSpec | null, baseDir: string): Promise<TabularDataset> {
    const file = path.resolve(baseDir, spec.path);
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) throw new Error(`dataset.path: ${spec.path} ${st ? 'is not a file' : 'does not exist'} (resolved to ${file})`);
    const delimiter = spec.delimiter ?? DATASET_DEFAULTS.delimiter;
    const header = await readCsvHeader(file, delimiter);
    const groups = spec.group_columns ?? [];
    const labelColumn = typeof spec.label === 'string' ? spec.label : spec.label.column;
    const check = (key: string, col: string) => {
      if (!header.includes(col)) throw new Error(`dataset.${key}: column '${col}' is not in ${spec.path} (columns: ${header.join(', ')})`);
    };
    check('label', labelColumn);
    groups.forEach((g) => check('group_columns', g));
    if (spec.id_column) check('id_column', spec.id_column);
    const excluded = new Set([labelColumn, ...groups, ...(spec.id_column ? [spec.id_column] : []), ...(spec.exclude_columns ?? [])]);
    const featureSpecs: FeatureSpec[] = spec.features ?? header.filter((c) => !excluded.has(c));
    if (featureSpecs.length === 0) throw new Error(`dataset.features: no feature columns left in ${spec.path}; list them under dataset.features`);
    const features = featureSpecs.map(compileFeature);
    features.forEach((f) => check('features', f.column));

    let label = compileLabel(spec.label, spec.class_names ?? model?.classNames);
    if ('needsClassNames' in label) {
      const values = new Set<string>(); // distinct labels only: memory grows with classes, not rows
      for await (const ev of readCsvRows(file, delimiter)) {
        const v = ev.kind === 'row' ? ev.values[labelColumn]?.trim() : undefined;
        if (v) values.add(v);
      }
      label = compileLabel(spec.label, deriveClassNames(values)) as CompiledLabel;
    }
    const compiled = label as CompiledLabel;
    const featureNames = features.map((f) => f.name);
    const description = `table ${spec.path} (${featureNames.length} features, label ${labelColumn}, ${compiled.classNames.length} classes${groups.length ? `, groups: ${groups.join(', ')}` : ''})`;
    return new TabularDataset(description, compiled.classNames, groups, featureNames, file, displayPath(baseDir, file), features, compiled, spec);
  }

  skipped(): SkippedInput[] {
    return this.skips.list();
  }

  async fingerprint(): Promise<string> {
    return fingerprintFiles([{ name: 'table', path: this.file }], {
      type: 'tabular',
      spec: { ...this.spec, path: undefined },
      features: this.featureNames,
      classNames: this.classNames,
    });
  }

  async *batches(batchSize: number, _options: BatchOptions = {}): AsyncGenerator<DataBatch> {
    checkBatchSize(batchSize);
    const limit = this.spec.limit ?? Infinity;
    const nf = this.features.length;
    const delimiter = this.spec.delimiter ?? DATASET_DEFAULTS.delimiter;
    let x = new Float32Array(batchSize * nf);
    let labels: number[] = [];
    let ids: string[] = [];
    let indices: number[] = [];
    let groups: Record<string, string[]> = {};
    const reset = () => {
      x = new Float32Array(batchSize * nf);
      labels = [];
      ids = [];
      indices = [];
      groups = Object.fromEntries(this.groupColumns.map((g) => [g, []]));
    };
    const flush = (): DataBatch => {
      const n = labels.length;
      const batch: DataBatch = { x: { data: x.subarray(0, n * nf).slice(), shape: [n, nf] }, labels: Int32Array.from(labels), ids, indices, groups };
      reset();
      return batch;
    };
    reset();
    let used = 0;
    if (limit <= 0) return;
    const row = new Float64Array(nf);
    for await (const ev of readCsvRows(this.file, delimiter)) {
      const where = `${this.display}:${ev.line}`;
      if (ev.kind === 'bad') {
        this.skips.add(where, ev.reason);
        continue;
      }
      let problem: string | null = null;
      for (let j = 0; j < nf && problem === null; j++) {
        const v = this.features[j].encode(ev.values[this.features[j].column] ?? '');
        if (typeof v === 'string') problem = v;
        else row[j] = v;
      }
      const y = problem === null ? this.label.encode(ev.values[this.label.column] ?? '') : 0;
      if (typeof y === 'string') problem = y;
      if (problem !== null) {
        this.skips.add(where, problem);
        continue;
      }
      const k = labels.length;
      for (let j = 0; j < nf; j++) x[k * nf + j] = row[j];
      labels.push(y as number);
      ids.push((this.spec.id_column ? ev.values[this.spec.id_column]?.trim() : undefined) || `row:${ev.row}`);
      indices.push(used++);
      for (const g of this.groupColumns) groups[g].push(ev.values[g]?.trim() ?? '');
      if (labels.length === batchSize) yield flush();
      if (used >= limit) break;
    }
    if (labels.length > 0) yield flush();
  }
}
