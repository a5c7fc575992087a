import { formatMetricPath, leafPaths, lookupPath } from '../../src/gates/metric-path.js';
import { num } from '../format.js';
import type { SectionBuilder } from './types.js';

/** Fallback section for a probe with no builder of its own: its scalar metrics as a table. */
export const genericSection: SectionBuilder = (probe) => {
  const rows = leafPaths(probe.metrics)
    .slice(0, 200)
    .map((p) => {
      const v = lookupPath(probe.metrics, p);
      const value = v !== null && typeof v === 'object' ? (v as { value: unknown }).value : v;
      return { path: formatMetricPath([probe.name, ...p]), value: typeof value === 'number' ? num(value, 4) : String(value) };
    });
  return { probe: probe.name, title: probe.title, partial: 'generic', view: { rows } };
};
