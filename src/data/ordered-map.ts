/**
 * Map an async stream through an async function with at most `concurrency` calls in flight, yielding
 * results in input order. Memory is bounded by the window (concurrency results), never the stream.
 */
export async function* mapOrdered<T, R>(
  source: AsyncIterable<T>,
  fn: (item: T) => Promise<R>,
  concurrency: number,
): AsyncGenerator<R> {
  const width = Math.max(1, Math.floor(concurrency));
  const it = source[Symbol.asyncIterator]();
  const window: Promise<R>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && window.length < width) {
        const next = await it.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const p = fn(next.value);
        // A consumer that stops early abandons in-flight calls; keep their failures from going unhandled.
        p.catch(() => {});
        window.push(p);
      }
      const head = window.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    if (!exhausted) await it.return?.();
  }
}
