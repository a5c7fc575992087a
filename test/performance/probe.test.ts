import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topConfidence } from '../../metrics/performance/classification.js';
import { parseConfigText } from '../../src/config/load.js';
import type { BatchOptions, DataBatch, Dataset } from '../../src/data/types.js';
import type { Model } from '../../src/models/types.js';
import { silentProgress } from '../../src/progress.js';
import { Rng } from '../../src/random.js';
import { runAudit } from '../../src/runner/audit.js';
import { computeCleanPass } from '../../src/runner/clean-pass.js';
import { openDataset } from '../../src/data/open.js';
import { loadModel } from '../../src/models/load.js';
import { argmaxRows, softmaxRows } from '../../src/tensor.js';
import { ROOT } from '../helpers/cli.js';

const FIX = join(ROOT, 'fixtures');
// Made with the code before the clean pass and the probe were reworked for speed (per-batch chunks,
// string ids, a full softmax with Math.exp): the output must not change, except that confidences now
// come from faultline's own exponential (metrics/performance/softmax.ts, within 1 ulp of Math.exp), so
// numbers derived from them (ECE, bin confidences) may differ in their last bits: 1e-12 relative.
const golden = JSON.parse(readFileSync(join(ROOT, 'test/performance/golden-performance.json'), 'utf8'));

