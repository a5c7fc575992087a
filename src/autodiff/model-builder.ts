/**
 * Build small ONNX models in code: single-op models for the VJP checks and the deterministic test
 * fixtures (fixtures/build-onnx-fixtures.ts). Produces a ModelProto that encodeModel serializes.
 */
import {
  DataType,
  encodeModel,
  makeFloatTensor,
  makeInt64Tensor,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-proto.js';

export type BuilderAttr = number | number[] | string | { float: number } | { floats: number[] } | { tensor: TensorProto };

function attribute(name: string, v: BuilderAttr): AttributeProto {
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if ('float' in v) return { name, type: 1, f: v.float };
  if ('floats' in v) return { name, type: 6, floats: v.floats };
  return { name, type: 4, t: v.tensor };
}

export class ModelBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly inits: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private count = 0;

  constructor(
    readonly opset = 13,
    /** DataType of float inputs, outputs and initializers (FLOAT or DOUBLE). */
    readonly floatType: number = DataType.FLOAT,
  ) {}

  private vi(name: string, dims: (number | string)[] | null, elemType = this.floatType): ValueInfoProto {
    return {
      name,
      type: {
        tensor_type: {
          elem_type: elemType,
          ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } : {}),
        },
      },
    };
  }

  /** A graph input; use a string (e.g. 'N') for a dynamic dimension. */
  input(name: string, dims: (number | string)[]): string {
    this.inputs.push(this.vi(name, dims));
    return name;
  }

  output(name: string, dims: (number | string)[] | null = null): void {
    this.outputs.push(this.vi(name, dims));
  }

  /** A float initializer in the model's float type. */
  weight(hint: string, dims: number[], values: ArrayLike<number>): string {
    const name = `${hint}_${this.count++}`;
    this.inits.push(makeFloatTensor(name, dims, values, this.floatType));
    return name;
  }

  ints(hint: string, values: number[], dims: number[] = [values.length]): string {
    const name = `${hint}_${this.count++}`;
    this.inits.push(makeInt64Tensor(name, dims, values));
    return name;
  }

  /** Append a node; returns its output names. */
  node(opType: string, inputs: string[], attrs: Record<string, BuilderAttr> = {}, outputs = 1, name?: string): string[] {
    const base = name ?? `${opType.toLowerCase()}_${this.count++}`;
    const outs = Array.from({ length: outputs }, (_, i) => (outputs === 1 ? `${base}_out` : `${base}_out${i}`));
    this.nodes.push({
      op_type: opType,
      name: base,
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Append a node with one output and return it. */
  op(opType: string, inputs: string[], attrs: Record<string, BuilderAttr> = {}, name?: string): string {
    return this.node(opType, inputs, attrs, 1, name)[0];
  }

  /** Rename the value `from` to the graph output `to` via Identity. */
  finish(from: string, to: string, dims: (number | string)[] | null = null): void {
    this.nodes.push({ op_type: 'Identity', name: `${to}_identity`, input: [from], output: [to] });
    this.output(to, dims);
  }

  proto(): ModelProto {
    return {
      ir_version: this.opset >= 21 ? 10 : this.opset >= 15 ? 8 : 7,
      producer_name: 'faultline-model-builder',
      opset_import: [{ domain: '', version: this.opset }],
      graph: { name: 'g', node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs },
    };
  }

  bytes(): Uint8Array {
    return encodeModel(this.proto());
  }
}
