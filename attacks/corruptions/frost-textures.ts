import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Texture } from './types.js';

const FILES = ['frost1.png', 'frost2.png', 'frost3.png', 'frost4.jpg', 'frost5.jpg', 'frost6.jpg'];

/**
 * The folder holding the frost textures (fixtures/frost, shipped with faultline). This module lives at
 * attacks/corruptions/ in the sources and at dist/attacks/corruptions/ when compiled, so both depths are tried.
 */
export function frostDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = join(here, up, 'fixtures', 'frost');
    if (existsSync(join(dir, FILES[0]))) return dir;
  }
  throw new Error(`frost textures not found next to ${here} (looked for fixtures/frost/${FILES[0]}); reinstall faultline`);
}

let cached: Promise<Texture[]> | null = null;

/** Decode the six textures once (RGB uint8; cv2.imread's BGR order is undone by the reference itself). */
export function loadFrostTextures(dir?: string): Promise<Texture[]> {
  if (dir) return decodeAll(dir);
  cached ??= decodeAll(frostDirectory());
  return cached;
}

async function decodeAll(dir: string): Promise<Texture[]> {
  return Promise.all(
    FILES.map(async (f) => {
      const { data, info } = await sharp(join(dir, f)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
    }),
  );
}
