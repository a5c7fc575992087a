/**
 * Appends nodes and constants to a graph under construction, with fresh names that cannot clash
 * with the model's own (every emitted name starts with the prefix `fl∂/`).
 */
import { DataType, makeFloatTensor, makeInt64Tensor, type AttributeProto, type NodeProto, type TensorProto } from './onnx-proto.js';
import type { AttrValue } from './vjp-types.js';

export const PREFIX = 'fl∂/';

function toAttribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer; pass { float: v } for floats`);
    return { name, type: 2, i: v };
  }
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if ('float' in v) return { name, type: 1, f: v.float };
  return { name, type: 6, floats: v.floats };
}

export class GraphEmitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private counter = 0;
  private readonly constCache = new Map<string, string>();

  constructor(
    readonly opset: number,
    /** TensorProto.DataType of float values in this graph (FLOAT or DOUBLE). */
    readonly floatType: number = DataType.FLOAT,
  ) {}

  fresh(hint: string): string {
    return `${PREFIX}${hint}_${this.counter++}`;
  }

  emit(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1, hint = opType): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(hint));
    this.nodes.push({
      op_type: opType,
      name: this.fresh(`${hint}_node`),
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return outs;
  }

  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.emit(opType, inputs, attrs, 1)[0];
  }

  /** A float constant in the graph's float type; scalars when dims is []. Deduplicated by value. */
  constFloat(values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): string {
    const key = `f:${dims.join(',')}:${values.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit && values.length <= 64) return hit;
    const name = this.fresh('const');
    this.initializers.push(makeFloatTensor(name, dims, values, this.floatType));
    if (values.length <= 64) this.constCache.set(key, name);
    return name;
  }

  /** A float constant from a typed array (large precomputed tensors), never deduplicated. */
  constFloatArray(values: ArrayLike<number>, dims: number[]): string {
    const name = this.fresh('const');
    this.initializers.push(makeFloatTensor(name, dims, values, this.floatType));
    return name;
  }

  constInt64(values: number[], dims: number[] = [values.length]): string {
    const key = `i:${dims.join(',')}:${values.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh('shape');
    this.initializers.push(makeInt64Tensor(name, dims, values));
    this.constCache.set(key, name);
    return name;
  }

  // ---- opset-aware building blocks --------------------------------------------------------

  /** ReduceSum/ReduceMean/ReduceMax over `axes` (axes became an input in opset 13 for ReduceSum, 18 for the others). */
  reduce(op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax', x: string, axes: number[], keepdims: boolean): string {
    const axesAsInput = op === 'ReduceSum' ? this.opset >= 13 : this.opset >= 18;
    if (axesAsInput) return this.op(op, [x, this.constInt64(axes)], { keepdims: keepdims ? 1 : 0 });
    return this.op(op, [x], { axes, keepdims: keepdims ? 1 : 0 });
  }

  unsqueeze(x: string, axes: number[]): string {
    if (this.opset >= 13) return this.op('Unsqueeze', [x, this.constInt64(axes)]);
    return this.op('Unsqueeze', [x], { axes });
  }

  squeeze(x: string, axes: number[]): string {
    if (this.opset >= 13) return this.op('Squeeze', [x, this.constInt64(axes)]);
    return this.op('Squeeze', [x], { axes });
  }

  /** Slice with constant starts/ends/axes/steps (input form, opset ≥ 10). */
  slice(x: string, starts: number[], ends: number[], axes: number[], steps?: number[]): string {
    const ins = [x, this.constInt64(starts), this.constInt64(ends), this.constInt64(axes)];
    if (steps) ins.push(this.constInt64(steps));
    return this.op('Slice', ins);
  }

  /** Constant-mode Pad with pads [begin..., end...] (input form, opset ≥ 11). */
  pad(x: string, pads: number[]): string {
    return this.op('Pad', [x, this.constInt64(pads)], { mode: 'constant' });
  }

  /** Zeros with the shape of `like` (ConstantOfShape keeps it exact for any batch size). */
  zerosLike(like: string): string {
    const value = makeFloatTensor('', [1], [0], this.floatType);
    delete value.name;
    this.nodes.push({
      op_type: 'ConstantOfShape',
      name: this.fresh('zeros_node'),
      input: [this.op('Shape', [like])],
      output: [this.fresh('zeros')],
      attribute: [{ name: 'value', type: 4, t: value }],
    });
    return this.nodes[this.nodes.length - 1].output![0];
  }

  /** dY where the boolean `cond` holds, else 0. */
  maskWhere(cond: string, dY: string): string {
    return this.op('Where', [cond, dY, this.constFloat([0])]);
  }

  /** Sum of several tensors of the same shape (one name → itself). */
  sum(terms: string[]): string {
    if (terms.length === 1) return terms[0];
    return this.op('Sum', terms);
  }
}
