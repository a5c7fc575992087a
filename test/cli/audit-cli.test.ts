import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateResults } from '../../src/results/write.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const FIX = join(ROOT, 'fixtures');

function writeConfig(dir: string, body: string): string {
  const p = join(dir, 'audit.yaml');
  writeFileSync(p, body);
  return p;
}

const modelAndData = `model:
  path: ${FIX}/models/fmnist_cnn.onnx
  layout: NCHW
  input_size: [28, 28]
  channels: 1
  outputs: logits
dataset:
  type: idx
  images: ${FIX}/data/fmnist_test1000-images-idx3-ubyte
  labels: ${FIX}/data/fmnist_test1000-labels-idx1-ubyte
`;

describe('faultline audit (CLI, end to end)', () => {
  let out: string;
  let run: ReturnType<typeof runCli>;
  beforeAll(() => {
    out = tempDir();
    run = runCli(['audit', join(ROOT, 'examples/fashion-mnist/audit.yaml'), '--out', out]);
  });

  it('runs the README example and passes its gates', () => {
    expect(run.stderr).toContain('verdict');
    expect(run.code).toBe(0);
  });

  it('writes a results.json that validates against the schema, with the reference accuracy', () => {
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(validateResults(results)).toEqual([]);
    expect(results.probes.performance.metrics.accuracy).toBe(0.893);
    expect(results.probes.performance.metrics.correct).toBe(893);
    expect(results.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(results.dataset.samples).toBe(1000);
    // accuracy, corruption accuracy, the warn-only PGD gate (this CNN is not adversarially trained), no masking, ECE
    expect(results.gates.map((g: { status: string }) => g.status)).toEqual(['PASS', 'PASS', 'WARN', 'PASS', expect.stringMatching(/PASS|WARN/)]);
    expect(results.verdict).toBe('WARN');
    expect(results.probes.adversarial.metrics.fgsm['8/255'].robust_accuracy).toBeLessThan(0.9);
    expect(results.probes.corruptions.status).toBe('ok');
    expect(results.probes.corruptions.metrics.mean_accuracy).toBeGreaterThan(0.5);
  });

  it('writes the HTML report, the Markdown summary and JUnit XML', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Content-Security-Policy');
    expect(html).toContain('89.30%');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/faultline: (PASS|WARN)/);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<testsuite name="faultline gates" tests="5" failures="0"/);
  });

  it('re-renders reports from results.json alone', () => {
    const again = tempDir();
    const r = runCli(['report', join(out, 'results.json'), '--out', again]);
    expect(r.code).toBe(0);
    const a = readFileSync(join(out, 'report.html'), 'utf8');
    const b = readFileSync(join(again, 'report.html'), 'utf8');
    expect(b).toBe(a);
  });
});

describe('exit codes', () => {
  it('exits 1 when a blocking gate fails, and says which', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, modelAndData + 'gates:\n  - performance.accuracy >= 0.95\n');
    const r = runCli(['audit', cfg, '-q']);
    expect(r.code).toBe(1);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.verdict).toBe('FAIL');
    expect(results.gates[0]).toMatchObject({ status: 'FAIL', value: 0.893, threshold: 0.95 });
  });

  it('exits 0 when a failing gate is warn-only', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, modelAndData + 'gates:\n  - metric: performance.accuracy\n    op: ">="\n    threshold: 0.95\n    severity: warn\n');
    const r = runCli(['audit', cfg, '-q']);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).verdict).toBe('WARN');
  });

  it('exits 2 on a bad config and names the file, position and field', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, modelAndData.replace('layout: NCHW', 'layout: CHWN'));
    const r = runCli(['audit', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${cfg}:3:11 /model/layout must be one of NCHW, NHWC, NC`);
  });

  it('exits 2 on an unknown command line option', () => {
    expect(runCli(['audit', '--no-such-flag', 'x.yaml']).code).toBe(2);
  });

  it('exits 3 when the model cannot be loaded', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.onnx'), 'not an onnx file');
    const cfg = writeConfig(dir, modelAndData.replace(`${FIX}/models/fmnist_cnn.onnx`, join(dir, 'broken.onnx')));
    const r = runCli(['audit', cfg]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot load the model/);
  });

  it('reports a metric that does not exist as ERROR with a suggestion', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, modelAndData + 'gates:\n  - performance.acuracy >= 0.5\n');
    const r = runCli(['audit', cfg, '-q']);
    expect(r.code).toBe(1);
    const g = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).gates[0];
    expect(g.status).toBe('ERROR');
    expect(g.message).toContain('did you mean performance.accuracy?');
  });
});

describe('faultline inspect', () => {
  it('describes the ONNX model', () => {
    const r = runCli(['inspect', join(FIX, 'models/fmnist_cnn.onnx'), '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.opset).toBe(13);
    expect(info.opHistogram).toEqual({ Conv: 2, Relu: 3, MaxPool: 2, Flatten: 1, Gemm: 2 });
    // conv1 16·1·9+16, conv2 32·16·9+32, fc1 64·1568+64, fc2 10·64+10
    expect(info.parameterCount).toBe(160 + 4640 + 100416 + 650);
  });
});

describe('TF.js models through the same config', () => {
  it('audits the TF.js twin of the CNN with the same accuracy, recording the backend', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, modelAndData.replace(`${FIX}/models/fmnist_cnn.onnx`, `${FIX}/models/fmnist_cnn_tfjs/model.json`));
    const r = runCli(['audit', cfg, '-q']);
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(validateResults(results)).toEqual([]);
    expect(results.model.format).toBe('tfjs-layers');
    expect(results.model.backend).toMatch(/^tfjs 4\.22\.0 (wasm|cpu|node)/);
    expect(results.probes.performance.metrics.accuracy).toBe(0.893);
  });
});
