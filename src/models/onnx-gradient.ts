/**
 * How the ONNX adapter gets input gradients: an exact reverse-mode graph when every op on the path
 * has a rule (src/autodiff), otherwise finite-difference estimates through forward passes
 * (estimated-gradient.ts).
 */
import * as ort from 'onnxruntime-node';
import { differentiablePath } from '../autodiff/coverage.js';
import { LOSS_FEEDS, type LossKind } from '../autodiff/loss-graph.js';
import type { ModelProto } from '../autodiff/onnx-proto.js';
import { buildGradientGraph, GRAD_OUTPUTS, MIN_OPSET, UnsupportedModelError } from '../autodiff/reverse.js';
import { probeShapes, type ShapeTable } from '../autodiff/shape-probe.js';
import type { Batch } from '../tensor.js';
import { estimateGradient } from './estimated-gradient.js';
import { lossFeeds } from './losses.js';
import type { OnnxInspection } from './onnx-inspect.js';
import { gradToPixelSpace, toModelSpace, type PixelTransform } from './onnx-pixels.js';
import type { GradientMode, GradientResult, LossSpec, ModelMeta } from './types.js';

export interface GradientEngineInput {
  proto: ModelProto;
  bytes: Uint8Array;
  sha256: string;
  meta: ModelMeta;
  transform: PixelTransform;
  inputType: 'float32' | 'float64';
  threads?: number;
  /** Samples per gradient run for a dynamic-batch model (ModelSpec.batchSize). */
  batchSize?: number;
  inspection: OnnxInspection;
}

/** What the engine needs back from the adapter (forward passes for the estimated path). */
export interface ForwardModel {
  predictModelSpace(xModel: Float32Array, n: number): Promise<Float32Array>;
}

export interface GradientEngine {
  readonly mode: GradientMode;
  readonly reason: string | null;
  attach(model: ForwardModel): void;
  gradient(x: Batch, loss: LossSpec): Promise<GradientResult>;
  dispose(): Promise<void>;
}

/**
 * Observed value shapes per (file sha256, input name, fixed batch), shared by every load of the same
 * file. Small. The gradient graphs themselves are not cached across loads: they embed all weights,
 * and each engine keeps its sessions (one per loss kind) for as long as the model lives.
 */
const shapeCache = new Map<string, Promise<ShapeTable>>();

function shapesFor(input: GradientEngineInput): Promise<ShapeTable> {
  const { meta, sha256, proto, inputType } = input;
  const key = `${sha256}/${meta.inputName}/${meta.fixedBatch}/${meta.sampleShape.join('x')}`;
  let shapes = shapeCache.get(key);
  if (!shapes) {
    // Only values the reverse pass can ask about: inputs and outputs of nodes on the gradient path.
    const names = new Set<string>([meta.outputName]);
    for (const n of differentiablePath(proto.graph ?? {}, meta.inputName, meta.outputName).nodes) {
      for (const v of [...(n.input ?? []), ...(n.output ?? [])]) if (v) names.add(v);
    }
    shapes = probeShapes(proto, meta.inputName, inputType, meta.sampleShape, meta.fixedBatch, names);
    shapeCache.set(key, shapes);
    shapes.catch(() => shapeCache.delete(key));
  }
  return shapes;
}

class ExactEngine implements GradientEngine {
  readonly mode = 'exact' as const;
  readonly reason = null;
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  constructor(private readonly input: GradientEngineInput) {}
  attach(): void {}

  private session(kind: LossKind): Promise<ort.InferenceSession> {
    const { meta, sha256, proto, threads } = this.input;
    const key = `${sha256}/${kind}/${meta.outputKind}/${meta.inputName}/${meta.outputName}`;
    let s = this.sessions.get(key);
    if (!s) {
      const bytes = shapesFor(this.input).then(
        (table) =>
          buildGradientGraph(proto, {
            inputName: meta.inputName,
            outputName: meta.outputName,
            loss: kind,
            numClasses: meta.numClasses,
            shapes: table,
            probabilities: meta.outputKind === 'probabilities',
          }).bytes,
      );
      s = bytes.then((b) =>
        ort.InferenceSession.create(b, {
          graphOptimizationLevel: 'all',
          executionProviders: ['cpu'],
          ...(threads && threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
        }),
      );
      this.sessions.set(key, s);
    }
    return s;
  }

  async gradient(x: Batch, loss: LossSpec): Promise<GradientResult> {
    const { meta, transform, inputType } = this.input;
    const n = x.shape[0];
    const session = await this.session(loss.loss);
    const per = x.data.length / Math.max(n, 1);
    // Bounded memory: a dynamic-batch model runs at most batchSize samples per run.
    const chunk = meta.fixedBatch ?? Math.max(1, Math.min(n, this.input.batchSize ?? n));
    const C = meta.numClasses;
    const feedsAll = lossFeeds(loss, n, C);
    const xModel = toModelSpace(transform, x.data, meta.sampleShape);
    const logits = new Float32Array(n * C);
    const lossOut = new Float32Array(n);
    const grad = new Float32Array(x.data.length);
    const names = LOSS_FEEDS[loss.loss];
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const rows = meta.fixedBatch ?? m;
      const pad = (src: Float32Array, width: number): Float32Array => {
        const part = src.subarray(s * width, (s + m) * width);
        if (rows === m) return part.slice();
        const out = new Float32Array(rows * width);
        out.set(part);
        return out;
      };
      const xIn = pad(xModel, per);
      const feeds: Record<string, ort.Tensor> = {
        [meta.inputName]:
          inputType === 'float64'
            ? new ort.Tensor('float64', Float64Array.from(xIn), [rows, ...meta.sampleShape])
            : new ort.Tensor('float32', xIn, [rows, ...meta.sampleShape]),
      };
      const floatType = this.floatTypeOf(session);
      names.forEach((name, i) => {
        const v = pad(feedsAll[i], C);
        feeds[name] = floatType === 'float64' ? new ort.Tensor('float64', Float64Array.from(v), [rows, C]) : new ort.Tensor('float32', v, [rows, C]);
      });
      const res = await session.run(feeds);
      const f32 = (t: ort.Tensor): Float32Array => (t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>));
      logits.set(f32(res[GRAD_OUTPUTS.logits]).subarray(0, m * C), s * C);
      lossOut.set(f32(res[GRAD_OUTPUTS.loss]).subarray(0, m), s);
      grad.set(f32(res[GRAD_OUTPUTS.grad]).subarray(0, m * per), s * per);
    }
    gradToPixelSpace(transform, grad, meta.sampleShape);
    return { logits, loss: lossOut, grad };
  }

  private floatTypeOf(session: ort.InferenceSession): 'float32' | 'float64' {
    const m = session.outputMetadata.find((o) => o.name === GRAD_OUTPUTS.logits);
    return m && m.isTensor && m.type === 'float64' ? 'float64' : 'float32';
  }

  async dispose(): Promise<void> {
    for (const s of this.sessions.values()) {
      try {
        await (await s).release();
      } catch {
        // a session that failed to build has nothing to release
      }
    }
    this.sessions.clear();
  }
}

