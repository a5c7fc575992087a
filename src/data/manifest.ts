import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelMeta, ModelSpec } from '../models/types.js';
import type { BatchOptions, DataBatch, Dataset, SkippedInput } from './types.js';
import type { ManifestDatasetSpec } from './schema.js';
import { DATASET_DEFAULTS } from './schema.js';
import { SkipLog } from './skip-log.js';
import { imageBatches, type Candidate } from './image-pipeline.js';
import { resolveImageTarget, type ImageTarget } from './target.js';
import { toTargetImage } from './decode.js';
import { fingerprintFiles } from './fingerprint.js';
import { readCsvHeader, readRows, tableFormatOf, type TableFormat } from './rows.js';
import { deriveClassNames, labelResolver, unknownLabelReason } from './labels.js';
import { displayPath } from './walk.js';

interface Columns {
  path: string;
  label: string;
  groups: string[];
  id?: string;
}

/**
 * A CSV or JSONL manifest: one row per image with a path (relative to the manifest's folder), a label
 * (class name or 0-based index) and optional group and id columns. Rows are streamed, never all read.
 */
export class ManifestDataset implements Dataset {
  readonly kind = 'manifest' as const;
  readonly size = null;
  private readonly skips = new SkipLog();

  private constructor(
    readonly description: string,
    readonly classNames: string[],
    readonly groupColumns: string[],
    private readonly file: string,
    private readonly format: TableFormat,
    private readonly columns: Columns,
    private readonly baseDir: string,
    private readonly target: ImageTarget,
    private readonly spec: ManifestDatasetSpec,
    private readonly includeImagesByDefault: boolean,
  ) {}

  static async open(spec: ManifestDatasetSpec, model: ModelSpec | null, baseDir: string, includeImages = false, meta?: Pick<ModelMeta, 'sampleShape' | 'layout'>): Promise<ManifestDataset> {
    const file = path.resolve(baseDir, spec.path);
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) throw new Error(`dataset.path: manifest ${spec.path} ${st ? 'is not a file' : 'does not exist'} (resolved to ${file})`);
    const format = tableFormatOf(file, spec.format);
    const delimiter = spec.delimiter ?? DATASET_DEFAULTS.delimiter;
    const columns: Columns = {
      path: spec.path_column ?? DATASET_DEFAULTS.path_column,
      label: spec.label_column ?? DATASET_DEFAULTS.label_column,
      groups: spec.group_columns ?? [],
      id: spec.id_column,
    };
    if (format === 'csv') {
      const header = await readCsvHeader(file, delimiter);
      const wanted: [string, string][] = [
        ['path_column', columns.path],
        ['label_column', columns.label],
        ...columns.groups.map((g): [string, string] => ['group_columns', g]),
        ...(columns.id ? [['id_column', columns.id] as [string, string]] : []),
      ];
      for (const [key, col] of wanted) {
        if (!header.includes(col)) throw new Error(`dataset.${key}: column '${col}' is not in ${spec.path} (columns: ${header.join(', ')})`);
      }
    }
    let classNames = spec.class_names ?? model?.classNames;
    if (!classNames) {
      // One streamed pass over the labels only, to name the classes.
      const values = new Set<string>(); // distinct labels only: memory grows with classes, not rows
      for await (const ev of readRows(file, format, delimiter)) {
        const v = ev.kind === 'row' ? ev.values[columns.label]?.trim() : undefined;
        if (v) values.add(v);
      }
      classNames = deriveClassNames(values);
      if (classNames.length === 0) throw new Error(`dataset.path: ${spec.path} has no labelled rows (label column '${columns.label}')`);
    }
    const target = resolveImageTarget(spec, model, undefined, meta);
    const description = `manifest ${spec.path} (${classNames.length} classes${columns.groups.length ? `, groups: ${columns.groups.join(', ')}` : ''})`;
    return new ManifestDataset(description, classNames, columns.groups, file, format, columns, baseDir, target, spec, includeImages);
  }

  skipped(): SkippedInput[] {
    return this.skips.list();
  }

  async fingerprint(): Promise<string> {
    const self = this;
    async function* files() {
      yield { name: 'manifest', path: self.file };
      for await (const ev of readRows(self.file, self.format, self.spec.delimiter ?? DATASET_DEFAULTS.delimiter)) {
        const p = ev.kind === 'row' ? ev.values[self.columns.path]?.trim() : undefined;
        if (p) yield { name: p, path: path.resolve(path.dirname(self.file), p) };
      }
    }
    return fingerprintFiles(files(), { type: 'manifest', limit: this.spec.limit, classNames: this.classNames, columns: this.columns, target: this.target });
  }

  batches(batchSize: number, options: BatchOptions = {}): AsyncGenerator<DataBatch> {
    return imageBatches(this.candidates(), {
      batchSize,
      limit: this.spec.limit ?? null,
      concurrency: this.spec.concurrency ?? DATASET_DEFAULTS.concurrency,
      target: this.target,
      includeImages: options.images ?? this.includeImagesByDefault,
      groupColumns: this.groupColumns,
      skips: this.skips,
    });
  }

  private async *candidates(): AsyncGenerator<Candidate> {
    const resolve = labelResolver(this.classNames);
    const dir = path.dirname(this.file);
    const manifest = displayPath(this.baseDir, this.file);
    const { columns } = this;
    for await (const ev of readRows(this.file, this.format, this.spec.delimiter ?? DATASET_DEFAULTS.delimiter)) {
      const where = `${manifest}:${ev.line}`;
      if (ev.kind === 'bad') {
        yield { kind: 'skip', source: where, reason: ev.reason };
        continue;
      }
      const rel = ev.values[columns.path]?.trim();
      if (!rel) {
        yield { kind: 'skip', source: where, reason: `no image path (column '${columns.path}' is empty or missing)` };
        continue;
      }
      const rawLabel = ev.values[columns.label]?.trim() ?? '';
      const label = resolve(rawLabel);
      if (label === null) {
        yield { kind: 'skip', source: where, reason: rawLabel ? unknownLabelReason(rawLabel, this.classNames) : `no label (column '${columns.label}' is empty or missing)` };
        continue;
      }
      const abs = path.resolve(dir, rel);
      const id = (columns.id ? ev.values[columns.id]?.trim() : undefined) || path.relative(dir, abs).split(path.sep).join('/');
      const groups = Object.fromEntries(columns.groups.map((g) => [g, ev.values[g]?.trim() ?? '']));
      yield {
        kind: 'sample',
        source: where,
        id,
        label,
        groups,
        load: async () => {
          try {
            return await toTargetImage(abs, this.target);
          } catch (e) {
            const shown = displayPath(this.baseDir, abs);
            const exists = await stat(abs).then((s) => s.isFile(), () => false);
            throw new Error(exists ? `${shown}: ${(e as Error).message}` : `${shown}: no such file`);
          }
        },
      };
    }
  }
}
