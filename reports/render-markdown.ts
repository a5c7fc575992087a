import type { AuditResults } from '../src/results/types.js';
import { buildReportView } from './view-model.js';

const ICON: Record<string, string> = { PASS: '✅', WARN: '⚠️', FAIL: '❌', ERROR: '💥', INSUFFICIENT: '❔' };

/** Section lines keep their Markdown (bold, code) but never carry HTML. */
function noHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escape text for Markdown: GitHub renders inline HTML in job summaries, so a group name such as
 * `<img src=…>` must not become markup (or a request); pipes would break table cells.
 */
function cell(s: unknown): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/** A short Markdown summary for a CI job summary (e.g. $GITHUB_STEP_SUMMARY). */
export function renderMarkdown(r: AuditResults): string {
  const v = buildReportView(r);
  const out: string[] = [];
  out.push(`## ${ICON[r.verdict]} faultline: ${r.verdict} — ${cell(v.title)}`, '', v.verdictSentence, '');
  if (r.gates.length) {
    out.push('| status | gate | value | interval | detail |', '|---|---|---|---|---|');
    for (const g of v.gates) out.push(`| ${ICON[g.status as string]} ${g.status} | \`${cell(g.id)}\` | ${g.value} | ${g.interval} | ${cell(g.message)} |`);
    out.push('');
  }
  for (const s of v.sections) {
    if (s.error) out.push(`- **${cell(s.title)}**: failed — ${cell(s.error)}`);
    else for (const line of s.markdown ?? []) out.push(`- ${noHtml(line)}`);
  }
  if (r.findings.length) {
    out.push('', '**Findings**', '');
    for (const f of r.findings) out.push(`- ${f.severity === 'critical' ? '🔴' : f.severity === 'warning' ? '🟠' : 'ℹ️'} ${cell(f.title)}`);
  }
  if (r.dataset.skipped.length) out.push('', `${r.dataset.skipped.length} input(s) skipped (listed in results.json).`);
  out.push('', `<sub>faultline ${r.tool.version} · seed ${r.seed} · ${r.dataset.samples} samples</sub>`, '');
  return out.join('\n');
}
