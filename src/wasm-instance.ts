/**
 * Instantiates a WebAssembly module carried as base64 (the *.generated.ts files of attacks/build-wasm.mjs),
 * synchronously: the modules are a few kilobytes. Null when this runtime cannot run it (no WebAssembly, or
 * no SIMD: validate fails), so every caller keeps its JavaScript path.
 */
export function instantiateBase64<T>(base64: string, imports?: WebAssembly.Imports): T | null {
  try {
    if (typeof WebAssembly === 'undefined') return null;
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    if (!WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as unknown as T;
  } catch {
    return null;
  }
}

/**
 * Grows `memory` to hold at least `end` bytes. False when `end` exceeds `cap` or the engine refuses the
 * memory; callers then take their JavaScript path (which needs less at once).
 */
export function growMemory(memory: WebAssembly.Memory, end: number, cap = Infinity): boolean {
  const have = memory.buffer.byteLength;
  if (end <= have) return true;
  if (end > cap) return false;
  try {
    memory.grow(Math.ceil((end - have) / 65536));
    return true;
  } catch {
    return false;
  }
}
