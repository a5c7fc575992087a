import type { AuditResults, ProbeResult } from '../../src/results/types.js';

/**
 * What a probe's report section needs. A section builder turns a probe's results into a view model
 * (numbers formatted, SVG charts drawn as strings); the Handlebars partial only lays it out.
 * Builders read results only — never files, never the model.
 *
 * Escaping: `{{x}}` in a partial is HTML-escaped by Handlebars. Markup built in TypeScript (SVG)
 * is inserted with `{{{x}}}` and must escape every user-supplied string itself (`escapeHtml`).
 */
export interface SectionView {
  probe: string;
  title: string;
  /** Name of the partial: the file reports/templates/sections/<partial>.hbs. */
  partial: string;
  view: Record<string, unknown>;
  /** Lines for the Markdown summary (CI job summary); short. */
  markdown?: string[];
}

export type SectionBuilder = (probe: ProbeResult, results: AuditResults) => SectionView;
