/**
 * The ONNX model adapter: onnxruntime-node inference in faultline's pixel space, with exact input
 * gradients from the reverse-mode transform in src/autodiff (or estimated ones when an op has no rule).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { decodeModel, valueShape, type ModelProto } from '../autodiff/onnx-proto.js';
import { sampleSize, type Batch } from '../tensor.js';
import { inspectModelProto, type OnnxInspection } from './onnx-inspect.js';
import { pixelTransform, toModelSpace, type PixelTransform } from './onnx-pixels.js';
import { gradientEngineFor, type GradientEngine } from './onnx-gradient.js';
import type { GradientMode, GradientResult, LoadOptions, LossSpec, Model, ModelMeta, ModelSpec, OutputKind } from './types.js';

export { inspectOnnx, type OnnxInspection } from './onnx-inspect.js';

/** onnxruntime-node's version, for meta.backend. */
export function ortVersion(): string {
  return (ort.env as { versions?: { node?: string; common?: string } }).versions?.node ?? (ort.env.versions?.common ?? 'unknown');
}

export function sessionOptions(threads?: number): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
    ...(threads && threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  };
}

function pickName(kind: 'input' | 'output', names: readonly string[], wanted: string | undefined, path: string): string {
  if (wanted !== undefined) {
    if (!names.includes(wanted)) {
      throw new Error(`model '${path}' has no ${kind} named '${wanted}'; its ${kind}s are: ${names.join(', ')}. Fix model.${kind}Name in the config.`);
    }
    return wanted;
  }
  if (names.length === 0) throw new Error(`model '${path}' declares no ${kind}s`);
  return names[0];
}

/** Per-sample shape and fixed batch of the model input, from the protobuf graph. */
function inputGeometry(proto: ModelProto, inputName: string, spec: ModelSpec): { sampleShape: number[]; fixedBatch: number | null } {
  const vi = (proto.graph?.input ?? []).find((v) => v.name === inputName);
  const dims = vi ? valueShape(vi) : null;
  const declared = declaredSampleShape(spec);
  if (!dims || dims.length === 0) {
    if (!declared) throw new Error(`model input '${inputName}' has no shape in the ONNX graph; declare model.inputSize and model.channels (or use a model with a typed input)`);
    return { sampleShape: declared, fixedBatch: null };
  }
  const fixedBatch = typeof dims[0] === 'number' ? dims[0] : null;
  const sampleShape = dims.slice(1).map((d, i) => {
    if (typeof d === 'number') return d;
    if (declared && declared.length === dims.length - 1) return declared[i];
    throw new Error(
      `model input '${inputName}' has a symbolic dimension '${d ?? '?'}' at axis ${i + 1} (shape [${dims.join(', ')}]); declare model.inputSize/channels so faultline knows the sample shape`,
    );
  });
  if (declared && declared.length === sampleShape.length && declared.some((d, i) => d !== sampleShape[i])) {
    throw new Error(
      `config says the model takes ${spec.layout} samples of shape [${declared.join(', ')}] but '${inputName}' in the ONNX graph is [${dims.join(', ')}]; fix model.layout/inputSize/channels`,
    );
  }
  return { sampleShape, fixedBatch };
}

function declaredSampleShape(spec: ModelSpec): number[] | null {
  if (spec.layout === 'NC' || !spec.inputSize || !spec.channels) return null;
  const [h, w] = spec.inputSize;
  return spec.layout === 'NCHW' ? [spec.channels, h, w] : [h, w, spec.channels];
}

/** Rows all non-negative and summing to 1 within 1e-3 → the model outputs probabilities. */
export function looksLikeProbabilities(out: Float32Array, classes: number): boolean {
  if (out.length === 0) return false;
  for (let i = 0; i < out.length; i += classes) {
    let s = 0;
    for (let j = 0; j < classes; j++) {
      const v = out[i + j];
      if (!(v >= 0)) return false;
      s += v;
    }
    if (Math.abs(s - 1) > 1e-3) return false;
  }
  return true;
}

export class OnnxModel implements Model {
  readonly meta: ModelMeta;
  readonly inspection: OnnxInspection;
  private outputKindResolved: boolean;

