import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { runAudit } from '../../src/runner/audit.js';
import { validateResults } from '../../src/results/write.js';
import { renderHtml } from '../../reports/render-html.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const golden = JSON.parse(readFileSync(join(ROOT, 'fixtures/golden/fairness_arrests.json'), 'utf8'));
const predLines = readFileSync(join(ROOT, 'fixtures/golden/arrests_mlp_predictions.csv'), 'utf8').trim().split('\n').slice(1);

describe('fairness probe through the model', () => {
  it('arrests_mlp.onnx on arrests.csv reproduces the reference predictions and Fairlearn numbers', async () => {
    const loaded = await loadConfigFile(join(ROOT, 'examples/arrests-fairness/audit.yaml'));
    const { results, exitCode } = await runAudit({ ...loaded, config: { ...loaded.config, output: { ...loaded.config.output, per_sample: true } } });
    expect(validateResults(results)).toEqual([]);
    expect(exitCode).toBe(1); // the example's DP gate on colour fails by design
    const fair = results.probes.fairness;
    // Same predictions as the reference file, row by row.
    const ours = fair.perSample!.fields.y_pred;
    const ids = fair.perSample!.ids;
    const ref = new Map(predLines.map((l) => l.split(',')).map((c) => [c[0], c[5] === '1' ? 'Yes' : 'No']));
    expect(ids.length).toBe(5226);
    expect(ids.every((id, i) => ref.get(id) === ours[i])).toBe(true);
    // …and so the same numbers as Fairlearn on all rows.
    const m = fair.metrics as Record<string, Record<string, { value: number }>>;
    const fl = golden.fairlearn.fairlearn_HEAD.all;
    for (const [attr, key] of [['colour', 'colour'], ['sex', 'sex'], ['colour*sex', 'colour_x_sex']]) {
      for (const d of ['demographic_parity_difference', 'demographic_parity_ratio', 'equalized_odds_difference', 'equalized_odds_ratio']) {
        expect(Math.abs(m[d][attr].value - fl[key][d]), `${d}[${attr}]`).toBeLessThanOrEqual(1e-12);
      }
    }
    const html = renderHtml(results);
    expect(html).toContain('Subgroup fairness');
    expect(html).toContain('Black*Female');
  });
});

describe('faultline fairness (predictions only)', () => {
  it('judges gates with intervals, marks small intersections INSUFFICIENT, writes JUnit', () => {
    const out = tempDir();
    const r = runCli([
      'fairness', join(ROOT, 'fixtures/golden/arrests_mlp_predictions.csv'),
      '--group', 'colour', '--group', 'sex', '--filter', 'split=test', '--score', 'prob_released',
      '--gate', 'equalized_odds_difference<=0.05', '--gate', 'demographic_parity_ratio>=0.8', '--judge', 'strict',
      '-o', out, '--junit', join(out, 'junit.xml'), '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(validateResults(results)).toEqual([]);
    expect(results.dataset.samples).toBe(1568);
    const status = Object.fromEntries(results.gates.map((g: { metric: string; status: string }) => [g.metric, g.status]));
    expect(status).toEqual({
      'fairness.equalized_odds_difference.colour': 'FAIL',
      'fairness.equalized_odds_difference.sex': 'FAIL',
      'fairness.equalized_odds_difference["colour*sex"]': 'INSUFFICIENT',
      'fairness.demographic_parity_ratio.colour': 'PASS',
      'fairness.demographic_parity_ratio.sex': 'PASS',
      'fairness.demographic_parity_ratio["colour*sex"]': 'INSUFFICIENT',
    });
    // Fairlearn's test-split values
    expect(results.probes.fairness.metrics.equalized_odds_difference.colour.value).toBe(golden.fairlearn.fairlearn_HEAD.test.colour.equalized_odds_difference);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('tests="6" failures="4" errors="0"');
  });

  it('exits 2 (config error) with the field and column named when a group column is missing', () => {
    const r = runCli(['fairness', join(ROOT, 'fixtures/golden/arrests_mlp_predictions.csv'), '--group', 'race', '-q', '-o', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("/dataset/group_columns column 'race' is not in");
  });

  it('exits 2 without --group', () => {
    const r = runCli(['fairness', join(ROOT, 'fixtures/golden/arrests_mlp_predictions.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--group');
  });
});
