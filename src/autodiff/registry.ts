/**
 * The reverse-mode rules, one per op type (the layout of tfjs-core's src/gradients/*_grad.ts):
 * each rule says which input slots carry a gradient and emits the vector-Jacobian product as ONNX
 * nodes. Rules register themselves in rules/index.ts.
 */
import type { VjpRule } from './vjp-types.js';

const RULES = new Map<string, VjpRule>();

export function registerRule(opType: string, rule: VjpRule): void {
  RULES.set(opType, rule);
}

/** The rule for a default-domain op, or undefined (custom domains have none). */
export function getRule(opType: string, domain?: string): VjpRule | undefined {
  if (domain && domain !== 'ai.onnx') return undefined;
  return RULES.get(opType);
}

export function supportedOpTypes(): string[] {
  return [...RULES.keys()].sort();
}
