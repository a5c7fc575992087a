/**
 * skimage.color.rgb2hsv / hsv2rgb on interleaved float64 RGB in [0, 1], in place on a copy.
 * Follows skimage's precedence exactly: when several channels equal the max, blue wins over green over
 * red (later assignments overwrite earlier ones), and hue is 0 wherever max == min.
 */
export function rgbToHsv(rgb: Float64Array): Float64Array {
  const out = new Float64Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i];
    const g = rgb[i + 1];
    const b = rgb[i + 2];
    const v = Math.max(r, g, b);
    const delta = v - Math.min(r, g, b);
    let h = 0;
    let s = 0;
    if (delta !== 0) {
      s = delta / v;
      if (b === v) h = 4 + (r - g) / delta;
      else if (g === v) h = 2 + (b - r) / delta;
      else h = (g - b) / delta;
      h = h / 6;
      h = h - Math.floor(h); // numpy's % 1. for floats (result takes the divisor's sign)
    }
    out[i] = h;
    out[i + 1] = s;
    out[i + 2] = v;
  }
  return out;
}

export function hsvToRgb(hsv: Float64Array): Float64Array {
  const out = new Float64Array(hsv.length);
  for (let i = 0; i < hsv.length; i += 3) {
    const h = hsv[i];
    const s = hsv[i + 1];
    const v = hsv[i + 2];
    const hi6 = Math.floor(h * 6);
    const f = h * 6 - hi6;
    const p = v * (1 - s);
    const q = v * (1 - f * s);
    const t = v * (1 - (1 - f) * s);
    const hi = (((hi6 % 6) + 6) % 6) | 0;
    let r: number, g: number, b: number;
    switch (hi) {
      case 0: [r, g, b] = [v, t, p]; break;
      case 1: [r, g, b] = [q, v, p]; break;
      case 2: [r, g, b] = [p, v, t]; break;
      case 3: [r, g, b] = [p, q, v]; break;
      case 4: [r, g, b] = [t, p, v]; break;
      default: [r, g, b] = [v, p, q];
    }
    out[i] = r;
    out[i + 1] = g;
    out[i + 2] = b;
  }
  return out;
}
