import type { GraphEmitter } from './emitter.js';
import type { NodeProto } from './onnx-proto.js';

/** A dimension as seen at build time: a number, or 'batch-dependent' (changes with N). */
export type StaticShape = (number | null)[];

/** Attribute values accepted when emitting a node. */
export type AttrValue = number | number[] | string | { float: number } | { floats: number[] };

/** What a rule can do while emitting its VJP. */
export interface VjpContext {
  readonly node: NodeProto;
  readonly opset: number;
  /** Element type of the float tensors (TensorProto.DataType FLOAT or DOUBLE). */
  readonly floatType: number;
  /** Emit one node; returns its output names (fresh, unique). */
  emit(opType: string, inputs: string[], attrs?: Record<string, AttrValue>, outputs?: number): string[];
  /** Emit one node and return its single output. */
  op(opType: string, inputs: string[], attrs?: Record<string, AttrValue>): string;
  /** A float constant (initializer) in the graph's float type. */
  constFloat(values: number[], dims?: number[]): string;
  /** An int64 constant. */
  constInt64(values: number[], dims?: number[]): string;
  /**
   * Shape of a value at the probe batch sizes: dims equal at N=1 and N=2 are numbers, batch-dependent
   * dims are null. Undefined when the value was not observed.
   */
  shape(name: string): StaticShape | undefined;
  /** Shape of a value at the larger probe batch (N = 2), all numbers. */
  probeShape(name: string): number[] | undefined;
  /** Values of an initializer or Constant output, if the value is constant. */
  constant(name: string): Float64Array | undefined;
  /**
   * Reduce a cotangent to the shape of the broadcast operand `to` (numpy broadcasting): sums over
   * the axes `to` was broadcast along. `from` is the value (or probe shape) the cotangent has.
   */
  unbroadcast(grad: string, from: string | number[], to: string): string;
  /** The emitter, for the opset-aware building blocks (reduce, slice, pad, unsqueeze, ...). */
  readonly emitter: GraphEmitter;
  /** Rename a forward output to make a hidden output available (e.g. MaxPool Indices). */
  forwardOutput(index: number): string;
}

export interface VjpRule {
  /** Input slots that carry a gradient. */
  differentiableInputs(node: NodeProto): number[];
  /**
   * Why this node cannot be differentiated (attributes, opset, non-constant parameters), or null.
   * Checked statically by inspectOnnx; `constant` reads initializers and Constant outputs.
   */
  unsupported?(node: NodeProto, opset: number, constant: (name: string) => Float64Array | undefined): string | null;
  /**
   * Cotangents of the inputs given the cotangents of the outputs (null = zero). `wanted[i]` says
   * whether input i needs one; return null for an input that gets none.
   */
  vjp(ctx: VjpContext, dOut: (string | null)[], wanted: boolean[]): (string | null)[];
}
