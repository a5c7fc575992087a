import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corrupt } from '../../attacks/corruptions/index.js';
import { corruptionsProbe, type CorruptionsOptions } from '../../attacks/corruptions/probe.js';
import { rawImagesToBatch } from '../../src/data/convert.js';
import { openDataset } from '../../src/data/open.js';
import type { Dataset, RawImage } from '../../src/data/types.js';
import { loadModel } from '../../src/models/load.js';
import type { Model, ModelSpec } from '../../src/models/types.js';
import { silentProgress } from '../../src/progress.js';
import { Rng } from '../../src/random.js';
import type { ProbeContext } from '../../src/runner/probe.js';
import { argmaxRows } from '../../src/tensor.js';
import { compileSchema } from '../../src/config/ajv.js';
import { FIXTURES } from './golden.js';

const ROOT = join(FIXTURES, '..');
const spec: ModelSpec = {
  path: join(FIXTURES, 'models', 'fmnist_cnn.onnx'),
  layout: 'NCHW',
  inputSize: [28, 28],
  channels: 1,
  pixelRange: [0, 1],
  outputs: 'logits',
  threads: 1,
};

let model: Model;
let dataset: Dataset;

function context(seed = 5): ProbeContext {
  return {
    model,
    dataset,
    seed,
    batchSize: 32,
    progress: silentProgress,
    resolvePath: (p) => join(ROOT, p),
    clean: () => Promise.reject(new Error('not used')),
    perSample: false,
    loadModel: (p) => loadModel({ ...spec, path: p }),
  };
}

/** An independent count: corrupt in-process with the documented per-sample seed and classify. */
async function referenceAccuracy(name: string, severity: number, seed: number, n: number): Promise<number> {
  const images: RawImage[] = [];
  const labels: number[] = [];
  for await (const b of dataset.batches(64, { images: true })) {
    for (let i = 0; i < b.labels.length && images.length < n; i++) {
      const s = Rng.derive(seed, `corruptions/sample/${b.indices[i]}`).nextUint32();
      images.push(await corrupt(b.images![i], name, severity, { seed: s }));
      labels.push(b.labels[i]);
    }
    if (images.length >= n) break;
  }
  const preds = argmaxRows(await model.predict(rawImagesToBatch(images, 'NCHW')), 10);
  return preds.filter((p, i) => p === labels[i]).length / n;
}

describe('corruptions probe options schema', () => {
  it('compiles in strict mode, fills defaults and rejects unknown names with the choices', () => {
    // the config embeds each probe's schema as a property (where the root default applies)
    const inConfig = compileSchema({ type: 'object', properties: { corruptions: corruptionsProbe.optionsSchema } }, { strict: true, useDefaults: true });
    const config: Record<string, unknown> = { corruptions: {} };
    expect(inConfig(config)).toBe(true);
    expect(config.corruptions).toEqual({ corruptions: 'benchmark', severities: [1, 2, 3, 4, 5], parameter_set: 'auto', examples: 1 });
    const validate = (o: unknown) => inConfig({ corruptions: o });
    expect(validate({ corruptions: ['fog', 'spatter'], severities: [5], parameter_set: 'cifar', seed: 3, max_samples: 10 })).toBe(true);
    expect(validate({ corruptions: ['rain'] })).toBe(false);
    expect(validate({ corruptions: 'some' })).toBe(false);
    expect(validate({ severities: [0] })).toBe(false);
    expect(validate({ unknown_option: 1 })).toBe(false);
  });
});

