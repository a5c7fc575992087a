/**
 * Worker-thread entry of the corruption pool (pool.ts). Receives one task at a time, corrupts it with the
 * same code as the main thread (so pool and in-process results are byte-identical) and sends the pixels
 * back as a transferred buffer.
 */
import { parentPort } from 'node:worker_threads';
import { corrupt, loadFrostTextures } from './index.js';
import type { PoolRequest, PoolResponse } from './pool-messages.js';

if (!parentPort) throw new Error('corruption worker must run in a worker thread');
const port = parentPort;
const textures = loadFrostTextures();

port.on('message', async (msg: PoolRequest) => {
  try {
    const out = await corrupt(msg.image, msg.name, msg.severity, { seed: msg.seed, params: msg.params, frostTextures: await textures });
    const data = out.data.byteOffset === 0 && out.data.byteLength === out.data.buffer.byteLength ? out.data : out.data.slice();
    const res: PoolResponse = { id: msg.id, image: { ...out, data } };
    port.postMessage(res, [data.buffer as ArrayBuffer]);
  } catch (e) {
    const res: PoolResponse = { id: msg.id, error: e instanceof Error ? e.message : String(e) };
    port.postMessage(res);
  }
});
