import { Command, CommanderError } from 'commander';
import { AuditRunError, ConfigError, UsageError } from '../config/errors.js';
import { packageVersion } from '../paths.js';
import { registerAuditCommand } from './audit-command.js';
import { registerReportCommand } from './report-command.js';
import { registerInspectCommand } from './inspect-command.js';
import { registerFairnessCommand } from './fairness-command.js';
import { registerCorruptCommand } from './corrupt-command.js';
import { registerInfoCommands } from './info-commands.js';

/**
 * faultline's command line. Exit codes: 0 every blocking gate passed; 1 a gate failed;
 * 2 usage or config error; 3 the audit could not run.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('faultline')
    .description('Audit a trained model before it ships: robustness, corruptions, fairness — as a report and CI gates.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerAuditCommand(program);
  registerReportCommand(program);
  registerInspectCommand(program);
  registerFairnessCommand(program);
  registerCorruptCommand(program);
  registerInfoCommands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return handleError(e);
  }
}

export function handleError(e: unknown): number {
  if (e instanceof CommanderError) {
    // --help and --version exit through here with code 0
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    return 2;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`faultline: ${e.message}\n`);
    return 2;
  }
  if (e instanceof AuditRunError) {
    process.stderr.write(`faultline: the audit could not run: ${e.message}\n`);
    return 3;
  }
  const err = e as Error;
  process.stderr.write(`faultline: unexpected error: ${err?.stack ?? String(e)}\n`);
  return 3;
}

