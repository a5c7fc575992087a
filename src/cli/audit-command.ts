import type { Command } from 'commander';
import { relative } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { UsageError } from '../config/errors.js';
import { outputDir, runAudit } from '../runner/audit.js';
import { stderrProgress } from '../progress.js';
import { writeAuditOutputs, type ReportFormat } from './write-outputs.js';

export function parseFormats(s: string | undefined): ReportFormat[] | undefined {
  if (s === undefined) return undefined;
  const parts = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const p of parts) if (!['html', 'markdown', 'junit'].includes(p)) throw new UsageError(`--format: unknown format "${p}" (html, markdown, junit)`);
  return parts as ReportFormat[];
}

export function parseSeed(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new UsageError(`--seed must be a non-negative integer, got "${s}"`);
  return Number(s);
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('Run the audit a config describes; write results.json and reports; exit 1 when a gate fails.')
    .argument('<config>', 'audit config (YAML or JSON)')
    .option('-o, --out <dir>', 'output folder (default: output.dir, else beside the config)')
    .option('--seed <n>', "override the config's seed")
    .option('--format <list>', 'reports to write besides results.json: html,markdown,junit')
    .option('--junit <file>', 'also write JUnit XML (one test case per gate) to this file')
    .option('--per-sample', 'include per-sample records in results.json')
    .option('-q, --quiet', 'no progress output')
    .action(async (configPath: string, o: { out?: string; seed?: string; format?: string; junit?: string; perSample?: boolean; quiet?: boolean }) => {
      const loaded = await loadConfigFile(configPath);
      const progress = stderrProgress({ quiet: o.quiet });
      const { results, exitCode } = await runAudit(loaded, { progress, seed: parseSeed(o.seed), perSample: o.perSample });
      const dir = outputDir(loaded, o.out);
      const files = await writeAuditOutputs(results, dir, parseFormats(o.format) ?? loaded.config.output.formats, {
        junitPath: o.junit,
        insufficientFails: loaded.config.gate_settings.on_insufficient === 'fail',
      });
      if (!o.quiet) {
        for (const f of files) process.stderr.write(`faultline: wrote ${relative(process.cwd(), f) || f}\n`);
        for (const g of results.gates) process.stderr.write(`faultline: gate ${g.status.padEnd(12)} ${g.id} — ${g.message}\n`);
        process.stderr.write(`faultline: verdict ${results.verdict} (exit ${exitCode})\n`);
      }
      process.exitCode = exitCode;
    });
}
