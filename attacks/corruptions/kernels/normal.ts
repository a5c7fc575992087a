import type { Rng } from '../../../src/random.js';

/**
 * Fast standard-normal draws for per-pixel noise: the ziggurat method of Marsaglia & Tsang (2000,
 * J. Stat. Softw. 5(8)), 128 layers, fed by the project Rng's 32-bit outputs. One 32-bit draw per
 * normal ~99% of the time (Rng.normal's polar method needs ~2.5 53-bit uniforms per pair plus a log).
 * Unlike the original, the layer index (7 bits), the sign (1 bit) and the magnitude (24 bits) come
 * from disjoint bits of the draw, which avoids the layer/value correlation Doornik (2005) pointed out.
 */
const LAYERS = 128;
const M = 2 ** 24;
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const kn = new Float64Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * M;
  kn[1] = 0;
  wn[0] = q / M;
  wn[LAYERS - 1] = dn / M;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * M;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / M;
  }
}

/** The tables, for the WebAssembly noise kernels (../wasm/noise-loader.ts), which must use these same doubles. */
export const ZIGGURAT_TABLES = { kn, wn, fn } as const;

/**
 * One N(0, 1) draw. The common case (one draw inside a layer's rectangle) is kept apart from the rare tail
 * and wedge cases so that V8 inlines it into the callers' per-pixel loops; same draws, same values.
 */
export function zigguratNormal(rng: Rng): number {
  const u = rng.nextUint32();
  const iz = u & 127;
  const mag = u >>> 8;
  // sign bit 7 as ±1: multiplying by −1 is exact negation, and unlike a 50/50 branch it cannot mispredict
  if (mag < kn[iz]) return mag * wn[iz] * (1 - ((u >>> 6) & 2));
  return zigguratRest(rng, u);
}

/** The rest of the ziggurat loop, starting from a first draw `u` that missed its layer's rectangle. */
function zigguratRest(rng: Rng, first: number): number {
  let u = first;
  for (;;) {
    const iz = u & 127;
    const neg = (u & 128) !== 0;
    const mag = u >>> 8;
    const x = mag * wn[iz];
    if (mag < kn[iz]) return neg ? -x : x;
    if (iz === 0) {
      // tail beyond R (Marsaglia 1964)
      let xt: number;
      let yt: number;
      do {
        xt = -Math.log(1 - rng.next()) / R;
        yt = -Math.log(1 - rng.next());
      } while (yt + yt < xt * xt);
      return neg ? -(R + xt) : R + xt;
    }
    if (fn[iz] + rng.next() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return neg ? -x : x;
    u = rng.nextUint32();
  }
}