  constructor(
    private readonly session: ort.InferenceSession,
    meta: ModelMeta,
    inspection: OnnxInspection,
    private readonly transform: PixelTransform,
    private readonly inputType: 'float32' | 'float64',
    private readonly preferredBatch: number,
    private readonly engine: GradientEngine,
    outputKindDeclared: boolean,
  ) {
    this.meta = meta;
    this.inspection = inspection;
    this.outputKindResolved = outputKindDeclared;
  }

  /** The engine's mode: final at load, or (deferred engine) what operator coverage promises until the first gradient. */
  get gradientMode(): GradientMode {
    return this.engine.mode;
  }

  /** Runs one chunk that already has the model's batch size (or any size for a dynamic batch). */
  private async runChunk(xModel: Float32Array, n: number): Promise<Float32Array> {
    const shape = [n, ...this.meta.sampleShape];
    const tensor = this.inputType === 'float64' ? new ort.Tensor('float64', Float64Array.from(xModel), shape) : new ort.Tensor('float32', xModel, shape);
    const res = await this.session.run({ [this.meta.inputName]: tensor }, [this.meta.outputName]);
    const out = res[this.meta.outputName];
    const data = out.data instanceof Float32Array ? out.data : Float32Array.from(out.data as ArrayLike<number>);
    tensor.dispose?.();
    out.dispose?.();
    return data;
  }

  /**
   * Model-space input → [N, C] outputs, splitting/padding to the fixed batch when there is one. Not an
   * async function: the common case (a dynamic batch that fits in one run) returns runChunk's promise
   * itself, without another async frame per batch on the thread that runs inference.
   */
  predictModelSpace(xModel: Float32Array, n: number): Promise<Float32Array> {
    const chunk = this.meta.fixedBatch ?? Math.max(1, this.preferredBatch);
    if (n <= chunk && this.meta.fixedBatch === null) return this.runChunk(xModel, n);
    return this.predictInChunks(xModel, n, chunk);
  }

