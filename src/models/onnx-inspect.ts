/**
 * What an ONNX file contains, read from its protobuf: inputs/outputs with shapes, opset, op
 * histogram, parameter count, and whether faultline can differentiate it exactly.
 */
import { readFile } from 'node:fs/promises';
import {
  DATA_TYPE_NAMES,
  decodeModel,
  defaultOpset,
  tensorSize,
  valueElemType,
  valueShape,
  type ModelProto,
} from '../autodiff/onnx-proto.js';
import { findUnsupportedOps } from '../autodiff/coverage.js';

export interface OnnxValueInfo {
  name: string;
  /** Fixed dims as numbers; symbolic dims as their name; unknown as null. */
  shape: (number | string | null)[] | null;
  dtype: string;
}

export interface OnnxInspection {
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  opset: number;
  irVersion: number;
  producer: string;
  /** Node count per op type, e.g. { Conv: 2, Relu: 3 }. */
  opHistogram: Record<string, number>;
  /** Total elements of all initializers. */
  parameterCount: number;
  /** True when every op between the input and the output has a reverse-mode rule. */
  exactGradients: boolean;
  /** Ops on the input→output path without an exact rule, with why when a rule exists but cannot handle the node. */
  unsupportedOps: { opType: string; node: string; reason?: string }[];
}

export function inspectModelProto(model: ModelProto, inputName?: string, outputName?: string): OnnxInspection {
  const graph = model.graph ?? {};
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const info = (v: { name: string }): OnnxValueInfo => ({
    name: v.name,
    shape: valueShape(v),
    dtype: DATA_TYPE_NAMES[valueElemType(v)] ?? String(valueElemType(v)),
  });
  // Older exporters list initializers among graph inputs (IR < 4); those are not model inputs.
  const inputs = (graph.input ?? []).filter((v) => !inits.has(v.name)).map(info);
  const outputs = (graph.output ?? []).map(info);
  const opHistogram: Record<string, number> = {};
  for (const n of graph.node ?? []) {
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.op_type}` : n.op_type;
    opHistogram[key] = (opHistogram[key] ?? 0) + 1;
  }
  let parameterCount = 0;
  for (const t of graph.initializer ?? []) parameterCount += tensorSize(t);
  const inName = inputName ?? inputs[0]?.name;
  const outName = outputName ?? outputs[0]?.name;
  const unsupportedOps = inName && outName ? findUnsupportedOps(graph, inName, outName) : [];
  return {
    inputs,
    outputs,
    opset: defaultOpset(model),
    irVersion: model.ir_version ?? 0,
    producer: [model.producer_name, model.producer_version].filter(Boolean).join(' '),
    opHistogram,
    parameterCount,
    exactGradients: unsupportedOps.length === 0,
    unsupportedOps,
  };
}

/** Inspect an .onnx file. `inputName`/`outputName` pick the gradient path when there are several. */
export async function inspectOnnx(path: string, opts: { inputName?: string; outputName?: string } = {}): Promise<OnnxInspection> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`cannot read ONNX model '${path}': ${(e as Error).message}`);
  }
  return inspectModelProto(decodeModel(bytes), opts.inputName, opts.outputName);
}
