/**
 * The Model adapter for TF.js models (LayersModel or GraphModel, model.json + weight shards on
 * disk). Inputs arrive in pixel space [0, 1]; the normalisation to the model's space is applied
 * inside the differentiated function, so tf.grad returns d(loss)/d(pixel) with the chain rule
 * through (x·pixelScale − mean)/std included. Gradients are exact (reverse-mode autodiff).
 */
import * as tf from '@tensorflow/tfjs-core';
import { sampleSize, type Batch } from '../tensor.js';
import { pixelTransform } from './onnx-pixels.js';
import type { GradientMode, GradientResult, LossSpec, Model, ModelMeta, ModelSpec } from './types.js';
import { ensureTfjsBackend } from './tfjs-backend.js';
import { hashTfjsModel, readTfjsModelJson, type TfjsModelKind } from './tfjs-io.js';
import { lossPerSample, sliceLoss, validateLoss } from './tfjs-losses.js';
import { loadGraphNet, loadLayersNet, type TfjsNet } from './tfjs-net.js';
import { looksLikeProbabilities } from './tfjs-output-kind.js';

const DEFAULT_BATCH = 128;

export async function loadTfjsModel(spec: ModelSpec): Promise<Model> {
  const backend = await ensureTfjsBackend();
  const files = await readTfjsModelJson(spec.path);
  const kind = resolveKind(spec, files.kind, files.modelJsonPath);
  const net = kind === 'layers-model'
    ? await loadLayersNet(files, spec.inputName, spec.outputName)
    : await loadGraphNet(files, spec.inputName, spec.outputName);
  try {
    const sampleShape = resolveSampleShape(net, spec, files.modelJsonPath);
    const fixedBatch = net.inputShape[0] !== null && net.inputShape[0] !== undefined && net.inputShape[0] > 0 ? net.inputShape[0] : null;
    // Graph models are run once on zeros: to learn the output width when the graph does not declare
    // it, and to find out whether the graph has dynamic ops that only executeAsync can run.
    const probe = kind === 'graph-model' || net.outputWidth === null ? await probeForward(net, sampleShape, fixedBatch ?? 1) : null;
    const numClasses = net.outputWidth ?? probe!.width;
    if (spec.classNames !== undefined && spec.classNames.length !== numClasses) {
      throw new Error(`model.class_names lists ${spec.classNames.length} names but ${files.modelJsonPath} has ${numClasses} outputs`);
    }
    const meta: ModelMeta = {
      format: kind === 'layers-model' ? 'tfjs-layers' : 'tfjs-graph',
      path: files.modelJsonPath,
      sha256: await hashTfjsModel(files),
      inputName: net.inputName,
      outputName: net.outputName,
      sampleShape,
      fixedBatch,
      numClasses,
      classNames: spec.classNames ?? Array.from({ length: numClasses }, (_, i) => String(i)),
      layout: spec.layout,
      outputKind: spec.outputs === 'auto' ? 'logits' : spec.outputs,
      outputKindSource: spec.outputs === 'auto' ? 'detected' : 'declared',
      backend: backend.description,
    };
    return new TfjsModel(net, meta, spec, spec.outputs === 'auto', probe?.asyncOnly === true ? probe.reason : null);
  } catch (e) {
    net.dispose();
    throw e;
  }
}

function resolveKind(spec: ModelSpec, detected: TfjsModelKind, where: string): TfjsModelKind {
  if (spec.format === undefined) return detected;
  if (spec.format === 'onnx') throw new Error(`${where}: model.format is onnx but this is a TF.js model.json; remove model.format or set tfjs-layers / tfjs-graph`);
  const declared: TfjsModelKind = spec.format === 'tfjs-layers' ? 'layers-model' : 'graph-model';
  if (declared !== detected) throw new Error(`${where} is a ${detected} but model.format says ${spec.format}; fix model.format or remove it`);
  return declared;
}

