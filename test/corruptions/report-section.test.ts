import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { buildOutput } from '../../attacks/corruptions/probe.js';
import { BENCHMARK_CORRUPTIONS } from '../../attacks/corruptions/names.js';
import { corruptionsSection } from '../../reports/sections/corruptions.js';
import type { Model } from '../../src/models/types.js';
import type { AuditResults, ProbeResult } from '../../src/results/types.js';
import { FIXTURES } from './golden.js';

const partial = Handlebars.compile(readFileSync(join(FIXTURES, '..', 'reports', 'templates', 'sections', 'corruptions.hbs'), 'utf8'));

function fakeModel(numClasses: number): Model {
  return { meta: { numClasses } } as unknown as Model;
}

function probeResult(numClasses: number, accuracyOf: (c: string, s: number) => number): ProbeResult {
  const severities = [1, 2, 3, 4, 5];
  const corruptions = [...BENCHMARK_CORRUPTIONS, 'spatter' as const];
  const table: Record<string, Record<string, { correct: number; n: number }>> = {};
  for (const c of corruptions) {
    table[c] = {};
    for (const s of severities) table[c][String(s)] = { correct: Math.round(accuracyOf(c, s) * 100), n: 100 };
  }
  const out = buildOutput({
    ours: { table, clean: { correct: 76, n: 100 } },
    theirs: null,
    corruptions,
    severities,
    parameterSet: 'imagenet',
    model: fakeModel(numClasses),
    seed: 0,
    examples: [
      {
        id: 'img<1>.png',
        label: '<script>alert(1)</script>',
        clean: { image: 'data:image/png;base64,AAAA', prediction: 'cat' },
        corrupted: { fog: { '3': { image: 'javascript:alert(1)', prediction: 'dog', correct: false } } },
      },
    ],
    poolMode: 'workers',
  });
  return { name: 'corruptions', title: 't', status: 'ok', timingMs: 1, metrics: out.metrics, findings: out.findings ?? [], notes: out.notes ?? [], artifacts: out.artifacts ?? {} };
}

describe('corruptions report section', () => {
  it('shows mCE against AlexNet for a 1000-class model, with its meaning', () => {
    // accuracy 1 − AlexNet error at every severity → CE 100 for every corruption → mCE 100
    const alex: Record<string, number> = {
      gaussian_noise: 0.886428, shot_noise: 0.894468, impulse_noise: 0.92264, defocus_blur: 0.81988, glass_blur: 0.826268,
      motion_blur: 0.785948, zoom_blur: 0.79836, snow: 0.866816, frost: 0.826572, fog: 0.819324, brightness: 0.564592,
      contrast: 0.853204, elastic_transform: 0.646056, pixelate: 0.71784, jpeg_compression: 0.6065,
    };
    const p = probeResult(1000, (c) => 1 - (alex[c] ?? 0.5));
    // counts are rounded to whole images, so CE is 100 within 0.5/error
    expect(p.metrics.mce as number).toBeGreaterThan(99);
    expect(p.metrics.mce as number).toBeLessThan(101);
    const section = corruptionsSection(p, {} as AuditResults);
    expect(section.partial).toBe('corruptions');
    const html = partial(section);
    expect(html).toMatch(/mCE vs AlexNet/);
    expect(html).toMatch(/It is not 100 − accuracy/);
    expect(html).toMatch(/<em>spatter<\/em>/); // held-out row marked
    // 16 corruption rows × (5 severities + mean) coloured cells
    expect(html.match(/style="background:hsl/g)).toHaveLength(16 * 6);
  });

  it('escapes user strings, drops non-PNG image URIs, and explains a missing mCE', () => {
    const p = probeResult(10, (_c, s) => 1 - s / 10);
    const html = partial(corruptionsSection(p, {} as AuditResults));
    expect(html).not.toMatch(/<script>/);
    expect(html).toMatch(/&lt;script&gt;/);
    expect(html).toMatch(/img&lt;1&gt;\.png/);
    expect(html).not.toMatch(/javascript:/);
    expect(html).toMatch(/src="data:image\/png;base64,AAAA/);
    expect(html).toMatch(/mCE not computed: the AlexNet normaliser is defined for 1000-class/);
    expect(html).toMatch(/90\.0%/); // severity-1 accuracy
    expect(html).toMatch(/✗ dog/); // the wrong example prediction is marked
  });
});
