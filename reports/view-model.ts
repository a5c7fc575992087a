import { relative } from 'node:path';
import type { AuditResults, GateStatus } from '../src/results/types.js';
import { num, ms } from './format.js';
import { genericSection } from './sections/generic.js';
import { SECTION_BUILDERS } from './sections/index.js';
import type { SectionView } from './sections/types.js';

const SENTENCES: Record<GateStatus, string> = {
  PASS: 'Every gate passed.',
  WARN: 'No blocking gate failed, but some findings need a look.',
  INSUFFICIENT: 'Some gates could not be judged: the evidence is too thin (small groups or undefined metrics).',
  FAIL: 'At least one blocking gate failed.',
  ERROR: 'At least one gate could not be evaluated (a probe failed or a metric does not exist).',
};

export interface ReportView {
  title: string;
  verdict: GateStatus;
  verdictClass: string;
  verdictSentence: string;
  facts: { label: string; value: string }[];
  gates: Record<string, unknown>[];
  findings: AuditResults['findings'];
  sections: (SectionView & { error?: string; notes: string[]; timing: string; gradientMode?: string })[];
  datasetSentence: string;
  skipped: AuditResults['dataset']['skipped'];
  skippedMore: number;
  skippedOpen: boolean;
  skippedPlural: boolean;
  tool: AuditResults['tool'];
  schemaVersion: string;
  createdAt: string;
  environment: string;
}

const MAX_SKIPPED_SHOWN = 200;

/** Everything the HTML and Markdown reports show, computed from results.json alone. */
export function buildReportView(r: AuditResults): ReportView {
  const gateCounts = r.gates.reduce<Record<string, number>>((acc, g) => ((acc[g.status] = (acc[g.status] ?? 0) + 1), acc), {});
  const countText = Object.entries(gateCounts)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const facts: { label: string; value: string }[] = [];
  if (r.model) {
    facts.push({ label: 'model', value: `${r.model.path} (${r.model.format}, ${r.model.numClasses} classes, input ${r.model.sampleShape.join('×')} ${r.model.layout})` });
    facts.push({ label: 'model sha256', value: r.model.sha256 });
    facts.push({ label: 'outputs', value: `${r.model.outputKind} (${r.model.outputKindSource})` });
    facts.push({ label: 'backend', value: r.model.backend });
    facts.push({ label: 'gradients', value: r.model.gradientMode });
  }
  facts.push({ label: 'dataset', value: `${r.dataset.description} — ${r.dataset.samples} samples` });
  facts.push({ label: 'dataset fingerprint', value: r.dataset.fingerprint });
  facts.push({ label: 'seed', value: String(r.seed) });
  if (r.configPath) facts.push({ label: 'config', value: relative(process.cwd(), r.configPath) || r.configPath });
  facts.push({ label: 'duration', value: ms(r.timings.totalMs) });

  const sections = Object.values(r.probes).map((p) => {
    const builder = SECTION_BUILDERS[p.name] ?? genericSection;
    const base = p.status === 'ok' ? builder(p, r) : { probe: p.name, title: p.title, partial: 'generic', view: { rows: [] } };
    return {
      ...base,
      error: p.status === 'error' ? p.error : undefined,
      notes: p.notes,
      timing: `ran in ${ms(p.timingMs)}`,
      gradientMode: p.gradientMode,
    };
  });
  return {
    title: (r.config.name as string | undefined) ?? (r.model ? r.model.path : r.dataset.description),
    verdict: r.verdict,
    verdictClass: r.verdict.toLowerCase(),
    verdictSentence: `${SENTENCES[r.verdict]}${countText ? ` Gates: ${countText}.` : ''}`,
    facts,
    gates: r.gates.map((g) => ({
      ...g,
      statusClass: g.status.toLowerCase(),
      warnOnly: g.severity === 'warn',
      value: typeof g.value === 'number' ? num(g.value, 4) : String(g.value),
      interval: g.lower !== undefined && g.upper !== undefined ? `[${num(g.lower, 4)}, ${num(g.upper, 4)}]` : '',
    })),
    findings: r.findings,
    sections,
    datasetSentence: `${r.dataset.samples} samples used from ${r.dataset.description}; ${r.dataset.skipped.length} skipped.`,
    skipped: r.dataset.skipped.slice(0, MAX_SKIPPED_SHOWN),
    skippedMore: Math.max(0, r.dataset.skipped.length - MAX_SKIPPED_SHOWN),
    skippedOpen: r.dataset.skipped.length <= 20,
    skippedPlural: r.dataset.skipped.length !== 1,
    tool: r.tool,
    schemaVersion: r.schemaVersion,
    createdAt: r.createdAt,
    environment: `${r.environment.platform}/${r.environment.arch}, ${r.environment.cpus} cores`,
  };
}
