import { groupMetrics, type GroupMetrics } from '../../metrics/fairness/group-metrics.js';
import { intersect, INTERSECTION_SEP } from '../../metrics/fairness/groups.js';
import { RATE_NAMES, type Rate } from '../../metrics/fairness/confusion.js';
import { DISPARITY_NAMES, type DisparityMethod } from '../../metrics/fairness/disparity.js';
import { PredictionsDataset } from '../data/predictions.js';
import { softmaxRows } from '../tensor.js';
import type { Finding, MeasuredValue, Probe, ProbeContext } from '../runner/probe.js';

export interface FairnessOptions {
  group_columns?: string[];
  intersections: boolean | string[][];
  positive_label?: string | number;
  min_group_size: number;
  method: DisparityMethod;
  bootstrap: { draws: number; confidence: number };
  seed?: number;
}

/**
 * Every disparity keeps its sorted bootstrap draws in artifacts.bootstrap["<disparity>.<attribute>"]
 * (rounded to 6 decimals) so any gate on a disparity can be Holm-corrected (src/gates/holm.ts).
 */
const KEEP_DRAWS = DISPARITY_NAMES;

interface Outcomes {
  ids: string[];
  /** Class index of truth and prediction, and the class names. */
  yTrue: Int32Array;
  yPred: Int32Array;
  classNames: string[];
  /** [N, C] class probabilities, when known. */
  probs: Float64Array | null;
  /** Score of the positive class only (predictions files give one score column). */
  positiveScores: Float64Array | null;
  groups: Record<string, string[]>;
}

async function outcomes(ctx: ProbeContext): Promise<Outcomes> {
  if (ctx.dataset instanceof PredictionsDataset) {
    const t = await ctx.dataset.table();
    const index = new Map(t.classNames.map((c, i) => [c, i]));
    return {
      ids: t.ids,
      yTrue: Int32Array.from(t.yTrue, (v) => index.get(v)!),
      yPred: Int32Array.from(t.yPred, (v) => index.get(v)!),
      classNames: t.classNames,
      probs: null,
      positiveScores: t.scores,
      groups: t.groups,
    };
  }
  const clean = await ctx.clean();
  const names = ctx.model?.meta.classNames?.length ? ctx.model.meta.classNames : ctx.dataset.classNames;
  const probs = ctx.model?.meta.outputKind === 'probabilities' ? Float64Array.from(clean.logits) : softmaxRows(clean.logits, clean.numClasses);
  return { ids: clean.ids, yTrue: clean.labels, yPred: clean.preds, classNames: names.map(String), probs, positiveScores: null, groups: clean.groups };
}

