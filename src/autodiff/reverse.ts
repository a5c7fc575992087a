/**
 * The reverse-mode transform: given an ONNX model, build a second ONNX model that computes, in one
 * run, the logits, a per-sample loss and d(Σ loss)/d(input).
 *
 * The forward nodes are kept (up to exact rewrites that make the reverse pass cheaper, rewrite.ts);
 * the loss head (loss-graph.ts) seeds the cotangent of the logits, and the graph is walked in reverse topological order, each node's rule (rules/*.ts)
 * emitting its vector-Jacobian product as ONNX nodes. Cotangents reaching a value from several
 * consumers are summed. Only input gradients are built — weights never get one.
 */
import { constantTensors, differentiablePath, differentiableSlots, findUnsupportedOps } from './coverage.js';
import { GraphEmitter } from './emitter.js';
import { emitLoss, LOSS_FEEDS, type LossKind } from './loss-graph.js';
import {
  attrInt,
  DataType,
  defaultOpset,
  encodeModel,
  tensorValues,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-proto.js';
import { getRule } from './registry.js';
import { commuteReluMaxPool, foldBatchNormIntoConv } from './rewrite.js';
import './rules/index.js';
import type { ShapeTable } from './shape-probe.js';
import type { AttrValue, StaticShape, VjpContext } from './vjp-types.js';

export const GRAD_OUTPUTS = { logits: 'fl_logits', loss: 'fl_loss', grad: 'fl_grad' } as const;

/** Oldest default-domain opset the transform emits for (every rule uses the opset-11+ input forms). */
export const MIN_OPSET = 11;

export class UnsupportedModelError extends Error {}

/** Ops whose meaning changed between opsets 13 and 16 (RoiAlign's default coordinate mode; recurrent layouts). */
const CHANGED_13_TO_16 = new Set(['RoiAlign', 'GRU', 'LSTM', 'RNN']);

/**
 * The default-domain opset of the gradient model. Opsets 13–15 are raised to 16 when no node's
 * meaning differs between them (every other op kept its semantics: 14–16 only added types and
 * optional attributes with the old defaults), because opset 16 gives ScatterElements
 * reduction='add', which makes the backward of overlapping max-pool windows one scatter instead of
 * several unpools. Older opsets changed op forms (Softmax axis semantics, ReduceSum/Squeeze axes as
 * inputs) and are kept as they are.
 */
export function gradientOpset(proto: ModelProto, opset: number): number {
  if (opset < 13 || opset >= 16) return opset;
  const nodes = proto.graph?.node ?? [];
  if (nodes.some((n) => (!n.domain || n.domain === 'ai.onnx') && CHANGED_13_TO_16.has(n.op_type))) return opset;
  return 16;
}

export interface GradientGraphOptions {
  inputName: string;
  outputName: string;
  loss: LossKind;
  numClasses: number;
  shapes: ShapeTable;
  /**
   * The model outputs probabilities: losses other than 'cotangent' then use log-probabilities as
   * logits (taken from the input of a final Softmax when there is one, which is exact and stable).
   */
  probabilities?: boolean;
}

export interface GradientGraph {
  bytes: Uint8Array;
  /** Extra inputs the loss needs, in LOSS_FEEDS order. */
  feeds: string[];
}

class NodeContext implements VjpContext {
  constructor(
    readonly node: NodeProto,
    private readonly e: GraphEmitter,
    private readonly shapes: ShapeTable,
    private readonly constants: Map<string, TensorProto>,
  ) {}
  get opset(): number {
    return this.e.opset;
  }
  get floatType(): number {
    return this.e.floatType;
  }
  get emitter(): GraphEmitter {
    return this.e;
  }
  emit(opType: string, inputs: string[], attrs?: Record<string, AttrValue>, outputs?: number): string[] {
    return this.e.emit(opType, inputs, attrs, outputs);
  }
  op(opType: string, inputs: string[], attrs?: Record<string, AttrValue>): string {
    return this.e.op(opType, inputs, attrs);
  }
  constFloat(values: number[], dims?: number[]): string {
    return this.e.constFloat(values, dims);
  }
  constInt64(values: number[], dims?: number[]): string {
    return this.e.constInt64(values, dims);
  }
  shape(name: string): StaticShape | undefined {
    const s = this.shapes.get(name)?.shape;
    if (s) return s;
    const t = this.constants.get(name);
    return t ? (t.dims ?? []).map(Number) : undefined;
  }
  probeShape(name: string): number[] | undefined {
    const s = this.shapes.get(name)?.probe;
    if (s) return s;
    const t = this.constants.get(name);
    return t ? (t.dims ?? []).map(Number) : undefined;
  }
  constant(name: string): Float64Array | undefined {
    const t = this.constants.get(name);
    return t ? tensorValues(t) : undefined;
  }
  unbroadcast(grad: string, from: string | number[], to: string): string {
    const ys = typeof from === 'string' ? this.probeShape(from) : from;
    const xs = this.probeShape(to);
    if (!ys || !xs) throw new Error(`internal: no shape recorded for '${!ys ? from : to}' (node ${this.node.name})`);
    const lead = ys.length - xs.length;
    const axes: number[] = [];
    for (let i = 0; i < ys.length; i++) {
      if (i < lead) axes.push(i);
      else if (xs[i - lead] === 1 && ys[i] !== 1) axes.push(i);
    }
    if (axes.length === 0) return grad;
    const reduced = this.e.reduce('ReduceSum', grad, axes, true);
    if (lead === 0) return reduced;
    return this.e.op('Reshape', [reduced, this.e.op('Shape', [to])]);
  }
  forwardOutput(index: number): string {
    const outs = (this.node.output ??= []);
    while (outs.length <= index) outs.push('');
    if (!outs[index]) outs[index] = this.e.fresh(`${this.node.op_type}_out${index}`);
    return outs[index];
  }
}

function floatTypeOf(shapes: ShapeTable, name: string): number {
  const dt = shapes.get(name)?.dtype;
  if (dt === 'float64') return DataType.DOUBLE;
  if (dt === 'float32' || dt === undefined) return DataType.FLOAT;
  throw new UnsupportedModelError(`value '${name}' has type ${dt}; input gradients need float32 or float64 values`);
}

/** Build the gradient model for one loss. Throws UnsupportedModelError naming the ops without a rule. */
export function buildGradientGraph(proto: ModelProto, opts: GradientGraphOptions): GradientGraph {
  const opset = defaultOpset(proto);
  if (opset < MIN_OPSET) {
    throw new UnsupportedModelError(`model uses ONNX opset ${opset}; exact gradients need opset ≥ ${MIN_OPSET} (re-export the model with a newer opset)`);
  }
  const graph = proto.graph ?? {};
  const unsupported = findUnsupportedOps(graph, opts.inputName, opts.outputName, opset);
  if (unsupported.length > 0) {
    const list = unsupported.map((u) => `${u.opType} (node '${u.node}'${u.reason ? `: ${u.reason}` : ''})`).join(', ');
    throw new UnsupportedModelError(`no exact gradient rule for ${list}`);
  }
  const floatType = floatTypeOf(opts.shapes, opts.outputName);
  const gradOpset = gradientOpset(proto, opset);
  const e = new GraphEmitter(gradOpset, floatType);
  const constants = constantTensors(graph);
  // Forward nodes are copied so rewrites and rules may change them (never the caller's model).
  const forward: NodeProto[] = (graph.node ?? []).map((n) => ({ ...n, input: [...(n.input ?? [])], output: [...(n.output ?? [])] }));
  const shapes: ShapeTable = new Map(opts.shapes);
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const folded = foldBatchNormIntoConv(forward, graphOutputs, constants);
  commuteReluMaxPool(forward, graphOutputs, shapes);
  const fwdGraph = { ...graph, node: forward };

  // ---- loss head -------------------------------------------------------------------------
  const feeds = LOSS_FEEDS[opts.loss];
  const outputNode = forward.find((n) => (n.output ?? []).includes(opts.outputName));
  let lossLogits = opts.outputName;
  let seedName = opts.outputName;
  let viaLog = false;
  if (opts.probabilities && opts.loss !== 'cotangent') {
    const axis = outputNode ? attrInt(outputNode, 'axis', opset >= 13 ? -1 : 1) : 0;
    if (outputNode?.op_type === 'Softmax' && (axis === -1 || axis === 1) && !outputNode.domain) {
      lossLogits = outputNode.input![0];
      seedName = lossLogits;
    } else {
      lossLogits = e.op('Log', [e.op('Max', [opts.outputName, e.constFloat([1e-30])])]);
      viaLog = true;
    }
  }
  const head = emitLoss(e, opts.loss, lossLogits, opts.numClasses, feeds);
  const cot = new Map<string, string[]>();
  const add = (name: string, g: string): void => {
    const l = cot.get(name);
    if (l) l.push(g);
    else cot.set(name, [g]);
  };
  add(seedName, viaLog ? e.op('Div', [head.dLogits, e.op('Max', [opts.outputName, e.constFloat([1e-30])])]) : head.dLogits);

  // ---- reverse sweep ---------------------------------------------------------------------
  const path = differentiablePath(fwdGraph, opts.inputName, seedName);
  for (let k = path.nodes.length - 1; k >= 0; k--) {
    const node = path.nodes[k];
    const dOut = (node.output ?? []).map((o) => {
      const l = o ? cot.get(o) : undefined;
      return l && l.length > 0 ? e.sum(l) : null;
    });
    if (dOut.every((d) => d === null)) continue;
    const slots = new Set(differentiableSlots(node));
    const wanted = (node.input ?? []).map((n, i) => slots.has(i) && path.live.has(n));
    const rule = getRule(node.op_type, node.domain)!;
    const ctx = new NodeContext(node, e, shapes, constants);
    let dIn: (string | null)[];
    try {
      dIn = rule.vjp(ctx, dOut, wanted);
    } catch (err) {
      throw new UnsupportedModelError(`cannot differentiate ${node.op_type} node '${node.name ?? node.output?.[0]}': ${(err as Error).message}`);
    }
    dIn.forEach((g, i) => {
      if (g && wanted[i]) add(node.input![i], g);
    });
  }
  const gIn = cot.get(opts.inputName);
  const grad = gIn && gIn.length > 0 ? e.sum(gIn) : e.zerosLike(opts.inputName);
  e.nodes.push(
    { op_type: 'Identity', name: 'fl∂/out_logits', input: [opts.outputName], output: [GRAD_OUTPUTS.logits] },
    { op_type: 'Identity', name: 'fl∂/out_loss', input: [head.loss], output: [GRAD_OUTPUTS.loss] },
    { op_type: 'Identity', name: 'fl∂/out_grad', input: [grad], output: [GRAD_OUTPUTS.grad] },
  );

  // Weights and BN statistics the folding replaced: dropped when nothing reads them any more
  // (onnxruntime warns about every unused initializer).
  const used = new Set<string>();
  for (const n of [...forward, ...e.nodes]) for (const i of n.input ?? []) used.add(i);
  const foldedAway = new Set((graph.node ?? []).filter((n) => n.op_type === 'BatchNormalization' || n.op_type === 'Conv').flatMap((n) => (n.input ?? []).slice(1)));
  const floatVi = (name: string, dims?: (number | string)[]): ValueInfoProto => ({
    name,
    type: {
      tensor_type: {
        elem_type: floatType,
        ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } : {}),
      },
    },
  });
  const inputElem = floatTypeOf(opts.shapes, opts.inputName);
  const out: ModelProto = {
    ...proto,
    ...(gradOpset !== opset
      ? {
          ir_version: Math.max(proto.ir_version ?? 8, 8),
          opset_import: (proto.opset_import ?? []).map((o) => (!o.domain || o.domain === 'ai.onnx' ? { ...o, version: gradOpset } : o)),
        }
      : {}),
    graph: {
      ...graph,
      node: [...forward, ...e.nodes],
      initializer: [...(graph.initializer ?? []).filter((t) => used.has(t.name ?? '') || !foldedAway.has(t.name ?? '')), ...folded, ...e.initializers],
      input: [...(graph.input ?? []), ...feeds.map((f) => floatVi(f, ['N', opts.numClasses]))],
      output: [floatVi(GRAD_OUTPUTS.logits), floatVi(GRAD_OUTPUTS.loss), { ...floatVi(GRAD_OUTPUTS.grad), type: { tensor_type: { elem_type: inputElem } } }],
    },
  };
  return { bytes: encodeModel(out), feeds };
}
