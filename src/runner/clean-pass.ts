import type { Dataset } from '../data/types.js';
import type { Model } from '../models/types.js';
import type { Progress } from '../progress.js';
import { argmaxRows } from '../tensor.js';
import type { CleanPass } from './probe.js';

/** One pass over the dataset through the model: labels, outputs and predictions for every sample. */
export async function computeCleanPass(model: Model, dataset: Dataset, batchSize: number, progress: Progress): Promise<CleanPass> {
  // Per batch, its row numbers (DataBatch.idRows) or its ids: strings are made only if a probe reads them.
  const idParts: (Int32Array | string[])[] = [];
  const groups: Record<string, string[]> = Object.fromEntries(dataset.groupColumns.map((c) => [c, [] as string[]]));
  const groupColumns = Object.keys(groups);
  const task = progress.task('clean predictions', dataset.size ?? 0);
  // Outputs and labels go straight into arrays sized from dataset.size (grown if a dataset yields more),
  // not into per-batch chunks copied together at the end: inference runs on this thread (below).
  const expected = dataset.size ?? 0;
  let labels = new Int32Array(expected);
  let logits = new Float32Array(expected * model.meta.numClasses);
  let count = 0;
  let filled = 0;
  let numClasses = 0;
  // Ask for the next batch before predicting this one: file reads and image decoding overlap inference
  // (onnxruntime-node runs inference itself on the JS thread, so JavaScript decoding does not). Each x
  // is read only by predict() before the batch after next is requested, so the dataset may reuse its
  // buffers (transient). Except the last batch: asking past it ends the pass, and an ended transient
  // pass may hand its memory, this batch's x included, to the next pass (unitSimdSlots.release), while
  // onnxruntime-node reads the input only in a later turn of the event loop. So the batch that reaches
  // the dataset's size is predicted first (a dataset that yields more than its size is fine: every
  // batch after is then predicted first too).
  const it = dataset.batches(batchSize, { transient: true })[Symbol.asyncIterator]();
  // A read that fails while predict() runs must not become an unhandled rejection (Node would exit):
  // the `await pending` of the next turn reports it.
  const ask = () => {
    const p = it.next();
    p.catch(() => {});
    return p;
  };
  let pending = ask();
  let finished = false;
  try {
    for (;;) {
      const r = await pending;
      if (r.done) {
        finished = true;
        break;
      }
      const b = r.value;
      const n = b.labels.length;
      const last = expected > 0 && count + n >= expected;
      if (!last) pending = ask();
      const out = await model.predict(b.x);
      if (last) pending = ask();
      if (model.meta.numClasses && out.length !== n * model.meta.numClasses) {
        throw new Error(
          `the model returned ${out.length / n} values per sample but ${model.meta.numClasses} classes are configured; ` +
            'check the model spec (class_names, outputs) against the model\'s output',
        );
      }
      numClasses = out.length / n;
      if (filled + out.length > logits.length) logits = grow(logits, filled + out.length);
      logits.set(out, filled);
      filled += out.length;
      if (count + n > labels.length) labels = grow(labels, count + n);
      labels.set(b.labels, count);
      count += n;
      idParts.push(b.idRows ?? b.ids);
      for (const c of groupColumns) {
        const values = b.groups[c];
        if (values) for (const v of values) groups[c].push(v);
        else for (let i = 0; i < n; i++) groups[c].push('');
      }
      task.tick(n);
    }
  } finally {
    // Stopped early (predict threw): close the dataset's files now, not at garbage collection.
    if (!finished) await it.return?.(undefined).catch(() => {});
  }
  task.done();
  if (count === 0) throw new Error(`the dataset (${dataset.description}) yielded no usable samples; see the skipped inputs`);
  numClasses = model.meta.numClasses || numClasses;
  if (filled < logits.length) logits = logits.slice(0, filled);
  if (count < labels.length) labels = labels.slice(0, count);
  let ids: string[] | null = null;
  return {
    get ids() {
      ids ??= idParts.flatMap((part) => (part instanceof Int32Array ? Array.from(part, (r) => `row:${r}`) : part));
      return ids;
    },
    labels,
    logits,
    preds: argmaxRows(logits, numClasses),
    groups,
    numClasses,
  };
}

/** A copy of `a` with room for at least `need` values (doubling, so repeated growth stays linear). */
function grow<T extends Float32Array | Int32Array>(a: T, need: number): T {
  const bigger = new (a.constructor as new (n: number) => T)(Math.max(need, 2 * a.length));
  bigger.set(a);
  return bigger;
}
