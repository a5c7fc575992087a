/**
 * Shapes and element types of every value in a graph, observed by running it.
 *
 * Why run instead of infer: ONNX shape inference is not exposed by onnxruntime-node, and
 * re-implementing it for every op is a second copy of the spec. Running the model once at batch 1
 * and once at batch 2 with all intermediate values as outputs gives exact shapes, and the dims that
 * differ between the two runs are exactly the batch-dependent ones (which the VJP graph must take
 * from a runtime Shape op rather than a constant).
 */
import * as ort from 'onnxruntime-node';
import { encodeModel, type ModelProto } from './onnx-proto.js';
import type { StaticShape } from './vjp-types.js';

export interface ValueFacts {
  /** Dims at the larger probe batch. */
  probe: number[];
  /** Dims that do not depend on the batch size, null where they do. */
  shape: StaticShape;
  dtype: string;
}

export type ShapeTable = Map<string, ValueFacts>;

export async function probeShapes(
  proto: ModelProto,
  inputName: string,
  inputType: 'float32' | 'float64',
  sampleShape: number[],
  fixedBatch: number | null,
  /** Only these values (default: every node output). Large models: pass the gradient path's values. */
  only?: Set<string>,
): Promise<ShapeTable> {
  const graph = proto.graph ?? {};
  const produced = new Set<string>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o && (!only || only.has(o))) produced.add(o);
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  const extra = [...produced].filter((n) => !existing.has(n)).map((name) => ({ name }));
  const probeModel: ModelProto = { ...proto, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } };
  // No graph optimisation: fused nodes would drop the intermediate values we want to see.
  const session = await ort.InferenceSession.create(encodeModel(probeModel), { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  const runAt = async (n: number): Promise<Map<string, { dims: number[]; type: string }>> => {
    const shape = [n, ...sampleShape];
    const size = shape.reduce((a, b) => a * b, 1);
    // A non-constant input so that no op sees a degenerate all-equal tensor.
    const data = inputType === 'float64' ? new Float64Array(size) : new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = 0.25 + 0.5 * ((i * 7919) % 101) / 101;
    const res = await session.run({ [inputName]: new ort.Tensor(inputType, data, shape) });
    const out = new Map<string, { dims: number[]; type: string }>();
    for (const [k, v] of Object.entries(res)) out.set(k, { dims: [...v.dims], type: v.type });
    out.set(inputName, { dims: shape, type: inputType });
    return out;
  };
  try {
    const big = await runAt(fixedBatch ?? 2);
    const small = fixedBatch === null ? await runAt(1) : big;
    const table: ShapeTable = new Map();
    for (const [name, v] of big) {
      const s = small.get(name);
      const shape: StaticShape = v.dims.map((d, i) => (s && s.dims.length === v.dims.length && s.dims[i] === d ? d : null));
      table.set(name, { probe: v.dims, shape, dtype: v.type });
    }
    return table;
  } finally {
    await session.release();
  }
}