  private async predictInChunks(xModel: Float32Array, n: number, chunk: number): Promise<Float32Array> {
    const per = sampleSize([n, ...this.meta.sampleShape]);
    const parts: Float32Array[] = [];
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      let slice = xModel.subarray(s * per, (s + m) * per);
      let rows = m;
      if (this.meta.fixedBatch !== null && m < chunk) {
        const padded = new Float32Array(chunk * per);
        padded.set(slice);
        slice = padded;
        rows = chunk;
      }
      const out = await this.runChunk(slice.slice(), rows);
      parts.push(out.subarray(0, m * (out.length / rows)));
    }
    const total = parts.reduce((a, p) => a + p.length, 0);
    const all = new Float32Array(total);
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    return all;
  }

  private checkBatch(x: Batch): void {
    const want = this.meta.sampleShape;
    let same = x.shape.length === want.length + 1;
    for (let i = 0; same && i < want.length; i++) same = x.shape[i + 1] === want[i];
    if (!same) {
      throw new Error(`batch has sample shape [${x.shape.slice(1).join(', ')}] but model '${this.meta.path}' expects [${want.join(', ')}] (${this.meta.layout})`);
    }
  }

  // Not an async function either (see predictModelSpace); errors still arrive as rejections.
  predict(x: Batch): Promise<Float32Array> {
    try {
      this.checkBatch(x);
      const n = x.shape[0];
      if (n === 0) return Promise.resolve(new Float32Array(0));
      const out = this.predictModelSpace(toModelSpace(this.transform, x.data, this.meta.sampleShape), n);
      if (this.outputKindResolved) return out;
      return out.then((o) => {
        this.resolveOutputKind(o);
        return o;
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private resolveOutputKind(out: Float32Array): void {
    if (this.outputKindResolved) return;
    this.outputKindResolved = true;
    (this.meta as { outputKind: OutputKind }).outputKind = looksLikeProbabilities(out, this.meta.numClasses) ? 'probabilities' : 'logits';
  }

  async gradient(x: Batch, loss: LossSpec): Promise<GradientResult> {
    this.checkBatch(x);
    if (this.gradientMode === 'none') {
      throw new Error(`model '${this.meta.path}' has no gradient available: ${this.engine.reason ?? 'unknown reason'}`);
    }
    // 'auto' outputs must be resolved before the loss head is chosen (log-probabilities vs logits).
    if (!this.outputKindResolved) await this.predict(x);
    return this.engine.gradient(x, loss);
  }

  async dispose(): Promise<void> {
    await this.engine.dispose();
    await this.session.release();
  }
}

/**
 * Load an ONNX model for auditing. `deferGradients` postpones building the exact-gradient graph to the
 * first gradient() call (the runner sets it when no probe of the audit needs gradients).
 */
export async function loadOnnxModel(spec: ModelSpec, opts: LoadOptions = {}): Promise<OnnxModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(spec.path);
  } catch (e) {
    throw new Error(`cannot read ONNX model '${spec.path}': ${(e as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const proto = decodeModel(bytes);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, sessionOptions(spec.threads));
  } catch (e) {
    throw new Error(`onnxruntime could not load '${spec.path}': ${(e as Error).message}`);
  }
  const inputName = pickName('input', session.inputNames, spec.inputName, spec.path);
  // Inputs that are also initializers (IR < 4 exporters) have defaults; any other input would need a feed.
  const inits = new Set((proto.graph?.initializer ?? []).map((t) => t.name));
  const others = session.inputNames.filter((n) => n !== inputName && !inits.has(n));
  if (others.length > 0) {
    await session.release();
    throw new Error(
      `model '${spec.path}' needs inputs ${[inputName, ...others].map((n) => `'${n}'`).join(', ')}; faultline feeds exactly one ` +
        `(the image or feature batch). Export a single-input model, or bake the other inputs in as constants.`,
    );
  }
  const outputName = pickName('output', session.outputNames, spec.outputName, spec.path);
  const inMeta = session.inputMetadata.find((m) => m.name === inputName);
  const inType = inMeta && inMeta.isTensor ? inMeta.type : 'float32';
  if (inType !== 'float32' && inType !== 'float64') {
    throw new Error(`model input '${inputName}' has type ${inType}; faultline feeds float32 or float64 inputs only`);
  }
  const { sampleShape, fixedBatch } = inputGeometry(proto, inputName, spec);
  const inspection = inspectModelProto(proto, inputName, outputName);
  const transform = pixelTransform(spec, sampleShape);

  // Number of classes: from the graph output's last dim when fixed, else from one zero sample.
  const outVi = (proto.graph?.output ?? []).find((v) => v.name === outputName);
  const outDims = outVi ? valueShape(outVi) : null;
  let numClasses = outDims && typeof outDims[outDims.length - 1] === 'number' ? (outDims[outDims.length - 1] as number) : 0;
  if (outDims && outDims.length !== 2) {
    throw new Error(`model output '${outputName}' has shape [${outDims.join(', ')}]; faultline audits classifiers with [N, classes] outputs`);
  }
  if (!numClasses) {
    const n = fixedBatch ?? 1;
    const shape = [n, ...sampleShape];
    const zeros = new ort.Tensor(inType, inType === 'float64' ? new Float64Array(sampleSize(shape) * n) : new Float32Array(sampleSize(shape) * n), shape);
    const res = await session.run({ [inputName]: zeros }, [outputName]);
    numClasses = res[outputName].dims[res[outputName].dims.length - 1];
  }
  const classNames = spec.classNames ?? Array.from({ length: numClasses }, (_, i) => String(i));
  if (classNames.length !== numClasses) {
    throw new Error(`model.classNames lists ${classNames.length} names but model '${spec.path}' has ${numClasses} outputs`);
  }
  const declared = spec.outputs !== 'auto';
  const meta: ModelMeta = {
    format: 'onnx',
    path: spec.path,
    sha256,
    inputName,
    outputName,
    sampleShape,
    fixedBatch,
    numClasses,
    classNames,
    layout: spec.layout,
    outputKind: declared ? (spec.outputs as OutputKind) : 'logits',
    outputKindSource: declared ? 'declared' : 'detected',
    backend: `onnxruntime-node ${ortVersion()} cpu`,
    opset: inspection.opset,
  };
  const engine = await gradientEngineFor(
    { proto, bytes, sha256, meta, transform, inputType: inType, threads: spec.threads, batchSize: spec.batchSize ?? 256, inspection },
    opts.deferGradients ?? false,
  );
  let model: OnnxModel;
  // eslint-disable-next-line prefer-const
  model = new OnnxModel(session, meta, inspection, transform, inType, spec.batchSize ?? 256, engine, declared);
  engine.attach(model);
  return model;
}
