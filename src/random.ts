/**
 * Seeded random numbers. Every random choice in faultline takes a seed and goes through here,
 * so the same seed gives the same bytes on any machine.
 *
 * Why hand-written: the generator must be bit-identical across platforms and fast enough to fill
 * typed arrays per pixel (noise corruptions, random starts). xoshiro128** (Blackman & Vigna 2018)
 * uses only 32-bit integer ops, which JavaScript performs exactly; seeding via SplitMix32 expands
 * one integer seed into the 128-bit state. `seedrandom` (the common npm choice) is ~5x slower per
 * draw and has no derived-stream support.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      // SplitMix32
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Copy the 128-bit generator state into `to[at..at+3]`, so a WebAssembly loop can continue this stream
   * (attacks/corruptions/wasm/noise-loader.ts); `loadState` takes the advanced state back. The cached spare
   * of `normal()` is not part of it: it stays with this object.
   */
  saveState(to: Int32Array, at = 0): void {
    to[at] = this.s0;
    to[at + 1] = this.s1;
    to[at + 2] = this.s2;
    to[at + 3] = this.s3;
  }

  /** Continue from a state written by `saveState` (or a WebAssembly loop that advanced it). */
  loadState(from: Int32Array, at = 0): void {
    // int32 words: every operation of nextUint32 works modulo 2³², so signed and unsigned words are the same state
    this.s0 = from[at] | 0;
    this.s1 = from[at + 1] | 0;
    this.s2 = from[at + 2] | 0;
    this.s3 = from[at + 3] | 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0)) throw new Error(`Rng.int needs n > 0, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal draw (Marsaglia polar method, pairs cached). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return mean + std * v;
    }
    let u: number, v: number, s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    return mean + std * u * m;
  }

  /** Fill an array with N(mean, std²) draws. */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Fill an array with U[lo, hi) draws. */
  fillUniform(out: Float32Array | Float64Array, lo = 0, hi = 1): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[] | Int32Array | Uint32Array): typeof a {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /**
   * An independent stream derived from this seed and a label, e.g. `rng.fork('pgd/restart/2')`.
   * Derivation hashes the label, so adding a new consumer never shifts the draws of another.
   */
  static derive(seed: number, label: string): Rng {
    let h = (seed ^ 0x811c9dc5) >>> 0;
    for (let i = 0; i < label.length; i++) {
      h ^= label.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return new Rng(h);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
