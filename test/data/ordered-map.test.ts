import { describe, expect, it } from 'vitest';
import { mapOrdered } from '../../src/data/ordered-map.js';

async function* range(n: number, pulled: number[]): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    pulled.push(i);
    yield i;
  }
}

describe('mapOrdered', () => {
  it('keeps input order with at most `concurrency` calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    // Later items finish first, so an unordered implementation would reorder them.
    const delays = [30, 5, 20, 1, 15, 2, 8, 0, 12, 3];
    const fn = async (i: number) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, delays[i]));
      inFlight--;
      return i * 10;
    };
    const out: number[] = [];
    for await (const v of mapOrdered(range(10, []), fn, 3)) out.push(v);
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(peak).toBe(3);
  });

  it('stops pulling from the source when the consumer stops', async () => {
    const pulled: number[] = [];
    for await (const v of mapOrdered(range(1000, pulled), async (i) => i, 4)) if (v === 5) break;
    expect(pulled.length).toBeLessThanOrEqual(10); // 6 consumed + a window of 4
  });
});
