/**
 * Replaces or adds a few gradient kernels of the TF.js wasm backend. Measured with tfjs 4.22 in
 * Node 20 (test/tfjs/wasm-kernels.test.ts):
 *
 * - MaxPoolGrad (wasm) sends a window's gradient to the LAST of several tied maxima, while the cpu
 *   backend, TensorFlow and PyTorch send it to the first; and when the window's maximum is ≤ 0 it
 *   drops the gradient entirely. On Fashion-MNIST, ReLU'd background regions are full of exactly
 *   tied windows, so wasm input gradients of the reference CNN differed from PyTorch by 70 % of
 *   max|grad|. Replaced by ./tfjs-maxpool-grad.ts (first maximum); they now agree to 4e-7.
 * - Conv2DBackpropFilter and DepthwiseConv2dNativeBackpropFilter/Input are not implemented on
 *   wasm. TF.js' fused conv2d (a Conv2D layer with linear activation) computes the filter gradient
 *   eagerly even when only the input gradient is asked for, and depthwise layers need both, so
 *   without them tf.grad fails with "Kernel ... not registered for backend 'wasm'". These run on
 *   the cpu backend (tfjs' own kernels), with the tensors copied across.
 *
 * Everything else (forward passes, Conv2DBackpropInput, MatMul, ReLU, ...) stays on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maxPoolGradNHWC } from './tfjs-maxpool-grad.js';

/** Kernels the bridge moves from wasm to cpu. */
export const BRIDGED_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

/** The parts of tfjs-backend-wasm's BackendWasm this bridge uses. */
interface WasmBackendLike {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.backend_util.TypedArray;
}

let installed = false;

/** Register the first-max MaxPoolGrad and the cpu-backed BRIDGED_KERNELS for 'wasm' (once per process). */
export function installWasmBridge(): void {
  if (installed) return;
  const replace = (kernelName: string, kernelFunc: tf.KernelFunc): void => {
    if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  };
  replace('MaxPoolGrad', maxPoolGradWasm);
  for (const name of BRIDGED_KERNELS) {
    const cpuKernel = tf.getKernel(name, 'cpu');
    if (cpuKernel === undefined) throw new Error(`tfjs-backend-cpu has no ${name} kernel; cannot patch the wasm backend`);
    replace(name, viaCpu(cpuKernel.kernelFunc));
  }
  installed = true;
}

const maxPoolGradWasm: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const dx = maxPoolGradNHWC(wasm.readSync(input.dataId) as Float32Array, wasm.readSync(dy.dataId) as Float32Array, info);
  const out = wasm.makeOutput(input.shape, 'float32');
  wasm.typedArrayFromHeap(out).set(dx);
  return out;
};

function viaCpu(cpuFunc: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as unknown as WasmBackendLike;
    const cpu = tf.findBackend('cpu');
    if (cpu === null) throw new Error('the tfjs cpu backend is not available; the wasm gradient bridge needs it');
    const moved: tf.NamedTensorInfoMap = {};
    for (const [k, t] of Object.entries(inputs)) {
      if (t === undefined || t === null) continue;
      moved[k] = { dataId: cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
    }
    try {
      const out = cpuFunc({ inputs: moved, backend: cpu, attrs });
      const outs = Array.isArray(out) ? out : [out];
      const back = outs.map((o) => {
        const w = wasm.makeOutput(o.shape, o.dtype);
        wasm.typedArrayFromHeap(w).set(cpu.readSync(o.dataId) as tf.backend_util.TypedArray);
        cpu.disposeData(o.dataId);
        return w;
      });
      return Array.isArray(out) ? back : back[0];
    } finally {
      for (const t of Object.values(moved)) if (t !== undefined) cpu.disposeData(t.dataId);
    }
  };
}