/** Per-sample input shape: the model's declared dims, unknown ones filled from the config. */
function resolveSampleShape(net: TfjsNet, spec: ModelSpec, where: string): number[] {
  const declared = net.inputShape.slice(1);
  let fromConfig: number[] | null = null;
  if (spec.inputSize !== undefined) {
    const [h, w] = spec.inputSize;
    // Channels: the config's, else the model's own declaration when its spatial dims agree, else RGB.
    const nhwc = spec.layout === 'NHWC';
    const spatialAgrees = declared.length === 3 && declared[nhwc ? 0 : 1] === h && declared[nhwc ? 1 : 2] === w;
    const c = spec.channels ?? (spatialAgrees ? declared[nhwc ? 2 : 0] : null) ?? 3;
    fromConfig = spec.layout === 'NHWC' ? [h, w, c] : [c, h, w];
  }
  if (fromConfig !== null && fromConfig.length === declared.length) {
    declared.forEach((d, i) => {
      if (d !== null && d !== fromConfig![i]) {
        throw new Error(
          `${where} expects per-sample input [${declared.join(', ')}] but the config gives [${fromConfig!.join(', ')}] ` +
            `(layout ${spec.layout}, input_size [${spec.inputSize!.join(', ')}], channels ${spec.channels ?? `${fromConfig![nhwcIdx(spec)]} by default`}); fix model.layout / input_size / channels`,
        );
      }
    });
    return fromConfig;
  }
  if (declared.some((d) => d === null)) {
    throw new Error(`${where} has input dims [${net.inputShape.map((d) => d ?? '?').join(', ')}] with unknown sizes; set model.input_size and model.channels`);
  }
  return declared as number[];
}

/** Index of the channel dim in a per-sample [C,H,W] / [H,W,C] shape. */
function nhwcIdx(spec: ModelSpec): number {
  return spec.layout === 'NHWC' ? 2 : 0;
}

interface ProbeResult {
  width: number;
  /** True when only executeAsync can run the graph (dynamic control flow or dynamic shapes). */
  asyncOnly: boolean;
  reason: string;
}

async function probeForward(net: TfjsNet, sampleShape: number[], batch: number): Promise<ProbeResult> {
  const x = tf.zeros([batch, ...sampleShape]);
  try {
    let y: tf.Tensor;
    let asyncOnly = false;
    let reason = '';
    try {
      y = tf.tidy(() => net.run(x));
    } catch (e) {
      if (!isAsyncOnlyError(e)) throw e;
      asyncOnly = true;
      reason = (e as Error).message.split('\n')[0];
      y = await net.runAsync(x);
    }
    const width = y.shape[y.shape.length - 1];
    y.dispose();
    return { width, asyncOnly, reason };
  } finally {
    x.dispose();
  }
}

/** tfjs-converter's message for graphs whose ops need executeAsync (control flow, dynamic shapes). */
function isAsyncOnlyError(e: unknown): boolean {
  return e instanceof Error && /executeAsync/.test(e.message);
}

/** Forward pass; graph models that need executeAsync use it (no gradients there). Disposes x. */
async function runForward(net: TfjsNet, x: tf.Tensor, asyncOnly: boolean): Promise<tf.Tensor> {
  try {
    return asyncOnly ? await net.runAsync(x) : tf.tidy(() => net.run(x));
  } finally {
    x.dispose();
  }
}

class TfjsModel implements Model {
  readonly gradientMode: GradientMode;
  private readonly scale: tf.Tensor | null;
  private readonly offset: tf.Tensor | null;
  private readonly chunk: number;

  constructor(
    private readonly net: TfjsNet,
    readonly meta: ModelMeta,
    spec: ModelSpec,
    private autoKind: boolean,
    /** Why gradients are unavailable (a graph that only executeAsync can run), or null. */
    private readonly asyncOnlyReason: string | null,
  ) {
    this.gradientMode = asyncOnlyReason === null ? 'exact' : 'none';
    const t = pixelTransform(spec, meta.sampleShape);
    if (t.identity) {
      this.scale = null;
      this.offset = null;
    } else {
      // Broadcast shape [1, …, C, …, 1] with C on the channel axis of the batch tensor.
      const bshape = [1, ...meta.sampleShape.map(() => 1)];
      bshape[t.channelAxis + 1] = t.scale.length;
      this.scale = tf.tensor(Float32Array.from(t.scale), bshape);
      this.offset = tf.tensor(Float32Array.from(t.offset), bshape);
    }
    this.chunk = meta.fixedBatch ?? spec.batchSize ?? DEFAULT_BATCH;
  }

  private toModelSpace(x: tf.Tensor): tf.Tensor {
    return this.scale === null || this.offset === null ? x : tf.add(tf.mul(x, this.scale), this.offset);
  }

