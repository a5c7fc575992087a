import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM build script without type declarations
import { compileKernels } from '../../attacks/corruptions/wasm/build.mjs';
import { KERNELS_WASM_BASE64 } from '../../attacks/corruptions/wasm/kernels.generated.js';
import { wasmKernels } from '../../attacks/corruptions/wasm/loader.js';

describe('WebAssembly corruption kernels', () => {
  it('the committed module is what attacks/corruptions/wasm/src/kernels.ts compiles to (npm run build:wasm)', async () => {
    const built = Buffer.from((await compileKernels()) as Uint8Array);
    expect(built.toString('base64') === KERNELS_WASM_BASE64, 'kernels.generated.ts is stale: run npm run build:wasm').toBe(true);
  });

  it('instantiates on this runtime (Node ≥ 20 has WebAssembly SIMD)', () => {
    expect(wasmKernels()).not.toBeNull();
  });
});
