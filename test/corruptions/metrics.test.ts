import { describe, expect, it } from 'vitest';
import {
  ALEXNET_CORRUPTION_ERRORS,
  alexnetMce,
  alexnetRelativeMce,
  baselineMce,
  corruptionError,
  errorsBySeverity,
  meanOverCells,
} from '../../metrics/corruption/index.js';

// torchvision ResNet-50 mean errors per corruption on ImageNet-C (issue 5); published mCE 76.37 (±0.02 rounding)
const RESNET50: Record<string, number> = {
  gaussian_noise: 0.6854,
  shot_noise: 0.709,
  impulse_noise: 0.7401,
  defocus_blur: 0.611,
  glass_blur: 0.7323,
  motion_blur: 0.6187,
  zoom_blur: 0.6368,
  snow: 0.6785,
  frost: 0.6268,
  fog: 0.545,
  brightness: 0.3216,
  contrast: 0.609,
  elastic_transform: 0.5504,
  pixelate: 0.5514,
  jpeg_compression: 0.4616,
};

describe('corruption metrics', () => {
  it('ResNet-50 mCE against AlexNet is 76.37', () => {
    // spread each mean over five severities unevenly: CE only depends on the mean
    const errors = Object.fromEntries(Object.entries(RESNET50).map(([k, e]) => [k, [e - 0.2, e - 0.1, e, e + 0.1, e + 0.2]]));
    const r = alexnetMce(errors)!;
    expect(r.mean * 100).toBeCloseTo(76.37, 1);
    expect(Math.abs(r.mean * 100 - 76.37)).toBeLessThanOrEqual(0.02);
    expect(r.perCorruption.brightness).toBeCloseTo(0.3216 / 0.564592, 12);
    expect(Object.keys(r.perCorruption)).toHaveLength(15);
  });

  it('held-out corruptions never enter mCE; a missing benchmark corruption or severity gives null', () => {
    const base = Object.fromEntries(Object.keys(ALEXNET_CORRUPTION_ERRORS).map((k) => [k, [0.5, 0.5, 0.5, 0.5, 0.5]]));
    const withHeldOut = { ...base, speckle_noise: [1, 1, 1, 1, 1], spatter: [0, 0, 0, 0, 0] };
    expect(alexnetMce(withHeldOut)!.mean).toBeCloseTo(alexnetMce(base)!.mean, 15);
    const { fog: _fog, ...missing } = base;
    expect(alexnetMce(missing)).toBeNull();
    expect(alexnetMce({ ...base, fog: [0.5, 0.5, 0.5] })).toBeNull();
  });

  it('relative mCE subtracts the clean errors: a model that loses nothing scores 0', () => {
    const clean = 0.3;
    const flat = Object.fromEntries(Object.keys(ALEXNET_CORRUPTION_ERRORS).map((k) => [k, [clean, clean, clean, clean, clean]]));
    expect(alexnetRelativeMce(flat, clean)!.mean).toBeCloseTo(0, 15);
    const r = alexnetRelativeMce({ ...flat, fog: [0.4, 0.4, 0.4, 0.4, 0.4] }, clean)!;
    expect(r.perCorruption.fog).toBeCloseTo((0.4 - 0.3) / (0.819324 - 0.4348), 12);
  });

  it('CE against a baseline model is a ratio of summed errors', () => {
    expect(corruptionError([0.1, 0.2, 0.3], [0.2, 0.4, 0.6])).toBeCloseTo(0.5, 15);
    const r = baselineMce({ fog: [0.2, 0.4], snow: [0.1, 0.1] }, { fog: [0.4, 0.4], snow: [0.2, 0.2] }, ['fog', 'snow', 'frost'])!;
    expect(r.perCorruption.fog).toBeCloseTo(0.75, 15);
    expect(r.mean).toBeCloseTo(0.625, 15);
  });

  it('tables give accuracy, error and means over cells', () => {
    const table = { fog: { '1': { correct: 9, n: 10 }, '2': { correct: 5, n: 10 } }, snow: { '1': { correct: 0, n: 0 }, '2': { correct: 2, n: 4 } } };
    const errs = errorsBySeverity(table, [1, 2]);
    expect(errs.fog[0]).toBeCloseTo(0.1, 15);
    expect(errs.fog[1]).toBe(0.5);
    expect(errs.snow).toEqual([0.5]); // the empty severity-1 cell is skipped
    const m = meanOverCells(table, ['fog', 'snow']);
    expect(m.meanAccuracy).toBeCloseTo((0.9 + 0.5 + 0.5) / 3, 15);
  });
});
