/**
 * FAULTLINE_TFJS_BACKEND=node asks for @tensorflow/tfjs-node, which is not installed (or cannot load
 * its native library) here: the request must fail loudly instead of silently falling back.
 * Vitest runs each test file in its own process, so the variable does not leak into other files.
 */
import { expect, it } from 'vitest';
import { ensureTfjsBackend } from '../../src/models/tfjs-backend.js';

process.env.FAULTLINE_TFJS_BACKEND = 'node';

async function tfjsNodeLoads(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-node' as string);
    return true;
  } catch {
    return false;
  }
}

it('honours a forced tfjs-node backend: runs where it loads, fails loudly where it cannot', async () => {
  if (await tfjsNodeLoads()) {
    // A machine where libtensorflow installed: the forced backend must really be used.
    await expect(ensureTfjsBackend()).resolves.toBeDefined();
  } else {
    await expect(ensureTfjsBackend()).rejects.toThrow(/FAULTLINE_TFJS_BACKEND=node was requested but that backend could not start: ./);
  }
});
