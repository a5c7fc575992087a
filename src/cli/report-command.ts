import type { Command } from 'commander';
import { dirname, relative } from 'node:path';
import { readResults } from '../results/write.js';
import { UsageError } from '../config/errors.js';
import { parseFormats } from './audit-command.js';
import { writeAuditOutputs } from './write-outputs.js';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('Re-render the reports from a results.json (no model, no data needed).')
    .argument('<results>', 'a results.json written by faultline audit')
    .option('-o, --out <dir>', 'output folder (default: beside results.json)')
    .option('--format <list>', 'html,markdown,junit', 'html,markdown')
    .option('--junit <file>', 'write JUnit XML to this file')
    .action(async (path: string, o: { out?: string; format?: string; junit?: string }) => {
      let results;
      try {
        results = await readResults(path);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const files = await writeAuditOutputs(results, o.out ?? dirname(path), parseFormats(o.format) ?? ['html', 'markdown'], {
        junitPath: o.junit,
        skipResults: true,
      });
      for (const f of files) process.stderr.write(`faultline: wrote ${relative(process.cwd(), f) || f}\n`);
    });
}
