import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../src/paths.js';
import type { AuditResults } from '../src/results/types.js';
import { buildReportView } from './view-model.js';

let compiled: HandlebarsTemplateDelegate | null = null;
let css = '';

/** Compile the report template and register every section partial (once per process). */
function template(): HandlebarsTemplateDelegate {
  if (compiled) return compiled;
  const dir = join(packageRoot(), 'reports', 'templates');
  const hb = Handlebars.create();
  for (const f of readdirSync(join(dir, 'sections'))) {
    if (f.endsWith('.hbs')) hb.registerPartial(f.slice(0, -4), readFileSync(join(dir, 'sections', f), 'utf8'));
  }
  css = readFileSync(join(dir, 'report.css'), 'utf8');
  compiled = hb.compile(readFileSync(join(dir, 'report.hbs'), 'utf8'), { strict: false, noEscape: false });
  return compiled;
}

/**
 * The self-contained HTML report: one file, no external request of any kind (images are data:
 * URIs, styles inline, no scripts), a Content-Security-Policy that forbids anything else, and every
 * user-supplied string escaped by Handlebars.
 */
export function renderHtml(results: AuditResults): string {
  const t = template();
  return t({ ...buildReportView(results), css });
}
