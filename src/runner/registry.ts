import type { Probe } from './probe.js';
import { performanceProbe } from '../probes/performance.js';
import { fairnessProbe } from '../probes/fairness.js';
import { corruptionsProbe } from '../../attacks/corruptions/probe.js';
import { adversarialProbe } from '../../attacks/adversarial/probe.js';

/**
 * Every probe faultline knows, in the order an audit runs them. A new probe is added here and
 * nowhere else: the config schema, the CLI's `probes` listing and the runner all read this list.
 */
export const PROBES: readonly Probe<any>[] = [performanceProbe, adversarialProbe, corruptionsProbe, fairnessProbe];

export function findProbe(name: string): Probe<any> | undefined {
  return PROBES.find((p) => p.name === name);
}