/** `got` equals `want` with every number within `rel` relative (absolute near 0) and everything else exact; the first difference's path, or null. */
function closeDiff(got: unknown, want: unknown, rel: number, path = ''): string | null {
  if (typeof want === 'number' && typeof got === 'number') {
    return Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)) ? null : `${path}: ${got} vs ${want}`;
  }
  if (Array.isArray(want) && Array.isArray(got)) {
    if (got.length !== want.length) return `${path}: length ${got.length} vs ${want.length}`;
    for (let i = 0; i < want.length; i++) {
      const d = closeDiff(got[i], want[i], rel, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (want && got && typeof want === 'object' && typeof got === 'object') {
    const keys = Object.keys(want as object);
    if (JSON.stringify(Object.keys(got as object).sort()) !== JSON.stringify([...keys].sort())) return `${path}: keys differ`;
    for (const k of keys) {
      const d = closeDiff((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], rel, `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(got, want) ? null : `${path}: ${String(got)} vs ${String(want)}`;
}

const config = (o: { outputs: string; batch: number; limit?: number }) => `model:
  path: ${FIX}/models/fmnist_cnn.onnx
  layout: NCHW
  input_size: [28, 28]
  channels: 1
  outputs: ${o.outputs}
  batch_size: ${o.batch}
dataset:
  type: idx
  images: ${FIX}/data/fmnist_test1000-images-idx3-ubyte
  labels: ${FIX}/data/fmnist_test1000-labels-idx1-ubyte
${o.limit ? `  limit: ${o.limit}\n` : ''}probes:
  performance: {}
output:
  per_sample: true
`;

describe('performance probe', () => {
  it('gives the reference metrics, calibration bins and per-sample records on the fixture', async () => {
    const cases = { default: { outputs: 'logits', batch: 128 }, odd: { outputs: 'logits', batch: 37, limit: 999 }, probs: { outputs: 'probabilities', batch: 64 } };
    for (const [name, o] of Object.entries(cases)) {
      const { results } = await runAudit(parseConfigText(config(o), 'audit.yaml', ROOT));
      const p = results.probes.performance;
      const got = {
        metrics: p.metrics,
        artifacts: p.artifacts,
        findings: p.findings,
        samples: results.dataset.samples,
        perSampleSha256: createHash('sha256').update(JSON.stringify(p.perSample)).digest('hex'),
      };
      expect(closeDiff(JSON.parse(JSON.stringify(got)), golden[name], 1e-12), name).toBeNull();
    }
    expect(golden.default.metrics.accuracy).toBe(0.893);
  });

  it('topConfidence is softmax(row)[pred] as softmaxRows computes it, within 4 ulps (NaN where it is NaN)', () => {
    const rng = new Rng(7);
    const C = 7;
    const rows: number[][] = Array.from({ length: 500 }, () => Array.from({ length: C }, () => (rng.next() - 0.5) * 60));
    rows.push([1, 1, 1, 1, 1, 1, 1], [-Infinity, 0, 0, 0, 0, 0, 0], [NaN, 0, 0, 0, 0, 0, 0], [Infinity, 0, 0, 0, 0, 0, 0], [1e30, -1e30, 0, 0, 0, 0, 3]);
    const logits = Float32Array.from(rows.flat());
    const preds = argmaxRows(logits, C);
    const probs = softmaxRows(logits, C);
    const conf = topConfidence(logits, preds, C, 'logits');
    for (let i = 0; i < preds.length; i++) {
      const want = probs[i * C + preds[i]];
      if (Number.isNaN(want)) expect(conf[i], `row ${i}`).toBeNaN();
      else expect(Math.abs(conf[i] - want), `row ${i}`).toBeLessThanOrEqual(4 * Number.EPSILON * want);
    }
    const asProbs = topConfidence(logits, preds, C, 'probabilities');
    for (let i = 0; i < preds.length; i++) expect(Object.is(asProbs[i], logits[i * C + preds[i]])).toBe(true);
  });
});

describe('clean pass', () => {
  /** A model that answers row r of every batch with logits [r, 2r, …] shifted by the sample's first pixel. */
  const model: Model = {
    meta: { numClasses: 3 } as Model['meta'],
    gradientMode: 'none',
    predict: async (x) => {
      const n = x.shape[0];
      const per = x.data.length / n;
      return Float32Array.from({ length: n * 3 }, (_, k) => x.data[Math.floor(k / 3) * per] * ((k % 3) - 1));
    },
    gradient: async () => {
      throw new Error('no gradients');
    },
    dispose: async () => {},
  };

  function dataset(size: number | null, idRows: boolean): Dataset {
    const total = 10;
    return {
      kind: 'tabular',
      description: 'stub',
      classNames: ['a', 'b', 'c'],
      groupColumns: ['g'],
      size,
      skipped: () => [],
      fingerprint: async () => 'x',
      async *batches(batchSize: number, _opts?: BatchOptions): AsyncGenerator<DataBatch> {
        for (let s = 0; s < total; s += batchSize) {
          const n = Math.min(batchSize, total - s);
          const rows = Int32Array.from({ length: n }, (_, k) => 100 + s + k);
          yield {
            x: { data: Float32Array.from({ length: n * 2 }, (_, k) => (k % 2 ? 0 : s + k / 2 - 4.5)), shape: [n, 2] },
            labels: Int32Array.from({ length: n }, (_, k) => (s + k) % 3),
            ids: Array.from(rows, (r) => `row:${r}`),
            ...(idRows ? { idRows: rows } : {}),
            indices: Array.from({ length: n }, (_, k) => s + k),
            groups: { g: Array.from({ length: n }, (_, k) => ((s + k) % 2 ? 'odd' : 'even')) },
          };
        }
      },
    };
  }

  it('gives the same ids, labels, logits, predictions and groups whatever the size hint and id form', async () => {
    const passes = [];
    for (const size of [10, 4, null, 25]) {
      for (const idRows of [true, false]) passes.push(await computeCleanPass(model, dataset(size, idRows), 4, silentProgress));
    }
    const ref = passes[0];
    expect(ref.ids).toEqual(Array.from({ length: 10 }, (_, i) => `row:${100 + i}`));
    expect(Array.from(ref.labels)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
    expect(ref.logits.length).toBe(30);
    expect(Array.from(ref.logits.subarray(0, 3))).toEqual([4.5, -0, -4.5]);
    expect(Array.from(ref.preds)).toEqual(Array.from(argmaxRows(ref.logits, 3)));
    expect(ref.groups.g).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 ? 'odd' : 'even')));
    for (const p of passes) {
      expect(p.ids).toEqual(ref.ids);
      expect(p.labels).toEqual(ref.labels);
      expect(p.logits).toEqual(ref.logits);
      expect(p.preds).toEqual(ref.preds);
      expect(p.groups).toEqual(ref.groups);
      expect(p.numClasses).toBe(3);
    }
  });

  /** Two batches from a generator that records whether it was closed; `failSecond` makes the second read fail. */
  function closable(failSecond: boolean): { ds: Dataset; closed: () => boolean } {
    let closed = false;
    const base = dataset(4, true);
    return {
      closed: () => closed,
      ds: {
        ...base,
        async *batches(batchSize: number): AsyncGenerator<DataBatch> {
          try {
            let k = 0;
            for await (const b of base.batches(batchSize)) {
              if (failSecond && k++ === 1) throw new Error('read failed: unexpected end of file');
              yield b;
            }
          } finally {
            closed = true;
          }
        },
      },
    };
  }

  it('closes the dataset when predict throws, and reports it', async () => {
    const { ds, closed } = closable(false);
    const failing: Model = { ...model, predict: async () => Promise.reject(new Error('boom')) };
    await expect(computeCleanPass(failing, ds, 4, silentProgress)).rejects.toThrow('boom');
    expect(closed()).toBe(true);
  });

  it('a read that fails while predict runs is reported, not left as an unhandled rejection', async () => {
    const { ds } = closable(true);
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      // predict spans several event-loop turns (as a fixed-batch onnxruntime model's chunked runs do)
      const slow: Model = {
        ...model,
        predict: async (x) => {
          for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
          return model.predict(x);
        },
      };
      await expect(computeCleanPass(slow, ds, 4, silentProgress)).rejects.toThrow('read failed');
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('predicts the last batch before ending the pass: another pass may take the memory an ended IDX pass releases', async () => {
    const spec = { type: 'idx' as const, images: `${FIX}/data/fmnist_test1000-images-idx3-ubyte`, labels: `${FIX}/data/fmnist_test1000-labels-idx1-ubyte` };
    const mspec = { path: `${FIX}/models/fmnist_cnn.onnx`, layout: 'NCHW' as const, pixelRange: [0, 1] as [number, number], outputs: 'logits' as const, inputSize: [28, 28] as [number, number], channels: 1 };
    const onnx = await loadModel(mspec);
    try {
      const ds = await openDataset(spec, { spec: mspec }, ROOT);
      const other = await openDataset({ ...spec, limit: 500 }, { spec: mspec }, ROOT);
      const reference = await computeCleanPass(onnx, ds, 128, silentProgress);
      // A batch of 256 needs more memory than the released one holds (growing it detaches the old
      // views); one of 128 fits and overwrites it. Either way the last batch (the 8th: 1000 = 7 × 128 +
      // 104) must be read before another pass can take its memory.
      for (const otherBatch of [256, 128]) {
        let calls = 0;
        let started: Promise<unknown> = Promise.resolve();
        const meddling: Model = {
          ...onnx,
          meta: onnx.meta,
          predict: (x) => {
            const out = onnx.predict(x);
            if (++calls === 8) {
              const it = other.batches(otherBatch, { transient: true })[Symbol.asyncIterator]();
              started = it.next().then(() => it.return?.(undefined));
            }
            return out;
          },
        };
        const pass = await computeCleanPass(meddling, ds, 128, silentProgress);
        await started;
        expect(calls).toBe(8);
        expect(Buffer.from(pass.logits.buffer).equals(Buffer.from(reference.logits.buffer)), `other pass of ${otherBatch}`).toBe(true);
      }
    } finally {
      await onnx.dispose();
    }
  });

  it('says so when the model returns a different number of classes than configured', async () => {
    const wide: Model = { ...model, predict: async (x) => new Float32Array(x.shape[0] * 5) };
    await expect(computeCleanPass(wide, dataset(10, true), 4, silentProgress)).rejects.toThrow(/5 values per sample but 3 classes/);
  });
});
