import type { Model } from '../../src/models/types.js';
import { Rng } from '../../src/random.js';
import type { Batch } from '../../src/tensor.js';
import { WorstCase, trueClassMargins } from './margin.js';
import type { AttackRun, EpsResult } from './types.js';

export interface SquareOptions {
  eps: number[];
  /** Query budget per sample (the reference default is 5000). */
  queries?: number;
  /** Initial fraction of pixels changed per square (0.8 in the reference L∞ attack). */
  pInit?: number;
  seed?: number;
  onStep?: (done: number, total: number) => void;
}

/**
 * The reference p schedule (Andriushchenko et al. 2020, fra31/auto-attack square.py): the square's
 * area fraction halves at fixed points of the query budget, rescaled to 10 000 queries.
 */
export function squareP(pInit: number, it: number, budget: number): number {
  const i = Math.floor((it / budget) * 10000);
  const steps: [number, number][] = [
    [10, 1],
    [50, 2],
    [200, 4],
    [500, 8],
    [1000, 16],
    [2000, 32],
    [4000, 64],
    [6000, 128],
    [8000, 256],
  ];
  let div = 512;
  for (const [t, d] of steps) {
    if (i <= t) {
      div = d;
      break;
    }
  }
  return i > 8000 ? pInit / 512 : pInit / div;
}

/**
 * Square attack under L∞ (Andriushchenko et al. 2020): score-based, forward passes only, so it
 * works on any model, including one without gradients. Starts from random vertical stripes of ±ε,
 * then repeatedly proposes a random square of ±2ε (shared across the batch, as the reference) and
 * keeps it for the samples whose margin z_y − max_{j≠y} z_j it lowers. Samples stop once broken.
 * Images only (NCHW or NHWC).
 */
export async function squareLinf(model: Model, x: Batch, labels: Int32Array, opts: SquareOptions): Promise<AttackRun> {
  if (x.shape.length !== 4) throw new Error('the Square attack needs image inputs [N, C, H, W] or [N, H, W, C]');
  const layout = model.meta.layout;
  const n = labels.length;
  const C = model.meta.numClasses;
  const [ch, h, w] = layout === 'NHWC' ? [x.shape[3], x.shape[1], x.shape[2]] : [x.shape[1], x.shape[2], x.shape[3]];
  const per = ch * h * w;
  const idx = layout === 'NHWC' ? (c: number, r: number, col: number) => (r * w + col) * ch + c : (c: number, r: number, col: number) => (c * h + r) * w + col;
  const budget = opts.queries ?? 5000;
  const pInit = opts.pInit ?? 0.8;
  const clean = await model.predict(x);
  const results: EpsResult[] = [];
  for (const eps of opts.eps) {
    const rng = Rng.derive(opts.seed ?? 0, `square/${eps}`);
    const e = Math.fround(eps);
    const clip = (v: number, x0: number) => Math.min(1, Math.max(0, Math.min(x0 + e, Math.max(x0 - e, v))));
    const best = new Float32Array(x.data.length);
    // Vertical stripes: one ±ε per sample, channel and column.
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < ch; c++) {
        for (let col = 0; col < w; col++) {
          const s = rng.next() < 0.5 ? -e : e;
          for (let r = 0; r < h; r++) {
            const k = i * per + idx(c, r, col);
            best[k] = clip(x.data[k] + s, x.data[k]);
          }
        }
      }
    }
    const worst = new WorstCase(x.data, clean, labels, C);
    let logits = await model.predict({ data: best, shape: x.shape });
    worst.offer(best, logits);
    const margin = trueClassMargins(logits, labels, C);
    let used = 1;
    for (let it = 1; it < budget; it++) {
      const active: number[] = [];
      for (let i = 0; i < n; i++) if (margin[i] >= 0) active.push(i); // a tie (margin 0) is not yet misclassified
      if (active.length === 0) break;
      // Query `it` is the reference's iteration it − 1 (its loop counts from 0 after the initial stripes).
      const p = squareP(pInit, it - 1, budget);
      const s = Math.min(Math.max(Math.round(Math.sqrt((p * per) / ch)), 1), h - 1);
      // Every placement of the square is possible (the reference's torch.rand-based random_int never picks the last row/column).
      const vh = rng.int(h - s + 1);
      const vw = rng.int(w - s + 1);
      const signs = Array.from({ length: ch }, () => (rng.next() < 0.5 ? -2 * e : 2 * e));
      const cand = new Float32Array(active.length * per);
      active.forEach((i, a) => {
        cand.set(best.subarray(i * per, (i + 1) * per), a * per);
        for (let c = 0; c < ch; c++) {
          for (let r = vh; r < vh + s; r++) {
            for (let col = vw; col < vw + s; col++) {
              const o = idx(c, r, col);
              cand[a * per + o] = clip(best[i * per + o] + signs[c], x.data[i * per + o]);
            }
          }
        }
      });
      logits = await model.predict({ data: cand, shape: [active.length, ...x.shape.slice(1)] });
      used++;
      const m = trueClassMargins(logits, Int32Array.from(active, (i) => labels[i]), C);
      // Rows not improved keep the tracker's own logits, so only accepted squares can update it.
      const offered = worst.logits.slice();
      active.forEach((i, a) => {
        if (m[a] < margin[i]) {
          margin[i] = m[a];
          best.set(cand.subarray(a * per, (a + 1) * per), i * per);
          offered.set(logits.subarray(a * C, (a + 1) * C), i * C);
        }
      });
      worst.offer(best, offered);
      opts.onStep?.(it, budget);
    }
    results.push({
      eps,
      final: { data: best, shape: x.shape },
      finalLogits: await model.predict({ data: best, shape: x.shape }),
      best: { data: worst.adv, shape: x.shape },
      bestLogits: worst.logits,
      success: worst.broken(),
      queries: used,
    });
  }
  return { attack: 'square', norm: 'linf', results };
}
