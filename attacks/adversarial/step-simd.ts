import { growMemory, instantiateBase64 } from '../../src/wasm-instance.js';
import { STEP_WASM_BASE64 } from './wasm/step.generated.js';

/**
 * The projected L∞ sign step for images in [0, 1] in WebAssembly SIMD (source and why:
 * wasm/src/step.ts). Inputs are copied into the module's memory in chunks, so the memory stays
 * small (it never shrinks) however large the batch. Returns false when WebAssembly SIMD is not
 * available; the caller then runs the JavaScript loop, which gives the same bytes.
 */
interface StepExports {
  linfStepUnit(x: number, cur: number, g: number, out: number, n: number, a: number, e: number): void;
  memory: WebAssembly.Memory;
}

/** Elements per chunk: four float32 arrays of this length = 4 MiB of module memory. */
const CHUNK = 1 << 18;

let instance: StepExports | null | undefined;
let enabled = true;

function instantiate(): StepExports | null {
  const ex = instantiateBase64<StepExports>(STEP_WASM_BASE64);
  if (!ex) return null;
  return growMemory(ex.memory, 16 * CHUNK) ? ex : null; // the memory could not grow: the JavaScript loop runs instead
}

/** Switch the WebAssembly step off (tests compare both paths) or back on. */
export function setWasmStep(on: boolean): void {
  enabled = on;
}

/** a = float32(α)·dir and e = float32(ε) as linfStep computes them. False: use the JavaScript loop. */
export function linfStepUnitSimd(x: Float32Array, cur: Float32Array, g: Float32Array, a: number, e: number, out: Float32Array): boolean {
  if (!enabled) return false;
  if (instance === undefined) instance = instantiate(); // null (cannot run here) is cached too
  const k = instance;
  if (!k) return false;
  for (let s = 0; s < x.length; s += CHUNK) {
    const m = Math.min(CHUNK, x.length - s);
    const f = new Float32Array(k.memory.buffer, 0, 4 * CHUNK);
    f.set(x.subarray(s, s + m), 0);
    f.set(cur.subarray(s, s + m), CHUNK);
    f.set(g.subarray(s, s + m), 2 * CHUNK);
    k.linfStepUnit(0, 4 * CHUNK, 8 * CHUNK, 12 * CHUNK, m, a, e);
    out.set(f.subarray(3 * CHUNK, 3 * CHUNK + m), s);
  }
  return true;
}
