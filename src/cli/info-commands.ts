import type { Command } from 'commander';
import { configSchema } from '../config/load.js';
import { UsageError } from '../config/errors.js';
import { resultsSchema } from '../results/write.js';
import { PROBES } from '../runner/registry.js';

export function registerInfoCommands(program: Command): void {
  program
    .command('schema')
    .description('Print the JSON Schema of the audit config or of results.json.')
    .argument('[which]', 'config | results', 'config')
    .action((which: string) => {
      if (which !== 'config' && which !== 'results') throw new UsageError(`schema: expected "config" or "results", got "${which}"`);
      process.stdout.write(JSON.stringify(which === 'config' ? configSchema() : resultsSchema(), null, 2) + '\n');
    });
  program
    .command('probes')
    .description('List the probes an audit can run.')
    .action(() => {
      for (const p of PROBES) process.stdout.write(`${p.name.padEnd(14)} ${p.title}${p.needsModel ? '' : ' (works on predictions only)'}\n`);
    });
}
