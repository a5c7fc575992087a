/**
 * Which nodes lie on the differentiable path from the model input to the chosen output, and which
 * of those have no reverse-mode rule. A node is on the path when some differentiable input slot
 * depends on the model input AND the output depends on one of its outputs; shape-only subgraphs
 * (Shape → Gather → Concat → Reshape's shape input) never are, because rules declare which input
 * slots carry a gradient.
 */
import { attrTensor, DataType, tensorValues, type GraphProto, type NodeProto, type TensorProto } from './onnx-proto.js';
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

/** Initializers and Constant-node outputs by value name. */
export function constantTensors(graph: GraphProto): Map<string, TensorProto> {
  const out = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) if (t.name) out.set(t.name, t);
  for (const n of graph.node ?? []) {
    if (n.op_type !== 'Constant' || (n.domain && n.domain !== 'ai.onnx')) continue;
    const t = attrTensor(n, 'value');
    if (t) out.set(n.output![0], t);
    const a = n.attribute?.[0];
    if (!t && a?.name === 'value_float') out.set(n.output![0], { dims: [], data_type: DataType.FLOAT, float_data: [a.f ?? 0] });
    if (!t && a?.name === 'value_floats') out.set(n.output![0], { dims: [a.floats?.length ?? 0], data_type: DataType.FLOAT, float_data: a.floats ?? [] });
    if (!t && a?.name === 'value_int') out.set(n.output![0], { dims: [], data_type: DataType.INT64, int64_data: [a.i ?? 0] });
    if (!t && a?.name === 'value_ints') out.set(n.output![0], { dims: [a.ints?.length ?? 0], data_type: DataType.INT64, int64_data: a.ints ?? [] });
  }
  return out;
}

/** Ops on the gradient path without a rule (or whose attributes a rule cannot handle). */
export function findUnsupportedOps(graph: GraphProto, inputName: string, outputName: string, opset = 13): { opType: string; node: string; reason?: string }[] {
  const out: { opType: string; node: string; reason?: string }[] = [];
  const constants = constantTensors(graph);
  const constant = (name: string): Float64Array | undefined => {
    const t = constants.get(name);
    return t ? tensorValues(t) : undefined;
  };
  for (const node of differentiablePath(graph, inputName, outputName).nodes) {
    const rule = getRule(node.op_type, node.domain);
    const opType = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.op_type}` : node.op_type;
    const name = node.name || (node.output ?? [])[0] || '(unnamed)';
    if (!rule) {
      out.push({ opType, node: name });
      continue;
    }
    const reason = rule.unsupported?.(node, opset, constant) ?? null;
    if (reason) out.push({ opType, node: name, reason });
  }
  return out;
}
