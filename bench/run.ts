import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';
import { benchPerformance, type BenchSection } from './performance.js';
import { benchGradients } from './gradients.js';
import { benchFairness } from './fairness.js';
import { benchAdversarial } from './adversarial.js';
import { benchCorruptions } from './corruptions.js';

/**
 * `npm run bench`: every benchmark in turn, written to BENCHMARKS.md with the machine and date.
 * Speed targets live here, never in unit tests. Pass names to run a subset: `npm run bench -- gradients`.
 */
const BENCHES: Record<string, () => Promise<BenchSection>> = {
  performance: () => benchPerformance(),
  gradients: () => benchGradients(),
  adversarial: () => benchAdversarial(),
  corruptions: () => benchCorruptions(),
  fairness: () => benchFairness(),
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const sections: BenchSection[] = [];
  for (const [name, fn] of Object.entries(BENCHES)) {
    if (only.length && !only.includes(name)) continue;
    process.stderr.write(`bench: ${name}…\n`);
    const t0 = performance.now();
    try {
      sections.push(await fn());
    } catch (e) {
      sections.push({ title: name, markdown: `FAILED: ${(e as Error).message}` });
    }
    process.stderr.write(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const cpu = cpus();
  const header = [
    '# faultline benchmarks',
    '',
    `Measured ${new Date().toISOString()} on ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}.`,
    'Regenerate with `npm run bench`.',
    '',
  ];
  const out = join(packageRoot(), 'BENCHMARKS.md');
  // A partial run (`npm run bench -- fairness`) keeps the other sections of the previous file.
  const previous = existsSync(out) ? readFileSync(out, 'utf8').split(/^## /m).slice(1) : [];
  const fresh = new Map(sections.map((s) => [s.title, s.markdown]));
  const kept = previous
    .map((chunk) => {
      const title = chunk.split('\n', 1)[0].trim();
      return { title, markdown: chunk.slice(chunk.indexOf('\n') + 1).trim() };
    })
    .filter((s) => !fresh.has(s.title));
  const body = [...kept, ...sections].flatMap((s) => [`## ${s.title}`, '', s.markdown.trim(), '']);
  writeFileSync(out, [...header, ...body].join('\n'));
  process.stderr.write(`bench: wrote ${out}\n`);
}

await main();
