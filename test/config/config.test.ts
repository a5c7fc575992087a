import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigError, formatIssue } from '../../src/config/errors.js';
import { parseNumberOrFraction } from '../../src/config/fraction.js';

function issuesOf(text: string): string[] {
  try {
    parseConfigText(text, 'audit.yaml', '/tmp');
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

const base = `model:
  path: m.onnx
  layout: NCHW
dataset:
  type: idx
  images: a
  labels: b
`;

describe('config validation', () => {
  it('accepts a minimal config and applies defaults', () => {
    const { config, gates } = parseConfigText(base, 'audit.yaml', '/tmp');
    expect(config.seed).toBe(0);
    expect(config.probes).toEqual({ performance: { calibration_bins: 15 } });
    expect(config.model?.pixel_range).toEqual([0, 1]);
    expect(config.output.formats).toEqual(['html', 'markdown']);
    expect(gates).toEqual([]);
  });

  it('names the file, line, column and field of a bad enum value', () => {
    const issues = issuesOf(base.replace('layout: NCHW', 'layout: NCWH'));
    expect(issues).toEqual(['audit.yaml:3:11 /model/layout must be one of NCHW, NHWC, NC']);
  });

  it('points at an unknown key and suggests the near miss', () => {
    const issues = issuesOf(base.replace('  layout: NCHW', '  layuot: NCHW'));
    expect(issues).toEqual(['audit.yaml:3:3 /model/layuot is not a known field (did you mean "layout"?)']);
  });

  it('reports a missing required field at its parent', () => {
    const issues = issuesOf(base.replace('  path: m.onnx\n', ''));
    expect(issues).toEqual(['audit.yaml:2:3 /model is missing required field "path"']);
  });

  it('locates JSON configs too', () => {
    const issues = issuesOf('{\n  "model": {"path": "m.onnx", "batch_size": -4},\n  "dataset": {"type": "idx", "images": "a", "labels": "b"}\n}\n');
    expect(issues).toEqual(['audit.yaml:2:45 /model/batch_size must be >= 1']);
  });

  it('parses gates and rejects malformed ones with their position', () => {
    const ok = parseConfigText(base + 'gates:\n  - performance.accuracy >= 0.85\n  - metric: performance.ece\n    op: "<="\n    threshold: 1/20\n    severity: warn\n', 'audit.yaml', '/tmp');
    expect(ok.gates.map((g) => [g.metric, g.op, g.threshold, g.severity])).toEqual([
      ['performance.accuracy', '>=', 0.85, 'block'],
      ['performance.ece', '<=', 0.05, 'warn'],
    ]);
    const issues = issuesOf(base + 'gates:\n  - performence.accuracy >= 0.85\n  - accuracy high\n');
    expect(issues[0]).toBe('audit.yaml:9:5 /gates/0 names unknown probe "performence" (did you mean "performance"?)');
    expect(issues[1]).toMatch(/^audit\.yaml:10:5 \/gates\/1 "accuracy high" is not a gate/);
  });

  it('reports YAML syntax errors with a position', () => {
    const issues = issuesOf('model:\n  path: [unclosed\n');
    expect(issues[0]).toMatch(/^audit\.yaml:\d+:\d+ \/ is not valid YAML/);
  });
});

describe('fractions', () => {
  it('parses numbers and fractions', () => {
    expect(parseNumberOrFraction('8/255')).toBeCloseTo(8 / 255, 15);
    expect(parseNumberOrFraction(' 0.03 ')).toBe(0.03);
    expect(parseNumberOrFraction(2)).toBe(2);
    expect(parseNumberOrFraction('1e-3')).toBe(0.001);
    expect(parseNumberOrFraction('1/0')).toBeNull();
    expect(parseNumberOrFraction('eight')).toBeNull();
  });
});

describe('dataset section', () => {
  it('names an unknown dataset field with the fields of its type', () => {
    const issues = issuesOf(base.replace('  labels: b\n', '  labels: b\n  imgaes: c\n'));
    expect(issues).toEqual(['audit.yaml:8:3 /dataset/imgaes is not a known field (did you mean "images"?)']);
  });
  it('reports what a dataset type requires', () => {
    const issues = issuesOf(base.replace('  labels: b\n', ''));
    expect(issues).toEqual(['audit.yaml:5:3 /dataset is missing required field "labels"']);
  });
});

describe('predictions dataset', () => {
  it('validates a predictions file section without a model, with defaults', () => {
    const { config } = parseConfigText('dataset:\n  type: predictions\n  path: p.csv\n  group_columns: [sex]\nprobes:\n  fairness: {}\n', 'audit.yaml', '/tmp');
    expect(config.dataset).toMatchObject({ type: 'predictions', y_true: 'y_true', y_pred: 'y_pred', group_columns: ['sex'] });
  });
  it('refuses probes that need a model', () => {
    const issues = issuesOf('dataset:\n  type: predictions\n  path: p.csv\nprobes:\n  performance: {}\n');
    expect(issues).toEqual(['audit.yaml:5:16 /probes/performance needs a model; add a `model` section or remove this probe']);
  });
});