  private checkBatch(x: Batch): number {
    const want = this.meta.sampleShape;
    const got = x.shape.slice(1);
    if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
      throw new Error(`${this.meta.path} takes samples of shape [${want.join(', ')}] (layout ${this.meta.layout}) but got a batch of shape [${x.shape.join(', ')}]`);
    }
    if (x.data.length !== x.shape[0] * sampleSize(x.shape)) throw new Error(`batch data has ${x.data.length} values for shape [${x.shape.join(', ')}]`);
    return x.shape[0];
  }

  /** The chosen output must be a [rows, numClasses] float matrix. */
  private checkOutput(y: tf.Tensor, rows: number): tf.Tensor2D {
    if (y.rank !== 2 || y.shape[0] !== rows || y.shape[1] !== this.meta.numClasses || y.dtype !== 'float32') {
      throw new Error(
        `${this.meta.path}: output ${this.meta.outputName} is ${y.dtype} [${y.shape.join(', ')}], expected float32 [${rows}, ${this.meta.numClasses}]; ` +
          'faultline needs one score per class (set model.output_name to the logits or probabilities output)',
      );
    }
    return y as tf.Tensor2D;
  }

  /** Rows [start, start+count) of x as a tensor of `rows` samples (zero-padded for fixed batches). */
  private chunkTensor(x: Batch, start: number, count: number, rows: number): tf.Tensor {
    const per = sampleSize(x.shape);
    const buf = new Float32Array(rows * per);
    buf.set(x.data.subarray(start * per, (start + count) * per));
    return tf.tensor(buf, [rows, ...this.meta.sampleShape]);
  }

  private noteOutputs(rows: Float32Array): void {
    if (!this.autoKind) return;
    this.autoKind = false;
    this.meta.outputKind = looksLikeProbabilities(rows, this.meta.numClasses) ? 'probabilities' : 'logits';
  }

  async predict(x: Batch): Promise<Float32Array> {
    const n = this.checkBatch(x);
    const c = this.meta.numClasses;
    const out = new Float32Array(n * c);
    for (let start = 0; start < n; start += this.chunk) {
      const count = Math.min(this.chunk, n - start);
      const rows = this.meta.fixedBatch ?? count;
      const xt = tf.tidy(() => this.toModelSpace(this.chunkTensor(x, start, count, rows)));
      const y = await runForward(this.net, xt, this.asyncOnlyReason !== null);
      try {
        this.checkOutput(y, rows);
        out.set((await y.data()).subarray(0, count * c), start * c);
      } finally {
        y.dispose();
      }
    }
    this.noteOutputs(out.subarray(0, Math.min(n, this.chunk) * c));
    return out;
  }

  async gradient(x: Batch, loss: LossSpec): Promise<GradientResult> {
    if (this.asyncOnlyReason !== null) {
      throw new Error(
        `${this.meta.path} can only run through executeAsync (${this.asyncOnlyReason}), which TF.js cannot differentiate; ` +
          'gradient-based probes (attacks, saliency) need a graph without dynamic control flow — re-export the model without tf.cond/tf.while or dynamic-shape ops, or use its ONNX export',
      );
    }
    const n = this.checkBatch(x);
    const c = this.meta.numClasses;
    validateLoss(loss, n, c);
    const per = sampleSize(x.shape);
    const logits = new Float32Array(n * c);
    const losses = new Float32Array(n);
    const grad = new Float32Array(n * per);
    for (let start = 0; start < n; start += this.chunk) {
      const count = Math.min(this.chunk, n - start);
      const rows = this.meta.fixedBatch ?? count;
      const part = sliceLoss(loss, start, count, rows, c);
      let z = new Float32Array(0);
      let l = new Float32Array(0);
      const g = tf.tidy(() => {
        const f = (xp: tf.Tensor): tf.Scalar => {
          const zt = this.checkOutput(this.net.run(this.toModelSpace(xp)), rows);
          z = (zt.dataSync() as Float32Array).slice();
          if (start === 0) this.noteOutputs(z.subarray(0, count * c));
          const lt = lossPerSample(zt, z, part, this.meta.outputKind);
          l = (lt.dataSync() as Float32Array).slice();
          return tf.sum(lt);
        };
        return tf.grad(f)(this.chunkTensor(x, start, count, rows));
      });
      const gd = g.dataSync() as Float32Array;
      g.dispose();
      logits.set(z.subarray(0, count * c), start * c);
      losses.set(l.subarray(0, count), start);
      grad.set(gd.subarray(0, count * per), start * per);
    }
    return { logits, loss: losses, grad };
  }

  async dispose(): Promise<void> {
    this.net.dispose();
    this.scale?.dispose();
    this.offset?.dispose();
  }
}
