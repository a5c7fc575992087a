/**
 * Forward-graph rewrites applied inside the gradient model only (the user's model is untouched),
 * each exact for values and for the PyTorch-convention gradient, chosen because they make the
 * reverse pass cheaper.
 *
 * Relu → MaxPool ⇒ MaxPool → Relu: max is monotone, so max(relu(a)) = relu(max(a)) bit for bit,
 * and the gradients agree too: where the window max is > 0 both pick the same (first) maximum,
 * otherwise both give 0 (PyTorch's relu has gradient 0 at 0). The ReLU mask then runs on the
 * pooled tensor (k² times smaller) instead of the full-resolution one.
 *
 * Conv → BatchNormalization (inference, constant statistics) ⇒ one Conv with folded weights:
 * W′[m] = W[m]·s[m], B′[m] = (B[m] − mean[m])·s[m] + β[m], s = γ/√(var + ε). onnxruntime's own
 * ConvBNFusion does the same to the plain forward model, so the logits are what the forward model
 * computes; the reverse pass then has no per-channel Mul (the scale sits in the transposed conv's
 * weights), one full-size elementwise pass less per BN.
 */
import { attrFloat, attrInt, DataType, makeFloatTensor, tensorValues, type NodeProto, type TensorProto } from './onnx-proto.js';
import type { ShapeTable } from './shape-probe.js';

const isDefault = (n: NodeProto): boolean => !n.domain || n.domain === 'ai.onnx';

/**
 * Folds every inference BatchNormalization that directly follows a Conv (whose output feeds nothing
 * else) into that Conv. New initializers are added to `constants` and returned; the caller's
 * tensors are never changed. Computed in float64, stored in the weights' own float type.
 */
export function foldBatchNormIntoConv(nodes: NodeProto[], graphOutputs: Set<string>, constants: Map<string, TensorProto>): TensorProto[] {
  const consumers = new Map<string, number>();
  for (const n of nodes) for (const i of n.input ?? []) if (i) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) if (o) producer.set(o, n);
  const added: TensorProto[] = [];
  const removed = new Set<NodeProto>();
  for (const bn of nodes) {
    if (bn.op_type !== 'BatchNormalization' || !isDefault(bn)) continue;
    if (attrInt(bn, 'training_mode', 0) !== 0 || (bn.output ?? []).filter(Boolean).length !== 1) continue;
    const conv = producer.get(bn.input![0]);
    if (!conv || conv.op_type !== 'Conv' || !isDefault(conv)) continue;
    const mid = conv.output![0];
    if (consumers.get(mid) !== 1 || graphOutputs.has(mid)) continue;
    const wT = constants.get(conv.input![1]);
    const bT = conv.input![2] ? constants.get(conv.input![2]) : undefined;
    if (!wT || (conv.input![2] && !bT)) continue;
    if (wT.data_type !== DataType.FLOAT && wT.data_type !== DataType.DOUBLE) continue;
    const params = bn.input!.slice(1, 5).map((n) => (n ? constants.get(n) : undefined));
    if (params.some((t) => !t)) continue;
    const [gamma, beta, mean, variance] = params.map((t) => tensorValues(t!));
    const w = tensorValues(wT);
    const m = Number(wT.dims![0]);
    if (gamma.length !== m || beta.length !== m || mean.length !== m || variance.length !== m) continue;
    const eps = attrFloat(bn, 'epsilon', 1e-5);
    const per = w.length / m;
    const bias = bT ? tensorValues(bT) : new Float64Array(m);
    const fw = new Float64Array(w.length);
    const fb = new Float64Array(m);
    for (let c = 0; c < m; c++) {
      const s = gamma[c] / Math.sqrt(variance[c] + eps);
      for (let k = 0; k < per; k++) fw[c * per + k] = w[c * per + k] * s;
      fb[c] = (bias[c] - mean[c]) * s + beta[c];
    }
    const out = bn.output![0];
    const wName = `${out}∂folded_W`;
    const bName = `${out}∂folded_B`;
    const wNew = makeFloatTensor(wName, wT.dims!.map(Number), fw, wT.data_type);
    const bNew = makeFloatTensor(bName, [m], fb, wT.data_type);
    constants.set(wName, wNew);
    constants.set(bName, bNew);
    added.push(wNew, bNew);
    conv.input = [conv.input![0], wName, bName];
    conv.output = [out];
    removed.add(bn);
  }
  for (let i = nodes.length - 1; i >= 0; i--) if (removed.has(nodes[i])) nodes.splice(i, 1);
  return added;
}

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
