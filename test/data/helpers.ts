import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { DataBatch, Dataset } from '../../src/data/types.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'faultline-data-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Write a PNG from raw uint8 HWC pixels. */
export async function writePng(file: string, data: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await sharp(Buffer.from(data), { raw: { width, height, channels } }).png().toFile(file);
}

/** Deterministic test pixels: value depends on position, channel and a seed. */
export function pattern(width: number, height: number, channels: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  for (let i = 0; i < out.length; i++) out[i] = (i * 37 + seed * 101 + ((i * i) % 13)) % 256;
  return out;
}

export async function writeText(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

export async function collect(ds: Dataset, batchSize: number, images = false): Promise<DataBatch[]> {
  const out: DataBatch[] = [];
  for await (const b of ds.batches(batchSize, { images })) out.push(b);
  return out;
}
