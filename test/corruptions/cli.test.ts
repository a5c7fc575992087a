import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { corrupt } from '../../attacks/corruptions/index.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { loadClean, loadPng, meanAbsDiff } from './golden.js';

const COFFEE = join(ROOT, 'fixtures', 'data', 'images', 'coffee.png');

describe('faultline corrupt', () => {
  it('writes the same bytes as the library for the same seed', async () => {
    const out = join(tempDir(), 'fog.png');
    const r = runCli(['corrupt', COFFEE, '--corruption', 'fog', '--severity', '3', '--seed', '1', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ImageNet-C parameters for a 224x224 image/);
    const written = await loadPng(out);
    const expected = await corrupt(await loadClean('coffee'), 'fog', 3, { seed: 1 });
    expect(meanAbsDiff(written.data, expected.data)).toBe(0);
  });

  it('--grid writes a labelled corruption × severity contact sheet', async () => {
    const out = join(tempDir(), 'grid.png');
    const r = runCli(['corrupt', COFFEE, '--grid', '--corruptions', 'fog,contrast', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const meta = await sharp(out).metadata();
    // 150 px label column + 6 cells of 160 + 4 px; 24 px header + 2 rows
    expect([meta.width, meta.height]).toEqual([150 + 6 * 164, 24 + 2 * 164]);
  });

  it('explains a bad corruption name or severity and exits 2', () => {
    const out = join(tempDir(), 'x.png');
    const r = runCli(['corrupt', COFFEE, '--corruption', 'rain', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown corruption "rain"; choose one of gaussian_noise/);
    const s = runCli(['corrupt', COFFEE, '--corruption', 'fog', '--severity', '9', '-o', out]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--severity must be an integer 1–5/);
  });
});
