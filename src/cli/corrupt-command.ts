import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { contactSheet } from '../../attacks/corruptions/contact-sheet.js';
import { ALL_CORRUPTIONS, BENCHMARK_CORRUPTIONS, corrupt, isCorruptionName, resolveParameterSet, type ParameterSet } from '../../attacks/corruptions/index.js';
import { UsageError } from '../config/errors.js';
import type { RawImage } from '../data/types.js';

interface CorruptCliOptions {
  corruption?: string;
  severity: string;
  seed: string;
  output?: string;
  grid?: boolean;
  corruptions?: string;
  params: string;
}

async function readImage(path: string): Promise<RawImage> {
  try {
    const img = sharp(resolve(path));
    const meta = await img.metadata();
    const pipeline = meta.hasAlpha ? img.removeAlpha() : img;
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    const channels = info.channels === 1 ? 1 : 3;
    if (info.channels !== channels) throw new Error(`unsupported channel count ${info.channels}`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels };
  } catch (e) {
    throw new UsageError(`cannot read image ${path}: ${(e as Error).message}`);
  }
}

function intOption(v: string, name: string, lo: number, hi: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`--${name} must be an integer ${lo}–${hi}, got "${v}"`);
  return n;
}

/** `faultline corrupt <image>`: apply one corruption, or write a corruption × severity contact sheet. */
export function registerCorruptCommand(program: Command): void {
  program
    .command('corrupt')
    .description('Apply an ImageNet-C corruption to an image (reproducibly, by seed), or write a corruption × severity contact sheet with --grid.')
    .argument('<image>', 'input image (PNG, JPEG, WebP, ...); grayscale stays grayscale')
    .option('-c, --corruption <name>', `one of: ${ALL_CORRUPTIONS.join(', ')}`)
    .option('-s, --severity <n>', 'severity 1–5', '3')
    .option('--seed <n>', 'seed of the random draws', '0')
    .option('--params <set>', "parameter set: auto (CIFAR-10-C for images up to 32×32), imagenet or cifar", 'auto')
    .option('--grid', 'write a labelled contact sheet: one row per corruption, clean + severities 1–5')
    .option('--corruptions <list>', "with --grid: comma-separated names, 'benchmark' or 'all' (default all)")
    .option('-o, --output <file>', 'output PNG')
    .action(async (path: string, o: CorruptCliOptions) => {
      if (!o.output) throw new UsageError('missing -o/--output <file.png>');
      if (!['auto', 'imagenet', 'cifar'].includes(o.params)) throw new UsageError(`--params must be auto, imagenet or cifar, got "${o.params}"`);
      const seed = intOption(o.seed, 'seed', 0, 2 ** 32 - 1);
      const params = o.params as ParameterSet | 'auto';
      const image = await readImage(path);
      const chosen = resolveParameterSet(params, image.width, image.height);
      if (params === 'auto') process.stderr.write(`faultline: using the ${chosen === 'cifar' ? 'CIFAR-10-C' : 'ImageNet-C'} parameters for a ${image.width}x${image.height} image\n`);
      let png: Buffer;
      if (o.grid) {
        const spec = o.corruptions ?? 'all';
        const list = spec === 'all' ? [...ALL_CORRUPTIONS] : spec === 'benchmark' ? [...BENCHMARK_CORRUPTIONS] : spec.split(',').map((s) => s.trim()).filter(Boolean);
        const bad = list.filter((c) => !isCorruptionName(c));
        if (bad.length) throw new UsageError(`unknown corruption(s) ${bad.join(', ')}; choose from ${ALL_CORRUPTIONS.join(', ')}`);
        png = await contactSheet(image, list, { seed, params });
      } else {
        if (!o.corruption) throw new UsageError(`missing --corruption <name>; choose one of ${ALL_CORRUPTIONS.join(', ')} (or use --grid)`);
        if (!isCorruptionName(o.corruption)) throw new UsageError(`unknown corruption "${o.corruption}"; choose one of ${ALL_CORRUPTIONS.join(', ')}`);
        const severity = intOption(o.severity, 'severity', 1, 5);
        const out = await corrupt(image, o.corruption, severity, { seed, params });
        png = await sharp(Buffer.from(out.data.buffer, out.data.byteOffset, out.data.length), {
          raw: { width: out.width, height: out.height, channels: out.channels as 1 | 3 },
        })
          .png()
          .toBuffer();
      }
      await writeFile(resolve(o.output), png);
      process.stderr.write(`faultline: wrote ${o.output}\n`);
    });
}
