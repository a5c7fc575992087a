import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/**
 * An image-folder audit where one file is corrupt and one is not an image: both are reported with
 * their reason and the audit still runs on the rest.
 */
describe('audit over an image folder with bad inputs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    const images = readFileSync(join(ROOT, 'fixtures/data/fmnist_test1000_images_u8.bin'));
    const labels = readFileSync(join(ROOT, 'fixtures/data/fmnist_test1000_labels_u8.bin'));
    const folder = (k: number) => join(dir, 'data', `c${k}`);
    for (let k = 0; k < 10; k++) mkdirSync(folder(k), { recursive: true });
    for (let i = 0; i < 50; i++) {
      const png = await sharp(images.subarray(i * 784, (i + 1) * 784), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
      writeFileSync(join(folder(labels[i]), `img${String(i).padStart(3, '0')}.png`), png);
    }
    writeFileSync(join(folder(0), 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\n this is not really a png'));
    writeFileSync(join(folder(1), 'notes.txt'), 'not an image');
    writeFileSync(
      join(dir, 'audit.yaml'),
      `model:
  path: ${join(ROOT, 'fixtures/models/fmnist_cnn.onnx')}
  layout: NCHW
  input_size: [28, 28]
  channels: 1
  outputs: logits
  class_names: ${JSON.stringify(CLASSES.map((_, k) => `c${k}`))}
dataset:
  type: image-folder
  root: data
gates:
  - performance.accuracy >= 0.5
`,
    );
  });

  it('lists the corrupt file and the non-image with reasons, and audits the rest', () => {
    const r = runCli(['audit', join(dir, 'audit.yaml'), '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.dataset.samples).toBe(50);
    const sources = results.dataset.skipped.map((s: { source: string }) => s.source).sort();
    expect(sources).toEqual(['data/c0/broken.png', 'data/c1/notes.txt']);
    for (const s of results.dataset.skipped) expect(s.reason.length).toBeGreaterThan(5);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('data/c0/broken.png');
  });
});
