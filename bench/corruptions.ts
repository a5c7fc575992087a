import { join } from 'node:path';
import sharp from 'sharp';
import { ALL_CORRUPTIONS, corrupt, loadFrostTextures, SEVERITIES } from '../attacks/corruptions/index.js';
import { CorruptionPool } from '../attacks/corruptions/pool.js';
import type { RawImage } from '../src/data/types.js';
import { packageRoot } from '../src/paths.js';

/** Reference timings measured for imagecorruptions (Python) on this class of machine, per 224×224 image (issue 5). */
const REFERENCE_ALL_19_MS = 500;
const TARGET_ALL_19_MS = 50;

async function load(name: string): Promise<RawImage> {
  const { data, info } = await sharp(join(packageRoot(), 'fixtures', 'data', 'images', `${name}.png`))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}

/**
 * Corruption speed on 224×224 images, one core (main thread, frost textures preloaded): ms per image per
 * corruption at severity 3 (median of `repeats`, after two warm-up sweeps), the sum over all 19, and the full
 * 19 × 5 sweep in images/s — in-process and through the 2-thread worker pool.
 */
export async function benchCorruptions(repeats = 15): Promise<{ title: string; markdown: string }> {
  const images = [await load('astronaut'), await load('coffee')];
  const frostTextures = await loadFrostTextures();
  // warm-up: two full sweeps, so the per-corruption timings below are steady-state (an audit corrupts
  // thousands of images; the first few of each kind run before V8 has optimised the hot loops)
  let w = 0;
  for (let rep = 0; rep < 2; rep++) for (const name of ALL_CORRUPTIONS) for (const s of SEVERITIES) await corrupt(images[w % 2], name, s, { seed: w++, frostTextures });
  const rows: string[] = [];
  let total = 0;
  for (const name of ALL_CORRUPTIONS) {
    const times: number[] = [];
    for (let r = 0; r <= repeats; r++) {
      const img = images[r % 2];
      const t0 = performance.now();
      await corrupt(img, name, 3, { seed: r, frostTextures });
      if (r > 0) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const med = times[times.length >> 1];
    total += med;
    rows.push(`| ${name} | ${med.toFixed(2)} |`);
  }
  // full sweep, one core
  const t0 = performance.now();
  let count = 0;
  for (const name of ALL_CORRUPTIONS) {
    for (const s of SEVERITIES) {
      await corrupt(images[count % 2], name, s, { seed: count, frostTextures });
      count++;
    }
  }
  const sweepOne = count / ((performance.now() - t0) / 1000);
  // full sweep through the worker pool (both cores)
  const pool = new CorruptionPool(2);
  let k = 0;
  const sweep = (reps: number) => {
    const jobs: Promise<RawImage>[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const name of ALL_CORRUPTIONS) for (const s of SEVERITIES) jobs.push(pool.run({ image: images[k % 2], name, severity: s, seed: k++ }));
    }
    return Promise.all(jobs);
  };
  await sweep(2); // warm-up: the workers compile their hot loops (the main thread was warmed above)
  const t1 = performance.now();
  const timed = await sweep(4);
  const sweepPool = timed.length / ((performance.now() - t1) / 1000);
  const poolMode = pool.mode;
  await pool.close();
  const markdown = [
    `All 19 corruptions at severity 3 on one 224×224 image, one core: **${total.toFixed(1)} ms** (target < ${TARGET_ALL_19_MS} ms; imagecorruptions ≈ ${REFERENCE_ALL_19_MS} ms, so ${(REFERENCE_ALL_19_MS / total).toFixed(1)}× faster).`,
    '',
    `Full 19 × 5 sweep: ${sweepOne.toFixed(1)} corrupted images/s on one core; ${sweepPool.toFixed(1)} images/s through the worker pool (${poolMode}, 2 threads).`,
    '',
    '| corruption (severity 3) | ms / image |',
    '|---|---|',
    ...rows,
  ].join('\n');
  return { title: 'Natural corruptions (224×224)', markdown };
}