class EstimatedEngine implements GradientEngine {
  readonly mode = 'estimated' as const;
  private model: ForwardModel | null = null;
  /** Calls so far: each call draws from its own derived stream, so a fresh model repeats the sequence. */
  private calls = 0;
  constructor(
    private readonly input: GradientEngineInput,
    readonly reason: string,
  ) {}
  attach(model: ForwardModel): void {
    this.model = model;
  }
  async gradient(x: Batch, loss: LossSpec): Promise<GradientResult> {
    if (!this.model) throw new Error('internal: estimated-gradient engine used before attach()');
    const { meta, transform } = this.input;
    const model = this.model;
    // The estimate works in pixel space directly: every forward pass goes through the same map.
    const forward = (xs: Float32Array, n: number): Promise<Float32Array> => model.predictModelSpace(toModelSpace(transform, xs, meta.sampleShape), n);
    return estimateGradient(forward, x, loss, meta.numClasses, { seed: 0, stream: `nes/${this.calls++}` });
  }
  async dispose(): Promise<void> {}
}

/**
 * An engine that builds the real one on the first gradient() call. Building costs a shape-probe
 * session and one reverse-mode graph (BENCHMARKS.md, performance section: model load with the graph
 * built vs deferred; the build grows with the model), which
 * an audit that never asks for a gradient (performance, corruptions, fairness) should not pay.
 * Only models whose every op has a rule are deferred, so until then `mode` is 'exact'; the rare model
 * whose rule rejects an attribute combination turns 'estimated' at the first gradient call.
 */
class DeferredEngine implements GradientEngine {
  private real: Promise<GradientEngine> | null = null;
  private built: GradientEngine | null = null;
  private model: ForwardModel | null = null;
  constructor(private readonly input: GradientEngineInput) {}
  get mode(): GradientMode {
    return this.built?.mode ?? 'exact';
  }
  get reason(): string | null {
    return this.built?.reason ?? null;
  }
  attach(model: ForwardModel): void {
    this.model = model;
  }
  async gradient(x: Batch, loss: LossSpec): Promise<GradientResult> {
    this.real ??= createGradientEngine(this.input).then((e) => {
      if (this.model) e.attach(this.model);
      this.built = e;
      return e;
    });
    return (await this.real).gradient(x, loss);
  }
  async dispose(): Promise<void> {
    // A build still in flight is awaited so its sessions are released too; a failed build has none.
    const engine = this.real ? await this.real.catch(() => null) : null;
    await engine?.dispose();
  }
}

/** Why a model can only have estimated gradients, known without building anything; null if exact is possible. */
function staticEstimateReason(inspection: OnnxInspection): string | null {
  if (inspection.opset < MIN_OPSET) return `opset ${inspection.opset} < ${MIN_OPSET}: exact gradients need a newer export`;
  if (!inspection.exactGradients) {
    const ops = inspection.unsupportedOps.map((u) => `${u.opType} (node '${u.node}')`).join(', ');
    return `no exact gradient rule for ${ops}`;
  }
  return null;
}

/**
 * The engine for a loaded model. `defer: true` postpones building the exact gradient graph to the
 * first gradient() call (see DeferredEngine); by default it is built now, so `mode` is final at load.
 */
export async function gradientEngineFor(input: GradientEngineInput, defer = false): Promise<GradientEngine> {
  if (defer && staticEstimateReason(input.inspection) === null) return new DeferredEngine(input);
  return createGradientEngine(input);
}

export async function createGradientEngine(input: GradientEngineInput): Promise<GradientEngine> {
  const reason = staticEstimateReason(input.inspection);
  if (reason !== null) return new EstimatedEngine(input, reason);
  // Probe shapes and build one gradient graph now, so a rule that rejects an attribute combination
  // (e.g. Slice with steps) shows up as gradientMode 'estimated' at load, not as a failure mid-attack.
  const { meta, proto } = input;
  try {
    buildGradientGraph(proto, { inputName: meta.inputName, outputName: meta.outputName, loss: 'cotangent', numClasses: meta.numClasses, shapes: await shapesFor(input) });
  } catch (e) {
    if (e instanceof UnsupportedModelError) return new EstimatedEngine(input, e.message);
    throw e;
  }
  return new ExactEngine(input);
}
