import sharp from 'sharp';
import type { RawImage } from '../../src/data/types.js';
import { corrupt, type CorruptOptions } from './index.js';

/** XML-escape for SVG text. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Nearest-neighbour resize of an RGB image to `size`×`size`-fitting cell (keeps aspect), for the grid. */
function fitNearest(img: RawImage, cell: number): { data: Uint8Array; width: number; height: number } {
  const scale = cell / Math.max(img.width, img.height);
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(img.height - 1, Math.floor(y / scale));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(img.width - 1, Math.floor(x / scale));
      for (let k = 0; k < 3; k++) out[(y * w + x) * 3 + k] = img.data[(sy * img.width + sx) * img.channels + (img.channels === 1 ? 0 : k)];
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * A labelled contact sheet PNG: one row per corruption, the clean image then severities 1–5 across.
 * Pixels are assembled in a raw canvas; the labels are an SVG overlay composited by sharp.
 */
export async function contactSheet(image: RawImage, corruptions: readonly string[], options: CorruptOptions & { cell?: number }): Promise<Buffer> {
  const cell = options.cell ?? Math.min(160, Math.max(64, Math.max(image.width, image.height)));
  const labelW = 150;
  const headH = 24;
  const gap = 4;
  const cols = 6;
  const width = labelW + cols * (cell + gap);
  const height = headH + corruptions.length * (cell + gap);
  const canvas = new Uint8Array(width * height * 3).fill(255);
  const paste = (tile: { data: Uint8Array; width: number; height: number }, x0: number, y0: number) => {
    for (let y = 0; y < tile.height; y++) canvas.set(tile.data.subarray(y * tile.width * 3, (y + 1) * tile.width * 3), ((y0 + y) * width + x0) * 3);
  };
  const clean = fitNearest(image, cell);
  for (let r = 0; r < corruptions.length; r++) {
    const y0 = headH + r * (cell + gap);
    paste(clean, labelW, y0);
    for (let s = 1; s <= 5; s++) paste(fitNearest(await corrupt(image, corruptions[r], s, options), cell), labelW + s * (cell + gap), y0);
  }
  const text = (x: number, y: number, t: string, anchor = 'start') =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="13" text-anchor="${anchor}" fill="#111">${esc(t)}</text>`;
  const labels = [
    ...['clean', 'severity 1', 'severity 2', 'severity 3', 'severity 4', 'severity 5'].map((t, i) => text(labelW + i * (cell + gap) + cell / 2, 16, t, 'middle')),
    ...corruptions.map((c, r) => text(6, headH + r * (cell + gap) + cell / 2 + 5, c.replace(/_/g, ' '))),
  ];
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${labels.join('')}</svg>`);
  return sharp(Buffer.from(canvas.buffer), { raw: { width, height, channels: 3 } })
    .composite([{ input: svg, top: 0, left: 0 }])
    .png()
    .toBuffer();
}
