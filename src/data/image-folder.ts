import { stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ModelMeta, ModelSpec } from '../models/types.js';
import type { BatchOptions, DataBatch, Dataset, SkippedInput } from './types.js';
import type { ImageFolderDatasetSpec } from './schema.js';
import { DATASET_DEFAULTS } from './schema.js';
import { SkipLog } from './skip-log.js';
import { imageBatches, type Candidate } from './image-pipeline.js';
import { resolveImageTarget, type ImageTarget } from './target.js';
import { toTargetImage } from './decode.js';
import { fingerprintFiles } from './fingerprint.js';
import { byCodePoint, displayPath, listFiles } from './walk.js';

/**
 * A folder with one subfolder per class (the torchvision ImageFolder convention). Class names are the
 * sorted subfolder names unless the config or the model gives them; a subfolder not in that list, and
 * files outside any class subfolder, are skipped and listed. Only file paths are held in memory.
 */
export class ImageFolderDataset implements Dataset {
  readonly kind = 'image-folder' as const;
  readonly groupColumns: string[] = [];
  readonly size = null;
  private readonly skips = new SkipLog();

  private constructor(
    readonly description: string,
    readonly classNames: string[],
    private readonly root: string,
    private readonly baseDir: string,
    /** Every file under root in dataset order, relative to root. */
    private readonly files: string[],
    private readonly target: ImageTarget,
    private readonly spec: ImageFolderDatasetSpec,
    private readonly includeImagesByDefault: boolean,
  ) {}

  static async open(spec: ImageFolderDatasetSpec, model: ModelSpec | null, baseDir: string, includeImages = false, meta?: Pick<ModelMeta, 'sampleShape' | 'layout'>): Promise<ImageFolderDataset> {
    const root = path.resolve(baseDir, spec.root);
    const st = await stat(root).catch(() => null);
    if (!st?.isDirectory()) {
      throw new Error(`dataset.root: ${spec.root} ${st ? 'is not a folder' : 'does not exist'} (resolved to ${root}); it must be a folder with one subfolder per class`);
    }
    const subfolders: string[] = [];
    for (const e of await readdir(root, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory() || (e.isSymbolicLink() && (await stat(path.join(root, e.name)).catch(() => null))?.isDirectory())) subfolders.push(e.name);
    }
    subfolders.sort(byCodePoint);
    const classNames = spec.class_names ?? model?.classNames ?? subfolders;
    if (classNames.length === 0) {
      throw new Error(`dataset.root: ${spec.root} has no class subfolders; put each class's images in a subfolder named after the class`);
    }
    const target = resolveImageTarget(spec, model, undefined, meta);
    const files = await listFiles(root);
    const description = `image folder ${spec.root} (${files.length} files, ${classNames.length} classes)`;
    return new ImageFolderDataset(description, classNames, root, baseDir, files, target, spec, includeImages);
  }

  skipped(): SkippedInput[] {
    return this.skips.list();
  }

  async fingerprint(): Promise<string> {
    return fingerprintFiles(
      this.files.map((f) => ({ name: f, path: path.join(this.root, f) })),
      { type: 'image-folder', limit: this.spec.limit, classNames: this.classNames, target: this.target },
    );
  }

  batches(batchSize: number, options: BatchOptions = {}): AsyncGenerator<DataBatch> {
    return imageBatches(this.candidates(), {
      batchSize,
      limit: this.spec.limit ?? null,
      concurrency: this.spec.concurrency ?? DATASET_DEFAULTS.concurrency,
      target: this.target,
      includeImages: options.images ?? this.includeImagesByDefault,
      groupColumns: [],
      skips: this.skips,
    });
  }

  private async *candidates(): AsyncGenerator<Candidate> {
    const classIndex = new Map(this.classNames.map((n, i) => [n, i]));
    for (const rel of this.files) {
      const abs = path.join(this.root, rel);
      const source = displayPath(this.baseDir, abs);
      const slash = rel.indexOf('/');
      if (slash < 0) {
        yield { kind: 'skip', source, reason: 'file is not inside a class subfolder' };
        continue;
      }
      const cls = rel.slice(0, slash);
      const label = classIndex.get(cls);
      if (label === undefined) {
        yield { kind: 'skip', source, reason: `class folder '${cls}' is not in the class list (${this.classNames.join(', ')})` };
        continue;
      }
      yield { kind: 'sample', source, id: rel, label, groups: {}, load: () => toTargetImage(abs, this.target) };
    }
  }
}
