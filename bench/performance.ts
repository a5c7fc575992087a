import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseConfigText } from '../src/config/load.js';
import { packageRoot } from '../src/paths.js';
import { runAudit } from '../src/runner/audit.js';

export interface BenchSection {
  title: string;
  markdown: string;
}

/**
 * images/s of faultline's `performance` probe (IDX decode + batching + adapter + metrics) against a
 * bare onnxruntime session running the same model on the same pre-decoded batches.
 * Target: faultline within 10% of bare onnxruntime.
 */
export async function benchPerformance(repeats = 9): Promise<BenchSection> {
  const root = packageRoot();
  const modelPath = join(root, 'fixtures/models/fmnist_cnn.onnx');
  const images = readFileSync(join(root, 'fixtures/data/fmnist_test1000_images_u8.bin'));
  const batch = 128;
  const n = 1000;

  // Bare onnxruntime: the floor any tool on this runtime can reach.
  const session = await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: 'all' });
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = images[i] / 255;
  const bare = async () => {
    for (let s = 0; s < n; s += batch) {
      const m = Math.min(batch, n - s);
      const t = new ort.Tensor('float32', x.subarray(s * 784, (s + m) * 784), [m, 1, 28, 28]);
      await session.run({ input: t });
    }
  };
  await bare();
  const bareTimes: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await bare();
    bareTimes.push(performance.now() - t0);
  }
  await session.release();

  const cfg = `model:
  path: ${modelPath}
  layout: NCHW
  input_size: [28, 28]
  channels: 1
  outputs: logits
  batch_size: ${batch}
dataset:
  type: idx
  images: ${join(root, 'fixtures/data/fmnist_test1000-images-idx3-ubyte')}
  labels: ${join(root, 'fixtures/data/fmnist_test1000-labels-idx1-ubyte')}
probes:
  performance: {}
`;
  const loaded = parseConfigText(cfg, 'bench', root);
  await runAudit(loaded);
  const flTimes: number[] = [];
  const auditTimes: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const { results } = await runAudit(loaded);
    flTimes.push(results.timings.probes.performance);
    auditTimes.push(results.timings.totalMs - results.timings.modelLoadMs);
  }
  const med = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
  const bareIps = (n / med(bareTimes)) * 1000;
  const flIps = (n / med(flTimes)) * 1000;
  const auditIps = (n / med(auditTimes)) * 1000;
  const ratio = flIps / bareIps;
  return {
    title: 'Clean inference: performance probe vs bare onnxruntime',
    markdown: [
      `Fashion-MNIST CNN (fixtures/models/fmnist_cnn.onnx), ${n} images, batch ${batch}, median of ${repeats} runs.`,
      '',
      '| path | images/s |',
      '|---|---|',
      `| bare onnxruntime-node session (pre-decoded float32) | ${bareIps.toFixed(0)} |`,
      `| faultline performance probe (IDX read + decode + batching + inference + metrics) | ${flIps.toFixed(0)} |`,
      `| whole audit minus model load (adds dataset open, sha256 fingerprint, results assembly) | ${auditIps.toFixed(0)} |`,
      '',
      `faultline reaches ${(ratio * 100).toFixed(1)}% of bare onnxruntime (target ≥ 90%): ${ratio >= 0.9 ? 'met' : 'NOT met'}.`,
    ].join('\n'),
  };
}
