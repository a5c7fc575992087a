import sharp from 'sharp';
import type { RawImage } from './data/types.js';

/**
 * A small PNG data: URI of an image for the report (longest side `size` px: tiny inputs are enlarged
 * with nearest-neighbour so pixels stay visible, large ones shrunk). Palette-quantised to 128 colours:
 * noisy corruptions compress badly, and this keeps a thumbnail near 8 KiB (about 0.6 MiB of results.json
 * per example image across the 15 × 5 benchmark cells) instead of ~25 KiB.
 */
export async function thumbnailDataUri(img: RawImage, size = 80): Promise<string> {
  const scale = size / Math.max(img.width, img.height);
  const width = Math.max(1, Math.round(img.width * scale));
  const height = Math.max(1, Math.round(img.height * scale));
  const png = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: img.channels as 1 | 3 | 4 },
  })
    .resize(width, height, { kernel: scale >= 1 ? 'nearest' : 'lanczos3' })
    .png({ compressionLevel: 9, palette: true, colours: 128, effort: 7 })
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
