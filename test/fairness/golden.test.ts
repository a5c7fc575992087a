import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupMetrics } from '../../metrics/fairness/group-metrics.js';
import { intersect } from '../../metrics/fairness/groups.js';
import { ROOT } from '../helpers/cli.js';

const golden = JSON.parse(readFileSync(join(ROOT, 'fixtures/golden/fairness_arrests.json'), 'utf8'));
const lines = readFileSync(join(ROOT, 'fixtures/golden/arrests_mlp_predictions.csv'), 'utf8').trim().split('\n');
const header = lines[0].split(',');
const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));

function subset(name: 'test' | 'all') {
  const rs = name === 'all' ? rows : rows.filter((r) => r.split === 'test');
  return {
    yTrue: Uint8Array.from(rs, (r) => Number(r.y_true)),
    yPred: Uint8Array.from(rs, (r) => Number(r.y_pred)),
    colour: rs.map((r) => r.colour),
    sex: rs.map((r) => r.sex),
  };
}

const TOL = 1e-12;

describe.each(['test', 'all'] as const)('Fairlearn agreement on the arrests predictions (%s rows)', (name) => {
  const s = subset(name);
  const attrs = { colour: s.colour, sex: s.sex, colour_x_sex: intersect([s.colour, s.sex]) };
  for (const [key, values] of Object.entries(attrs)) {
    it(`${key}: every per-group metric and disparity`, () => {
      const ref = golden.numpy_reference[name][key];
      const fl = golden.fairlearn.fairlearn_HEAD[name][key];
      const gm = groupMetrics({ yTrue: s.yTrue, yPred: s.yPred }, key, values, { bootstrapDraws: 0 });
      for (const [label, r] of Object.entries<Record<string, number>>(ref.by_group)) {
        // Golden labels: "colour=Black & sex=Female" → faultline's "Black*Female"
        const ours = gm.byGroup[label.split(' & ').map((p) => p.split('=')[1]).join('*')];
        expect(ours, label).toBeDefined();
        expect(ours.count).toBe(r.count);
        expect([ours.tp, ours.fp, ours.tn, ours.fn]).toEqual([r.tp, r.fp, r.tn, r.fn]);
        for (const m of ['accuracy', 'selection_rate', 'tpr', 'fpr', 'fnr', 'base_rate'] as const) {
          expect(Math.abs(ours.rates[m].value! - r[m]), `${label} ${m}`).toBeLessThanOrEqual(TOL);
        }
      }
      for (const m of ['accuracy', 'selection_rate', 'tpr', 'fpr', 'fnr'] as const) {
        expect(Math.abs(gm.overall.rates[m].value! - ref.overall[m])).toBeLessThanOrEqual(TOL);
      }
      const d = gm.disparities;
      for (const [ours, theirs] of [
        ['demographic_parity_difference', fl.demographic_parity_difference],
        ['demographic_parity_ratio', fl.demographic_parity_ratio],
        ['equalized_odds_difference', fl.equalized_odds_difference],
        ['equalized_odds_ratio', fl.equalized_odds_ratio],
        ['tpr_difference', ref.tpr_difference],
        ['fpr_difference', ref.fpr_difference],
        ['tpr_ratio', ref.tpr_ratio],
        ['fpr_ratio', ref.fpr_ratio],
        ['accuracy_difference', ref.accuracy_difference],
      ] as const) {
        expect(Math.abs((d[ours].value as number) - theirs), `${ours}`).toBeLessThanOrEqual(TOL);
      }
      // MetricFrame-style API agrees with Fairlearn's difference_between_groups / ratio_between_groups
      expect(Math.abs(gm.difference('accuracy')! - fl.difference_between_groups.accuracy)).toBeLessThanOrEqual(TOL);
      expect(Math.abs(gm.ratio('selection_rate')! - fl.ratio_between_groups.selection_rate)).toBeLessThanOrEqual(TOL);
    });
  }
});
