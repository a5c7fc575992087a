/**
 * The map between faultline's pixel space [0, 1] and what the model was trained on:
 * x_model = (x · pixelScale − mean[c]) / std[c] per channel c (see ModelSpec). Its Jacobian is
 * diagonal, so a model-space gradient maps back with grad_pixel = grad_model · pixelScale / std[c].
 */
import type { Layout, ModelSpec } from './types.js';

export interface PixelTransform {
  /** Per-channel multiplier a[c] and offset b[c]: x_model = a[c]·x + b[c]. */
  scale: Float64Array;
  offset: Float64Array;
  /** Channel axis of one sample (0 for NCHW, last for NHWC and NC). */
  channelAxis: number;
  /** True when the map is the identity (no work to do). */
  identity: boolean;
}

/**
 * Build the transform for one sample shape. Image layouts take mean/std per channel; tabular ('NC')
 * takes them per feature, or none.
 */
export function pixelTransform(spec: ModelSpec, sampleShape: readonly number[]): PixelTransform {
  const layout: Layout = spec.layout;
  const channelAxis = layout === 'NCHW' ? 0 : sampleShape.length - 1;
  const channels = sampleShape[channelAxis] ?? 1;
  const pixelScale = spec.pixelRange?.[1] ?? 1;
  const mean = spec.mean ?? [];
  const std = spec.std ?? [];
  for (const [name, v] of [['mean', mean], ['std', std]] as const) {
    if (v.length > 1 && v.length !== channels) {
      throw new Error(
        `model.${name} has ${v.length} values but the model input has ${channels} ${layout === 'NC' ? 'features' : 'channels'} ` +
          `(layout ${layout}, sample shape [${sampleShape.join(', ')}]); give one value per ${layout === 'NC' ? 'feature' : 'channel'} or a single value`,
      );
    }
  }
  if (std.some((s) => !(s > 0))) throw new Error(`model.std must be positive, got [${std.join(', ')}]`);
  // Tabular inputs are raw features: pixelScale only applies to image layouts.
  const a = layout === 'NC' ? 1 : pixelScale;
  const scale = new Float64Array(channels);
  const offset = new Float64Array(channels);
  let identity = true;
  for (let c = 0; c < channels; c++) {
    const m = mean.length === 0 ? 0 : mean.length === 1 ? mean[0] : mean[c];
    const s = std.length === 0 ? 1 : std.length === 1 ? std[0] : std[c];
    scale[c] = a / s;
    offset[c] = -m / s;
    if (scale[c] !== 1 || offset[c] !== 0) identity = false;
  }
  return { scale, offset, channelAxis, identity };
}

/** Channel index of each element of one sample, or null when there is a single channel. */
function channelStride(t: PixelTransform, sampleShape: readonly number[]): { inner: number; channels: number } {
  let inner = 1;
  for (let i = t.channelAxis + 1; i < sampleShape.length; i++) inner *= sampleShape[i];
  return { inner, channels: sampleShape[t.channelAxis] ?? 1 };
}

/** x_model from pixel-space x (a new array; x is not modified). */
export function toModelSpace(t: PixelTransform, x: Float32Array, sampleShape: readonly number[]): Float32Array {
  if (t.identity) return x;
  const { inner, channels } = channelStride(t, sampleShape);
  const out = new Float32Array(x.length);
  // Runs of `inner` elements share a channel: no division per element (this runs on every batch, on
  // the thread that also runs inference). Same arithmetic, same values.
  if (inner === 1) {
    // channels last (NHWC, tabular): element i has channel i mod channels
    for (let i = 0; i < x.length; i += channels) {
      for (let c = 0; c < channels && i + c < x.length; c++) out[i + c] = t.scale[c] * x[i + c] + t.offset[c];
    }
    return out;
  }
  for (let run = 0, i = 0; i < x.length; run++) {
    const c = run % channels;
    const a = t.scale[c];
    const b = t.offset[c];
    const end = Math.min(i + inner, x.length);
    for (; i < end; i++) out[i] = a * x[i] + b;
  }
  return out;
}

/** Chain rule through the transform: grad_pixel = grad_model · scale[c], in place. */
export function gradToPixelSpace(t: PixelTransform, g: Float32Array, sampleShape: readonly number[]): Float32Array {
  if (t.identity) return g;
  const { inner, channels } = channelStride(t, sampleShape);
  // channel runs, as in toModelSpace
  for (let run = 0, i = 0; i < g.length; run++) {
    const a = t.scale[run % channels];
    const end = Math.min(i + inner, g.length);
    for (; i < end; i++) g[i] *= a;
  }
  return g;
}
