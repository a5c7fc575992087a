/**
 * Which nodes lie on the differentiable path from the model input to the chosen output, and which
 * of those have no reverse-mode rule. A node is on the path when some differentiable input slot
 * depends on the model input AND the output depends on one of its outputs; shape-only subgraphs
 * (Shape → Gather → Concat → Reshape's shape input) never are, because rules declare which input
 * slots carry a gradient.
 */
import type { GraphProto, NodeProto } from './onnx-proto.js';
import { getRule } from './registry.js';
import './rules/index.js';

/** Input slots of a node that can carry a gradient; unknown ops: all of them (conservative). */
export function differentiableSlots(node: NodeProto): number[] {
  const rule = getRule(node.op_type, node.domain);
  const n = (node.input ?? []).length;
  if (!rule) return Array.from({ length: n }, (_, i) => i);
  return rule.differentiableInputs(node).filter((i) => i < n && node.input![i] !== '');
}

export interface PathInfo {
  /** Value names that depend differentiably on the input. */
  live: Set<string>;
  /** Nodes (in graph order) with a live differentiable input whose outputs reach the output. */
  nodes: NodeProto[];
}

export function differentiablePath(graph: GraphProto, inputName: string, outputName: string): PathInfo {
  const nodes = graph.node ?? [];
  const live = new Set<string>([inputName]);
  const forward: NodeProto[] = [];
  for (const node of nodes) {
    const slots = differentiableSlots(node);
    if (slots.some((i) => live.has(node.input![i]))) {
      forward.push(node);
      for (const o of node.output ?? []) if (o) live.add(o);
    }
  }
  // Backward reachability from the output over the forward-live nodes.
  const needed = new Set<string>([outputName]);
  const onPath: NodeProto[] = [];
  for (let k = forward.length - 1; k >= 0; k--) {
    const node = forward[k];
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    onPath.push(node);
    for (const i of differentiableSlots(node)) if (live.has(node.input![i])) needed.add(node.input![i]);
  }
  onPath.reverse();
  return { live, nodes: onPath };
}

/** Ops on the gradient path without a rule (or whose attributes a rule cannot handle). */
export function findUnsupportedOps(graph: GraphProto, inputName: string, outputName: string, opset = 13): { opType: string; node: string; reason?: string }[] {
  const out: { opType: string; node: string; reason?: string }[] = [];
  for (const node of differentiablePath(graph, inputName, outputName).nodes) {
    const rule = getRule(node.op_type, node.domain);
    const opType = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.op_type}` : node.op_type;
    const name = node.name || (node.output ?? [])[0] || '(unnamed)';
    if (!rule) {
      out.push({ opType, node: name });
      continue;
    }
    const reason = rule.unsupported?.(node, opset) ?? null;
    if (reason) out.push({ opType, node: name, reason });
  }
  return out;
}
