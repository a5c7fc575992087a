import { calibration, classificationSummary, topConfidence } from '../../metrics/performance/classification.js';
import type { Probe } from '../runner/probe.js';

export interface PerformanceOptions {
  calibration_bins: number;
}

/** Clean accuracy, per-class accuracy, confusion matrix and expected calibration error. */
export const performanceProbe: Probe<PerformanceOptions> = {
  name: 'performance',
  title: 'Clean performance: accuracy, per-class accuracy, confusion matrix, calibration',
  needsModel: true,
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    default: {},
    properties: {
      calibration_bins: { type: 'integer', minimum: 2, maximum: 100, default: 15, description: 'Equal-width confidence bins for ECE.' },
    },
  },
  async run(ctx, options) {
    const clean = await ctx.clean();
    const C = clean.numClasses;
    const summary = classificationSummary(clean.labels, clean.preds, C);
    const conf = topConfidence(clean.logits, clean.preds, C, ctx.model?.meta.outputKind === 'probabilities' ? 'probabilities' : 'logits');
    const n = clean.labels.length;
    const correct = new Uint8Array(n);
    for (let i = 0; i < n; i++) correct[i] = clean.preds[i] === clean.labels[i] ? 1 : 0;
    const cal = calibration(conf, correct, options.calibration_bins ?? 15);
    const names = ctx.model?.meta.classNames ?? ctx.dataset.classNames;
    const perClass: Record<string, { accuracy: number | null; support: number; correct: number }> = {};
    summary.perClass.forEach((pc, k) => {
      perClass[names[k] ?? String(k)] = pc;
    });
    const findings = [];
    const worst = Object.entries(perClass)
      .filter(([, v]) => v.accuracy !== null && v.support > 0)
      .sort((a, b) => (a[1].accuracy ?? 0) - (b[1].accuracy ?? 0))[0];
    if (worst && summary.accuracy !== null && worst[1].accuracy !== null && summary.accuracy - worst[1].accuracy > 0.2) {
      findings.push({
        id: 'performance.weak_class',
        severity: 'warning' as const,
        title: `Class "${worst[0]}" is much weaker than average`,
        detail: `Accuracy on "${worst[0]}" is ${(worst[1].accuracy * 100).toFixed(1)}% (n=${worst[1].support}) against ${(summary.accuracy * 100).toFixed(1)}% overall.`,
        advice: 'Look at its confusions in the matrix below; more or cleaner training data for that class usually helps.',
      });
    }
    return {
      metrics: {
        accuracy: summary.accuracy,
        error_rate: summary.accuracy === null ? null : 1 - summary.accuracy,
        n: summary.n,
        correct: summary.correct,
        per_class: perClass,
        confusion_matrix: summary.confusion,
        ece: cal.ece,
        max_calibration_error: cal.mce,
        mean_confidence: cal.meanConfidence,
      },
      artifacts: { class_names: names, calibration_bins: cal.bins },
      findings,
      perSample: ctx.perSample
        ? {
            ids: clean.ids,
            fields: {
              label: Array.from(clean.labels),
              pred: Array.from(clean.preds),
              confidence: Array.from(conf, (c) => Math.round(c * 1e6) / 1e6),
            },
          }
        : undefined,
    };
  },
};
