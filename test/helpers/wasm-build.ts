// @ts-expect-error: a plain ESM build script without type declarations
import { compileModule, MODULES } from '../../attacks/build-wasm.mjs';

/**
 * The base64 of what `npm run build:wasm` compiles for module `key` (a key of MODULES in
 * attacks/build-wasm.mjs), to compare with the committed *.generated.ts constant.
 */
export async function freshWasmBuild(key: 'corruptions' | 'step' | 'noise' | 'jpeg' | 'softmax'): Promise<string> {
  const mods = MODULES as Record<string, unknown>;
  if (!(key in mods)) throw new Error(`attacks/build-wasm.mjs has no module '${key}'`);
  return Buffer.from((await compileModule(mods[key])) as Uint8Array).toString('base64');
}
