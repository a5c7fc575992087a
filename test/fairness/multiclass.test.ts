import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { runAudit } from '../../src/runner/audit.js';
import { groupCalibrationError } from '../../metrics/fairness/confusion.js';
import { tempDir } from '../helpers/cli.js';

describe('multiclass fairness from a predictions file', () => {
  it('audits each class one-vs-rest and reports the macro average', async () => {
    const dir = tempDir();
    // 3 classes, group A always right, group B wrong on class c half the time.
    const rows = ['y_true,y_pred,g'];
    for (let i = 0; i < 60; i++) {
      const c = ['a', 'b', 'c'][i % 3];
      rows.push(`${c},${c},A`);
      rows.push(`${c},${c === 'c' && i % 2 === 0 ? 'a' : c},B`);
    }
    writeFileSync(join(dir, 'p.csv'), rows.join('\n') + '\n');
    const cfg = `dataset:\n  type: predictions\n  path: p.csv\n  group_columns: [g]\nprobes:\n  fairness:\n    bootstrap: { draws: 0 }\n    min_group_size: 10\n`;
    const { results } = await runAudit(parseConfigText(cfg, 'inline', dir));
    const m = results.probes.fairness.metrics as any;
    expect(results.probes.fairness.notes.join(' ')).toContain('one-vs-rest');
    // class c: TPR A = 1, TPR B = 10/20 → TPR gap 0.5; class a: FPR B = 10/40 vs 0 → 0.25; class b: 0.
    expect(m.per_class.c.tpr_difference.g.value).toBeCloseTo(0.5, 12);
    expect(m.per_class.a.fpr_difference.g.value).toBeCloseTo(0.25, 12);
    expect(m.per_class.b.equalized_odds_difference.g.value).toBe(0);
    // macro EO difference = mean of per-class EO differences (0.25, 0, 0.5)
    expect(m.equalized_odds_difference.g.value).toBeCloseTo(0.25, 12);
  });
});

describe('calibration error per group', () => {
  it('is Σ_b n_b/n · |mean(y)_b − mean(score)_b| over 10 bins', () => {
    // group 0: scores 0.9 (bin 9) with outcomes 1,1,0,1 → |0.75 − 0.9| = 0.15; group 1: 0.15 with 0,0 → 0.15
    const y = Uint8Array.from([1, 1, 0, 1, 0, 0]);
    const s = Float64Array.from([0.9, 0.9, 0.9, 0.9, 0.15, 0.15]);
    const codes = Int32Array.from([0, 0, 0, 0, 1, 1]);
    const e = groupCalibrationError(y, s, codes, 2);
    expect(e[0]).toBeCloseTo(0.15, 12);
    expect(e[1]).toBeCloseTo(0.15, 12);
  });
});
