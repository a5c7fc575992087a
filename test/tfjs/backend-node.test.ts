/**
 * FAULTLINE_TFJS_BACKEND=node asks for @tensorflow/tfjs-node, which is not installed (or cannot load
 * its native library) here: the request must fail loudly instead of silently falling back.
 * Vitest runs each test file in its own process, so the variable does not leak into other files.
 */
import { expect, it } from 'vitest';
import { ensureTfjsBackend } from '../../src/models/tfjs-backend.js';

process.env.FAULTLINE_TFJS_BACKEND = 'node';

it('fails with the reason when the forced tfjs-node backend cannot start', async () => {
  await expect(ensureTfjsBackend()).rejects.toThrow(/FAULTLINE_TFJS_BACKEND=node was requested but that backend could not start: ./);
});
