import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RawImage } from '../../src/data/types.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

export async function loadPng(path: string): Promise<RawImage> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
}

export function loadClean(name: 'astronaut' | 'coffee'): Promise<RawImage> {
  return loadPng(join(FIXTURES, 'data', 'images', `${name}.png`));
}

export function loadGolden(name: string, corruption: string, severity: number): Promise<RawImage> {
  return loadPng(join(FIXTURES, 'golden', 'corruptions', name, `${corruption}_s${severity}.png`));
}

export interface SeedStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface GoldenStats {
  mean_abs_diff: SeedStats;
  psnr_db: SeedStats;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const GOLDEN_JSON: any = JSON.parse(readFileSync(join(FIXTURES, 'golden', 'corruptions.json'), 'utf8'));

export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

export function maxAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function psnr(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (s / a.length));
}
