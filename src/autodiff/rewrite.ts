/**
 * Forward-graph rewrites applied inside the gradient model only (the user's model is untouched),
 * each exact for values and for the PyTorch-convention gradient, chosen because they make the
 * reverse pass cheaper.
 *
 * Relu → MaxPool ⇒ MaxPool → Relu: max is monotone, so max(relu(a)) = relu(max(a)) bit for bit,
 * and the gradients agree too: where the window max is > 0 both pick the same (first) maximum,
 * otherwise both give 0 (PyTorch's relu has gradient 0 at 0). The ReLU mask then runs on the
 * pooled tensor (k² times smaller) instead of the full-resolution one.
 */
import type { NodeProto } from './onnx-proto.js';
import type { ShapeTable } from './shape-probe.js';

export function commuteReluMaxPool(nodes: NodeProto[], graphOutputs: Set<string>, shapes: ShapeTable): void {
  const consumers = new Map<string, number>();
  for (const n of nodes) for (const i of n.input ?? []) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  for (const pool of nodes) {
    if (pool.op_type !== 'MaxPool' || (pool.domain && pool.domain !== 'ai.onnx')) continue;
    if ((pool.output ?? []).filter(Boolean).length !== 1) continue; // Indices requested: leave alone
    const relu = producer.get(pool.input![0]);
    if (!relu || relu.op_type !== 'Relu' || (relu.domain && relu.domain !== 'ai.onnx')) continue;
    const mid = relu.output![0];
    if (consumers.get(mid) !== 1 || graphOutputs.has(mid)) continue;
    const pooledOut = pool.output![0];
    const pre = relu.input![0];
    const newMid = `${pooledOut}∂pre_relu`;
    // MaxPool now reads the pre-activation; Relu reads the pooled value and writes the old output.
    pool.input = [pre, ...pool.input!.slice(1)];
    pool.output = [newMid];
    relu.input = [newMid];
    relu.output = [pooledOut];
    const facts = shapes.get(pooledOut);
    if (facts) shapes.set(newMid, facts);
    // Keep topological order: the Relu must now come after the MaxPool.
    const ri = nodes.indexOf(relu);
    const pi = nodes.indexOf(pool);
    if (ri < pi) {
      nodes.splice(pi, 1);
      nodes.splice(ri, 0, pool);
    }
  }
}
