import type { Dataset } from '../data/types.js';
import type { Model } from '../models/types.js';
import type { Progress } from '../progress.js';
import { argmaxRows } from '../tensor.js';
import type { CleanPass } from './probe.js';

/** One pass over the dataset through the model: labels, outputs and predictions for every sample. */
export async function computeCleanPass(model: Model, dataset: Dataset, batchSize: number, progress: Progress): Promise<CleanPass> {
  const ids: string[] = [];
  const labels: number[] = [];
  const chunks: Float32Array[] = [];
  const groups: Record<string, string[]> = Object.fromEntries(dataset.groupColumns.map((c) => [c, [] as string[]]));
  const task = progress.task('clean predictions', dataset.size ?? 0);
  let numClasses = 0;
  // Ask for the next batch before predicting this one: file reads overlap inference (onnxruntime-node
  // runs inference itself on the JS thread, so decoding does not). Each x is read only by predict()
  // before the batch after next is requested, so the dataset may reuse its buffers (transient).
  const it = dataset.batches(batchSize, { transient: true })[Symbol.asyncIterator]();
  let pending = it.next();
  for (;;) {
    const r = await pending;
    if (r.done) break;
    const b = r.value;
    pending = it.next();
    const out = await model.predict(b.x);
    const n = b.labels.length;
    numClasses = out.length / n;
    chunks.push(out);
    ids.push(...b.ids);
    for (let i = 0; i < n; i++) labels.push(b.labels[i]);
    for (const c of Object.keys(groups)) groups[c].push(...(b.groups[c] ?? new Array<string>(n).fill('')));
    task.tick(n);
  }
  task.done();
  if (ids.length === 0) throw new Error(`the dataset (${dataset.description}) yielded no usable samples; see the skipped inputs`);
  numClasses = model.meta.numClasses || numClasses;
  const logits = new Float32Array(ids.length * numClasses);
  let off = 0;
  for (const c of chunks) {
    logits.set(c, off);
    off += c.length;
  }
  return { ids, labels: Int32Array.from(labels), logits, preds: argmaxRows(logits, numClasses), groups, numClasses };
}
