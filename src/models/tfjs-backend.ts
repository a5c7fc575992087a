/**
 * Chooses and initialises the TF.js execution backend, once per process, in the order
 * tfjs-node → wasm → cpu (fastest first). FAULTLINE_TFJS_BACKEND=node|wasm|cpu forces one backend
 * and fails loudly if it cannot start (tests use this to pin a backend).
 *
 * We build on @tensorflow/tfjs-core + -layers + -converter rather than the @tensorflow/tfjs
 * umbrella, so two things the umbrella does implicitly are done here:
 * - gradient registration: importing @tensorflow/tfjs-layers' Node bundle registers every core
 *   gradient (it includes tfjs-core's register_all_gradients); without it tf.grad fails with
 *   "gradient function not found for Sum".
 * - backend registration: the cpu and wasm packages register themselves on import.
 *
 * Measured in Node 20 (tfjs 4.22): the wasm backend loads its binaries from the package's dist/
 * folder through setWasmPaths(<absolute directory>/) and runs the SIMD, single-threaded build
 * (WASM_HAS_MULTITHREAD_SUPPORT is false in Node). Its Conv2DBackpropInput agrees with cpu to
 * float32 rounding, but its MaxPoolGrad breaks ties differently from PyTorch/TF (and drops windows
 * whose max is ≤ 0) and it lacks Conv2DBackpropFilter and the depthwise backprop kernels;
 * ./tfjs-wasm-bridge.ts replaces/adds those, so wasm gives exact, PyTorch-matching input gradients.
 * Fashion-MNIST CNN, 1000 images, one core: wasm predict 86 ms and CE gradient 0.9 s; cpu 2.1 s and 8.2 s.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installWasmBridge } from './tfjs-wasm-bridge.js';

export type TfjsBackendName = 'node' | 'wasm' | 'cpu';

export interface TfjsBackendInfo {
  name: TfjsBackendName;
  /** For ModelMeta.backend, e.g. 'tfjs 4.22.0 wasm'. */
  description: string;
  /** Why faster backends were skipped (empty when the first choice worked). */
  fallbackReasons: string[];
}

const ORDER: TfjsBackendName[] = ['node', 'wasm', 'cpu'];
let chosen: Promise<TfjsBackendInfo> | null = null;

/** Start the backend (once); later calls return the same choice. */
export function ensureTfjsBackend(): Promise<TfjsBackendInfo> {
  if (chosen === null) chosen = chooseBackend(process.env.FAULTLINE_TFJS_BACKEND);
  return chosen;
}

async function chooseBackend(forced: string | undefined): Promise<TfjsBackendInfo> {
  // Production mode skips tfjs' debug-time checks and its console banner suggesting tfjs-node.
  tf.enableProdMode();
  if (forced !== undefined && forced !== '') {
    if (!ORDER.includes(forced as TfjsBackendName)) {
      throw new Error(`FAULTLINE_TFJS_BACKEND=${forced} is not a TF.js backend faultline knows; use one of ${ORDER.join(', ')} or unset it`);
    }
    const name = forced as TfjsBackendName;
    const err = await tryStart(name);
    if (err !== null) throw new Error(`FAULTLINE_TFJS_BACKEND=${name} was requested but that backend could not start: ${err}`);
    return { name, description: describe(name), fallbackReasons: [] };
  }
  const reasons: string[] = [];
  for (const name of ORDER) {
    const err = await tryStart(name);
    if (err === null) return { name, description: describe(name), fallbackReasons: reasons };
    reasons.push(`${name}: ${err}`);
  }
  throw new Error(`no TF.js backend could start (${reasons.join('; ')}); reinstall @tensorflow/tfjs-backend-cpu`);
}

function describe(name: TfjsBackendName): string {
  return `tfjs ${tf.version_core} ${name}`;
}

/** Returns null on success, else why the backend is unusable. */
async function tryStart(name: TfjsBackendName): Promise<string | null> {
  try {
    if (name === 'node') {
      // Optional dependency whose native libtensorflow may be missing; a variable specifier keeps
      // TypeScript from requiring its types and lets a failed import fall through to wasm.
      const spec = '@tensorflow/tfjs-node';
      await import(spec);
      return (await tf.setBackend('tensorflow')) ? null : 'backend "tensorflow" failed to initialise';
    }
    if (name === 'wasm') {
      setWasmPaths(wasmDistDir());
      if (!(await tf.setBackend('wasm'))) return 'the wasm binary failed to initialise';
      installWasmBridge();
      return null;
    }
    return (await tf.setBackend('cpu')) ? null : 'backend "cpu" failed to initialise';
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

/** Absolute directory (with trailing slash) holding tfjs-backend-wasm*.wasm. */
function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@tensorflow/tfjs-backend-wasm'); // .../dist/tf-backend-wasm.node.js
  return path.dirname(main) + path.sep;
}
