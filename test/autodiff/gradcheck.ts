/**
 * Check the reverse-mode graph of a model against central finite differences of the same model's
 * forward pass, both run in onnxruntime. The model maps x [N, ...] to an output 'y' of any shape;
 * the check compares the gradient of Σ c ⊙ flatten(y) for a random cotangent c.
 */
import * as ort from 'onnxruntime-node';
import { DataType, encodeModel, type ModelProto } from '../../src/autodiff/onnx-proto.js';
import { ModelBuilder } from '../../src/autodiff/model-builder.js';
import { buildGradientGraph, GRAD_OUTPUTS } from '../../src/autodiff/reverse.js';
import { probeShapes } from '../../src/autodiff/shape-probe.js';
import { Rng } from '../../src/random.js';

export interface CheckResult {
  maxAbsErr: number;
  maxAbsGrad: number;
  /** maxAbsErr / max(maxAbsGrad, 1e-12) */
  rel: number;
  floatType: 'float64' | 'float32';
  grad: Float64Array;
  fd: Float64Array;
  /** The random cotangent the gradient was taken against. */
  cotangent: Float64Array;
}

export interface CheckOptions {
  /** Per-sample input shape (batch N is prepended). */
  sampleShape: number[];
  batch?: number;
  seed?: number;
  /** Input range for the random x. */
  range?: [number, number];
  /** Explicit input values (overrides range). */
  x?: Float64Array;
  /**
   * Distinct values spaced (hi − lo)/size apart, shuffled: max-type ops then have no near-ties that
   * a float32 finite-difference step could cross.
   */
  distinct?: boolean;
  /** Only build and run the gradient graph (for inputs where finite differences are undefined, e.g. ties). */
  skipFiniteDifferences?: boolean;
}

/**
 * Builds the model via `build` (called with a ModelBuilder whose float type is float64, or float32
 * when onnxruntime has no double kernel for an op) — `build` must add input 'x' with a dynamic
 * batch and end with b.finish(value, 'y').
 */
export async function gradCheck(build: (b: ModelBuilder) => void, opset: number, opts: CheckOptions): Promise<CheckResult> {
  try {
    return await runCheck(build, opset, opts, DataType.DOUBLE);
  } catch (e) {
    const msg = (e as Error).message;
    if (!/NOT_IMPLEMENTED|Could not find an implementation|not implemented|type.*not supported/i.test(msg)) throw e;
    return runCheck(build, opset, opts, DataType.FLOAT);
  }
}

async function runCheck(build: (b: ModelBuilder) => void, opset: number, opts: CheckOptions, floatType: number): Promise<CheckResult> {
  const b = new ModelBuilder(opset, floatType);
  build(b);
  const proto: ModelProto = b.proto();
  const double = floatType === DataType.DOUBLE;
  const dtype = double ? 'float64' : 'float32';
  const n = opts.batch ?? 2;
  const shape = [n, ...opts.sampleShape];
  const size = shape.reduce((a, c) => a * c, 1);
  const rng = new Rng(opts.seed ?? 1);
  const [lo, hi] = opts.range ?? [-1, 1];
  let x = opts.x ?? rng.fillUniform(new Float64Array(size), lo, hi);
  if (opts.distinct && !opts.x) {
    const order = rng.shuffle(Array.from({ length: size }, (_, i) => i)) as number[];
    x = Float64Array.from(order, (k) => lo + ((hi - lo) * (k + 0.5)) / size);
  }

  const forward = await ort.InferenceSession.create(encodeModel(proto), { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  const tensor = (v: Float64Array, dims: number[]): ort.Tensor => (double ? new ort.Tensor('float64', v, dims) : new ort.Tensor('float32', Float32Array.from(v), dims));
  const fwd = async (v: Float64Array): Promise<Float64Array> => {
    const r = await forward.run({ x: tensor(v, shape) });
    return Float64Array.from(r.y.data as ArrayLike<number>);
  };
  const y0 = await fwd(x);
  const outDims = (await forward.run({ x: tensor(x, shape) })).y.dims;
  const perOut = y0.length / n;
  const c = rng.fillUniform(new Float64Array(y0.length), -1, 1);

  // Gradient graph: wrap y as [N, perOut] "logits" through a Reshape so the loss head applies.
  const wrapped: ModelProto = structuredClone(proto);
  const g = wrapped.graph!;
  g.initializer!.push({ name: 'gc_shape', dims: [2], data_type: DataType.INT64, int64_data: [-1, perOut] });
  g.node!.push({ op_type: 'Reshape', name: 'gc_flat', input: ['y', 'gc_shape'], output: ['gc_logits'] });
  g.output = [{ name: 'gc_logits', type: { tensor_type: { elem_type: floatType } } }];
  const shapes = await probeShapes(wrapped, 'x', dtype, opts.sampleShape, null);
  const built = buildGradientGraph(wrapped, { inputName: 'x', outputName: 'gc_logits', loss: 'cotangent', numClasses: perOut, shapes });
  const gsess = await ort.InferenceSession.create(built.bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  const res = await gsess.run({ x: tensor(x, shape), fl_cotangent: tensor(c, [n, perOut]) });
  const grad = Float64Array.from(res[GRAD_OUTPUTS.grad].data as ArrayLike<number>);
  const loss = Float64Array.from(res[GRAD_OUTPUTS.loss].data as ArrayLike<number>);
  // The loss output must be Σ_j c_ij y_ij of the forward pass.
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < perOut; j++) s += c[i * perOut + j] * y0[i * perOut + j];
    if (Math.abs(s - loss[i]) > (double ? 1e-9 : 1e-4) * Math.max(1, Math.abs(s))) {
      throw new Error(`loss output ${loss[i]} ≠ Σ c·y = ${s} (sample ${i}, y dims [${outDims.join(', ')}])`);
    }
  }

  if (opts.skipFiniteDifferences) {
    await forward.release();
    await gsess.release();
    return { maxAbsErr: 0, maxAbsGrad: 0, rel: 0, floatType: dtype, grad, fd: new Float64Array(0), cotangent: c };
  }
  // Central differences, one coordinate at a time.
  const h = double ? 1e-6 : 1e-2;
  const fd = new Float64Array(size);
  const xp = Float64Array.from(x);
  for (let k = 0; k < size; k++) {
    xp[k] = x[k] + h;
    const up = await fwd(xp);
    xp[k] = x[k] - h;
    const dn = await fwd(xp);
    xp[k] = x[k];
    let s = 0;
    for (let j = 0; j < up.length; j++) s += c[j] * (up[j] - dn[j]);
    fd[k] = s / (2 * h);
  }
  await forward.release();
  await gsess.release();
  let maxAbsErr = 0;
  let maxAbsGrad = 0;
  for (let k = 0; k < size; k++) {
    maxAbsErr = Math.max(maxAbsErr, Math.abs(grad[k] - fd[k]));
    maxAbsGrad = Math.max(maxAbsGrad, Math.abs(fd[k]));
  }
  return { maxAbsErr, maxAbsGrad, rel: maxAbsErr / Math.max(maxAbsGrad, 1e-12), floatType: dtype, grad, fd, cotangent: c };
}

/** Tolerance on `rel` for a result: tight for float64, looser for float32 central differences. */
export function tolerance(r: CheckResult): number {
  return r.floatType === 'float64' ? 1e-6 : 1e-3;
}

/** Deterministic weights in [−scale, scale]. */
export function weights(seed: number, size: number, scale = 0.5): Float64Array {
  return new Rng(seed).fillUniform(new Float64Array(size), -scale, scale) as Float64Array;
}
