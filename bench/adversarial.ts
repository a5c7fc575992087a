import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgd } from '../attacks/adversarial/pgd.js';
import { loadModel } from '../src/models/load.js';
import { packageRoot } from '../src/paths.js';
import type { BenchSection } from './performance.js';

/** PGD-10 (L∞) images/s on the fixture CNN at batch 128, through the exact ONNX gradient graph. */
export async function benchAdversarial(): Promise<BenchSection> {
  const root = packageRoot();
  const u8 = readFileSync(join(root, 'fixtures/data/fmnist_test1000_images_u8.bin'));
  const n = 512;
  const x = { data: Float32Array.from(u8.subarray(0, n * 784), (v) => v / 255), shape: [n, 1, 28, 28] };
  const labels = Int32Array.from(readFileSync(join(root, 'fixtures/data/fmnist_test1000_labels_u8.bin')).subarray(0, n));
  const model = await loadModel({ path: join(root, 'fixtures/models/fmnist_cnn.onnx'), layout: 'NCHW', pixelRange: [0, 1], outputs: 'logits', batchSize: 128 });
  await pgd(model, x, labels, { eps: [8 / 255], steps: 2 }); // warm-up (builds the gradient graph)
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await pgd(model, x, labels, { eps: [8 / 255], steps: 10 });
    times.push(performance.now() - t0);
  }
  await model.dispose();
  const med = [...times].sort((a, b) => a - b)[1];
  return {
    title: 'Adversarial: PGD-10',
    markdown: [
      `fmnist_cnn.onnx, ${n} images, batch 128, L∞ ε = 8/255, 10 steps (+1 forward for the final iterate), median of 3.`,
      '',
      `| attack | images/s |`,
      '|---|---|',
      `| PGD-10 (per-sample worst case tracked) | ${((n / med) * 1000).toFixed(0)} |`,
    ].join('\n'),
  };
}
