/**
 * Instantiates a WebAssembly module carried as base64 (the *.generated.ts files of attacks/build-wasm.mjs),
 * synchronously: the modules are a few kilobytes. Null when this runtime cannot run it (no WebAssembly, or
 * no SIMD: validate fails), so every caller keeps its JavaScript path.
 */
export function instantiateBase64<T>(base64: string): T | null {
  try {
    if (typeof WebAssembly === 'undefined') return null;
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    if (!WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as T;
  } catch {
    return null;
  }
}
