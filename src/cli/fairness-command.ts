import type { Command } from 'commander';
import { dirname, relative, resolve } from 'node:path';
import { parseConfigText } from '../config/load.js';
import { UsageError } from '../config/errors.js';
import { runAudit } from '../runner/audit.js';
import { stderrProgress } from '../progress.js';
import { PROBES } from '../runner/registry.js';
import { parseGate } from '../gates/parse.js';
import { parseFormats, parseSeed } from './audit-command.js';
import { writeAuditOutputs } from './write-outputs.js';

const collect = (v: string, prev: string[]) => [...prev, v];

interface FairnessCliOptions {
  group: string[];
  gate: string[];
  positiveLabel?: string;
  yTrue: string;
  yPred: string;
  score?: string;
  filter?: string;
  minGroupSize?: string;
  bootstrap?: string;
  seed?: string;
  judge?: 'point' | 'interval' | 'strict';
  out?: string;
  format?: string;
  junit?: string;
  quiet?: boolean;
}

/**
 * `faultline fairness predictions.csv --group sex --gate "equalized_odds_difference<=0.05"`:
 * the predictions-only audit, built as an ordinary config so it validates, runs and exits exactly
 * like `faultline audit`.
 */
export function buildFairnessConfig(file: string, o: FairnessCliOptions): Record<string, unknown> {
  if (o.group.length === 0) throw new UsageError('fairness: name at least one sensitive attribute with --group <column>');
  const dataset: Record<string, unknown> = { type: 'predictions', path: resolve(file), y_true: o.yTrue, y_pred: o.yPred, group_columns: o.group };
  if (o.score) dataset.score = o.score;
  if (o.positiveLabel !== undefined) dataset.positive_label = o.positiveLabel;
  if (o.filter) {
    const m = /^([^=]+)=(.*)$/.exec(o.filter);
    if (!m) throw new UsageError(`--filter must look like column=value, got "${o.filter}"`);
    dataset.filter = { column: m[1], equals: m[2] };
  }
  const fairness: Record<string, unknown> = { group_columns: o.group };
  if (o.positiveLabel !== undefined) fairness.positive_label = o.positiveLabel;
  if (o.minGroupSize !== undefined) {
    if (!/^\d+$/.test(o.minGroupSize)) throw new UsageError(`--min-group-size must be a whole number, got "${o.minGroupSize}"`);
    fairness.min_group_size = Number(o.minGroupSize);
  }
  if (o.bootstrap !== undefined) {
    if (!/^\d+$/.test(o.bootstrap)) throw new UsageError(`--bootstrap must be a whole number of draws, got "${o.bootstrap}"`);
    fairness.bootstrap = { draws: Number(o.bootstrap) };
  }
  const probeNames = PROBES.map((p) => p.name);
  const gates = o.gate.map((g) => {
    const first = g.trim().split(/[.[<>=!\s]/)[0];
    const expr = probeNames.includes(first) ? g : `fairness.${g.trim()}`;
    let spec;
    try {
      spec = parseGate(expr);
    } catch (e) {
      throw new UsageError(`--gate "${g}": ${(e as Error).message}`);
    }
    return { name: g.trim(), metric: spec.metric, op: spec.op, threshold: spec.threshold, judge: o.judge ?? 'point' };
  });
  return {
    name: `fairness of ${file}`,
    seed: parseSeed(o.seed) ?? 0,
    dataset,
    probes: { fairness },
    gates,
    output: {},
  };
}

export function registerFairnessCommand(program: Command): void {
  program
    .command('fairness')
    .description('Audit subgroup fairness from a predictions file (CSV/JSONL with y_true, y_pred and group columns) — no model needed.')
    .argument('<predictions>', 'CSV or JSONL file')
    .option('--group <column>', 'sensitive attribute column (repeat for several; intersections are audited too)', collect, [])
    .option('--gate <expr>', 'e.g. "equalized_odds_difference<=0.05" (repeatable)', collect, [])
    .option('--positive-label <value>', 'the favourable outcome (binary); default 1')
    .option('--y-true <column>', 'true-label column', 'y_true')
    .option('--y-pred <column>', 'predicted-label column', 'y_pred')
    .option('--score <column>', 'score / probability of the positive label (enables calibration)')
    .option('--filter <column=value>', 'only rows where column equals value (e.g. split=test)')
    .option('--min-group-size <n>', 'groups smaller than this are marked and their gates INSUFFICIENT (default 30)')
    .option('--bootstrap <draws>', 'bootstrap draws for intervals (default 1000)')
    .option('--judge <how>', 'point | interval | strict (see README "Gates")')
    .option('--seed <n>', 'seed for the bootstrap')
    .option('-o, --out <dir>', 'output folder (default: beside the predictions file)')
    .option('--format <list>', 'html,markdown,junit', 'html,markdown')
    .option('--junit <file>', 'write JUnit XML (one test case per gate) to this file')
    .option('-q, --quiet', 'no progress output')
    .action(async (file: string, o: FairnessCliOptions) => {
      if (o.judge && !['point', 'interval', 'strict'].includes(o.judge)) throw new UsageError(`--judge must be point, interval or strict`);
      const cfg = buildFairnessConfig(file, o);
      const loaded = parseConfigText(JSON.stringify(cfg, null, 2), 'fairness command line', dirname(resolve(file)));
      const progress = stderrProgress({ quiet: o.quiet });
      const { results, exitCode } = await runAudit(loaded, { progress });
      const dir = resolve(o.out ?? dirname(resolve(file)));
      const files = await writeAuditOutputs(results, dir, parseFormats(o.format) ?? ['html', 'markdown'], { junitPath: o.junit });
      if (!o.quiet) {
        for (const f of files) process.stderr.write(`faultline: wrote ${relative(process.cwd(), f) || f}\n`);
        for (const g of results.gates) process.stderr.write(`faultline: gate ${g.status.padEnd(12)} ${g.id} — ${g.message}\n`);
        process.stderr.write(`faultline: verdict ${results.verdict} (exit ${exitCode})\n`);
      }
      process.exitCode = exitCode;
    });
}