function measuredRate(r: Rate, small: boolean, minGroupSize: number, count: number): MeasuredValue & { numerator: number; denominator: number } {
  return {
    value: r.value,
    ...(r.lower !== null ? { lower: r.lower, upper: r.upper! } : {}),
    n: r.denominator,
    numerator: r.numerator,
    denominator: r.denominator,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(small ? { insufficient: `group has n=${count} < min_group_size ${minGroupSize}` } : {}),
  };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * Subgroup fairness (Gender Shades style): rates per group and per intersection, Fairlearn's
 * disparities with bootstrap intervals, small groups marked so gates on them are INSUFFICIENT.
 */
export const fairnessProbe: Probe<FairnessOptions> = {
  name: 'fairness',
  title: 'Subgroup fairness: per-group rates, intersections and disparities with intervals',
  needsModel: false,
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    default: {},
    properties: {
      group_columns: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description: "Sensitive attributes (default: the dataset's group_columns)." },
      intersections: {
        anyOf: [{ type: 'boolean' }, { type: 'array', items: { type: 'array', items: { type: 'string' }, minItems: 2 } }],
        default: true,
        description: 'true: the intersection of all attributes (the Gender Shades grid); or a list of column lists.',
      },
      positive_label: { type: ['string', 'number'], description: 'The favourable outcome (binary); default: class 1 / the second class. Multiclass without it: one-vs-rest per class.' },
      min_group_size: { type: 'integer', minimum: 1, default: 30, description: 'Smaller groups are reported but marked; gates that depend on them are INSUFFICIENT.' },
      method: { enum: ['between_groups', 'to_overall'], default: 'between_groups', description: "Fairlearn's aggregation: max−min and min/max, or the worst gap to the overall rate." },
      bootstrap: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          draws: { type: 'integer', minimum: 0, maximum: 100000, default: 1000, description: 'Bootstrap draws for intervals (0 = none).' },
          confidence: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.95 },
        },
      },
      seed: { type: 'integer', minimum: 0, description: "Bootstrap seed (default: the audit's seed)." },
    },
  },
  async run(ctx, o) {
    const data = await outcomes(ctx);
    const columns = o.group_columns ?? ctx.dataset.groupColumns;
    if (columns.length === 0) throw new Error('fairness needs sensitive attributes: set dataset.group_columns or probes.fairness.group_columns');
    for (const c of columns) if (!data.groups[c]) throw new Error(`probes.fairness.group_columns: '${c}' is not a group column of the dataset (has: ${Object.keys(data.groups).join(', ') || 'none'})`);
    const attrs: [string, string[]][] = columns.map((c) => [c, data.groups[c]]);
    const inter = o.intersections === true ? (columns.length >= 2 ? [columns] : []) : o.intersections === false ? [] : o.intersections;
    for (const set of inter) {
      for (const c of set) if (!data.groups[c]) throw new Error(`probes.fairness.intersections: '${c}' is not a group column`);
      attrs.push([set.join(INTERSECTION_SEP), intersect(set.map((c) => data.groups[c]))]);
    }

    // Which class is "positive": the binary case, or one-vs-rest per class for multiclass.
    const C = data.classNames.length;
    const notes: string[] = [];
    const findings: Finding[] = [];
    let positives: number[];
    const want = o.positive_label ?? (ctx.dataset instanceof PredictionsDataset ? ctx.dataset.positiveLabel : undefined);
    if (want !== undefined) {
      const k = data.classNames.indexOf(String(want));
      if (k < 0) throw new Error(`probes.fairness.positive_label: '${want}' is not a class (classes: ${data.classNames.join(', ')})`);
      positives = [k];
    } else if (C <= 2) {
      const k = data.classNames.indexOf('1') >= 0 ? data.classNames.indexOf('1') : C - 1;
      positives = [k];
      notes.push(`positive_label not set: using '${data.classNames[k]}' as the favourable outcome.`);
    } else {
      positives = data.classNames.map((_, k) => k);
      notes.push(`${C} classes and no positive_label: each class is audited one-vs-rest; top-level disparities are the macro average over classes.`);
      if (ctx.dataset instanceof PredictionsDataset) {
        findings.push({
          id: 'fairness.labels_multiclass',
          severity: 'warning',
          title: `The predictions file has ${C} distinct labels, so it was audited as a ${C}-class problem`,
          detail: `Labels found: ${data.classNames.slice(0, 12).join(', ')}${C > 12 ? ', …' : ''}. A stray value (e.g. "1.0" next to "1") turns a binary audit into a multiclass one.`,
          advice: 'If the task is binary, set positive_label (and class_names) for the dataset, or clean the label column.',
        });
      }
    }

    const seed = o.seed ?? ctx.seed;
    const perClass: Record<string, Record<string, unknown>> = {};
    const bootstrapArtifacts: Record<string, number[]> = {};
    const reports: Record<number, Record<string, GroupMetrics>> = {};
    const task = ctx.progress.task('fairness', positives.length * attrs.length);
    for (const k of positives) {
      const yTrue = Uint8Array.from(data.yTrue, (v) => (v === k ? 1 : 0));
      const yPred = Uint8Array.from(data.yPred, (v) => (v === k ? 1 : 0));
      // A predictions file has one score column (the positive class's): it only describes a binary audit.
      const scores = data.probs ? Float64Array.from({ length: yTrue.length }, (_, i) => data.probs![i * C + k]) : positives.length === 1 ? data.positiveScores : null;
      reports[k] = {};
      for (const [attr, values] of attrs) {
        reports[k][attr] = groupMetrics({ yTrue, yPred, scores: scores ?? undefined }, attr, values, {
          method: o.method,
          minGroupSize: o.min_group_size,
          bootstrapDraws: o.bootstrap.draws,
          confidence: o.bootstrap.confidence,
          seed: seed + k * 7919 + attrs.findIndex(([a]) => a === attr) * 104729,
        });
        task.tick();
      }
    }
    task.done();

    const tree = (k: number, keepDraws: boolean): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      const byGroup: Record<string, unknown> = {};
      for (const [attr, gm] of Object.entries(reports[k])) {
        const groups: Record<string, unknown> = {};
        for (const name of gm.groups) {
          const g = gm.byGroup[name];
          const entry: Record<string, unknown> = { count: g.count, small: g.small, tp: g.tp, fp: g.fp, tn: g.tn, fn: g.fn };
          for (const r of RATE_NAMES) entry[r] = measuredRate(g.rates[r], g.small, o.min_group_size, g.count);
          if (g.calibration_error !== undefined) entry.calibration_error = g.calibration_error;
          groups[name] = entry;
        }
        byGroup[attr] = groups;
      }
      out.by_group = byGroup;
      out.overall = Object.fromEntries(
        Object.entries(reports[k]).slice(0, 1).flatMap(([, gm]) => [
          ['count', gm.overall.count],
          ...RATE_NAMES.map((r) => [r, gm.overall.rates[r].value]),
          ...(gm.overall.calibration_error !== undefined ? [['calibration_error', gm.overall.calibration_error]] : []),
        ]),
      );
      for (const d of DISPARITY_NAMES) {
        out[d] = Object.fromEntries(Object.entries(reports[k]).map(([attr, gm]) => [attr, gm.disparities[d]]));
      }
      out.four_fifths_rule = Object.fromEntries(
        Object.entries(reports[k]).map(([attr, gm]) => {
          const r = gm.disparities.demographic_parity_ratio;
          return [attr, { value: r.value === null ? null : r.value >= 0.8, ...(r.insufficient ? { insufficient: r.insufficient } : {}), ...(r.reason ? { reason: r.reason } : {}) }];
        }),
      );
      if (keepDraws) {
        for (const [attr, gm] of Object.entries(reports[k])) {
          for (const d of KEEP_DRAWS) {
            const draws = gm.bootstrap[d];
            if (draws && draws.length) bootstrapArtifacts[`${d}.${attr}`] = Array.from(draws, round6);
          }
        }
      }
      return out;
    };

    let metrics: Record<string, unknown>;
    if (positives.length === 1) {
      metrics = tree(positives[0], true);
    } else {
      for (const k of positives) perClass[data.classNames[k]] = tree(k, false);
      metrics = { per_class: perClass };
      for (const d of DISPARITY_NAMES) {
        const byAttr: Record<string, MeasuredValue> = {};
        for (const [attr] of attrs) {
          const vals = positives.map((k) => reports[k][attr].disparities[d]);
          const defined = vals.filter((v) => v.value !== null).map((v) => v.value as number);
          const insufficient = vals.find((v) => v.insufficient)?.insufficient;
          byAttr[attr] = defined.length
            ? { value: defined.reduce((a, b) => a + b, 0) / defined.length, n: data.ids.length, ...(insufficient ? { insufficient } : {}) }
            : { value: null, reason: 'undefined for every class', n: data.ids.length };
        }
        metrics[d] = byAttr;
      }
    }
    metrics.positive_label = positives.length === 1 ? data.classNames[positives[0]] : null;
    metrics.n = data.ids.length;
    metrics.attributes = attrs.map(([a]) => a);
    metrics.min_group_size = o.min_group_size;
    metrics.method = o.method;

    if (positives.length === 1) {
      for (const [attr, gm] of Object.entries(reports[positives[0]])) {
        const eo = gm.disparities.equalized_odds_difference;
        const dp = gm.disparities.demographic_parity_ratio;
        const small = gm.groups.filter((g) => gm.byGroup[g].small);
        if (eo.value !== null && eo.value > 0.1) {
          findings.push({
            id: `fairness.equalized_odds_gap.${attr}`,
            severity: eo.insufficient ? 'info' : 'warning',
            title: `Error rates differ across ${attr}: equalized-odds difference ${eo.value.toFixed(3)}`,
            detail: `The largest gap in true- or false-positive rate between ${attr} groups is ${eo.value.toFixed(3)}${eo.lower !== undefined ? ` (95% interval ${eo.lower.toFixed(3)}–${eo.upper!.toFixed(3)})` : ''}.${eo.insufficient ? ` Evidence is thin: ${eo.insufficient}.` : ''}`,
            advice: 'Look at the per-group TPR and FPR below; consider more data for the worst group, re-weighting, or per-group thresholds (post-processing), and decide which error matters more for this use.',
          });
        }
        if (dp.value !== null && dp.value < 0.8) {
          findings.push({
            id: `fairness.four_fifths.${attr}`,
            severity: 'warning',
            title: `Four-fifths rule not met for ${attr}: selection-rate ratio ${dp.value.toFixed(3)}`,
            detail: `The lowest group selection rate is ${(dp.value * 100).toFixed(1)}% of the highest. The four-fifths rule (US EEOC 1978) is a screening heuristic for adverse impact, not a statistical test or a legal verdict.`,
            advice: 'Treat it as a prompt to investigate, together with the intervals and the error-rate disparities.',
          });
        }
        if (small.length) {
          findings.push({
            id: `fairness.small_groups.${attr}`,
            severity: 'info',
            title: `${small.length} ${attr} group${small.length > 1 ? 's are' : ' is'} smaller than ${o.min_group_size}`,
            detail: `${small.map((g) => `${g} (n=${gm.byGroup[g].count})`).join(', ')}: their rates are shown but too uncertain to judge; gates that depend on them are INSUFFICIENT.`,
            advice: 'Collect more samples of these groups before drawing conclusions about them.',
          });
        }
      }
    }

    return {
      metrics,
      findings,
      notes,
      artifacts: { bootstrap: bootstrapArtifacts, class_names: data.classNames, glossary: true },
      perSample: ctx.perSample
        ? { ids: data.ids, fields: { y_true: Array.from(data.yTrue, (k) => data.classNames[k]), y_pred: Array.from(data.yPred, (k) => data.classNames[k]) } }
        : undefined,
    };
  },
};