describe('corruptions probe', () => {
  beforeAll(async () => {
    model = await loadModel(spec);
    dataset = await openDataset(
      { type: 'idx', images: 'fixtures/data/fmnist_test1000-images-idx3-ubyte', labels: 'fixtures/data/fmnist_test1000-labels-idx1-ubyte' },
      { spec },
      ROOT,
    );
  });

  it('counts accuracy per corruption × severity exactly as corrupting and classifying by hand', async () => {
    const options: CorruptionsOptions = { corruptions: ['gaussian_noise', 'fog', 'jpeg_compression', 'glass_blur'], severities: [1, 5], max_samples: 70, examples: 2 };
    const out = await corruptionsProbe.run(context(), options);
    const m = out.metrics as Record<string, any>;
    expect(m.n).toBe(70);
    for (const c of options.corruptions as string[]) {
      for (const s of [1, 5]) {
        expect(m[c][String(s)].n).toBe(70);
        expect(m[c][String(s)].accuracy, `${c} s${s}`).toBe(await referenceAccuracy(c, s, 5, 70));
        expect(m[c][String(s)].error).toBeCloseTo(1 - m[c][String(s)].accuracy, 15);
      }
    }
    // severity 5 noise hurts this small CNN
    expect(m.gaussian_noise['5'].accuracy).toBeLessThan(m.gaussian_noise['1'].accuracy);
    // 10 classes: no AlexNet mCE, with the reason
    expect(m.mce.value).toBeNull();
    expect(m.mce.reason).toMatch(/1000-class/);
    expect(out.notes!.join(' ')).toMatch(/CIFAR-10-C/);
    const ex = (out.artifacts as any).examples;
    expect(ex).toHaveLength(2);
    expect(ex[0].corrupted.fog['5'].image).toMatch(/^data:image\/png;base64,/);
  });

  it('CE against the same model as baseline is exactly 100 for every corruption', async () => {
    const out = await corruptionsProbe.run(context(9), {
      corruptions: 'benchmark',
      severities: [3],
      max_samples: 40,
      examples: 0,
      baseline_model: 'fixtures/models/fmnist_cnn.onnx',
    });
    const m = out.metrics as Record<string, any>;
    expect(m.mce_baseline).toBe('baseline_model');
    expect(m.mce).toBeCloseTo(100, 10);
    expect(m.fog.ce).toBeCloseTo(100, 10);
    expect(m.baseline.mean_accuracy).toBeCloseTo(m.mean_accuracy, 15);
  });

  it('per-sample records add up to the table', async () => {
    const out = await corruptionsProbe.run({ ...context(), perSample: true }, { corruptions: ['fog', 'contrast'], severities: [2, 4], max_samples: 50, examples: 0 });
    const m = out.metrics as Record<string, any>;
    const ps = out.perSample!;
    expect(ps.ids).toHaveLength(50);
    expect(ps.ids[0]).toBe('row:0');
    const totalCorrect = (ps.fields.corrupted_correct as number[]).reduce((a, b) => a + b, 0);
    const fromTable = ['fog', 'contrast'].flatMap((c) => ['2', '4'].map((s) => m[c][s].accuracy * 50)).reduce((a, b) => a + b, 0);
    expect(totalCorrect).toBeCloseTo(fromTable, 9);
    expect((ps.fields.clean_correct as boolean[]).filter(Boolean).length / 50).toBeCloseTo(m.clean_accuracy, 12);
    expect(Math.max(...(ps.fields.corrupted_accuracy as number[]))).toBeLessThanOrEqual(1);
  });

  it('gives the same numbers from worker threads and in-process', async () => {
    const o = { corruptions: ['snow', 'elastic_transform'], severities: [2], max_samples: 40, examples: 0 };
    const a = await corruptionsProbe.run(context(), { ...o, threads: 0 });
    const b = await corruptionsProbe.run(context(), { ...o, threads: 2 });
    expect(b.metrics).toEqual(a.metrics);
    expect(a.notes!.join(' ')).toMatch(/in-process/);
    // `npm test` compiles dist/ first, so the compiled worker exists and the pool really uses threads
    expect(b.notes!.join(' ')).toMatch(/in worker threads/);
  });
});

describe('corruption pool', () => {
  it('returns the same bytes as in-process corruption and fails (not hangs) after a worker dies', async () => {
    const { CorruptionPool } = await import('../../attacks/corruptions/pool.js');
    const img: RawImage = { data: new Uint8Array(24 * 24 * 3).map((_, i) => (i * 37) % 256), width: 24, height: 24, channels: 3 };
    const pool = new CorruptionPool(2);
    expect(pool.mode).toBe('workers');
    const [a, b] = await Promise.all([pool.run({ image: img, name: 'spatter', severity: 2, seed: 4 }), pool.run({ image: img, name: 'frost', severity: 3, seed: 4 })]);
    expect(Buffer.compare(Buffer.from(a.data), Buffer.from((await corrupt(img, 'spatter', 2, { seed: 4 })).data))).toBe(0);
    expect(Buffer.compare(Buffer.from(b.data), Buffer.from((await corrupt(img, 'frost', 3, { seed: 4 })).data))).toBe(0);
    // a task error comes back as a rejection with the worker's message
    await expect(pool.run({ image: img, name: 'rain', severity: 1, seed: 0 })).rejects.toThrow(/unknown corruption "rain"/);
    // kill the workers behind the pool's back: pending and later tasks reject
    await Promise.all((pool as unknown as { workers: { terminate(): Promise<number> }[] }).workers.map((w) => w.terminate()));
    await expect(pool.run({ image: img, name: 'fog', severity: 1, seed: 0 })).rejects.toThrow(/exited unexpectedly/);
    await pool.close();
  });
});
