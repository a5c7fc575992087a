/**
 * Accuracy bookkeeping per corruption × severity. The probe adds (correct, n) as batches stream in;
 * everything here is a pure function of the counts.
 */
export interface Cell {
  correct: number;
  n: number;
}

export type CountTable = Record<string, Record<string, Cell>>;

export interface CellMetrics {
  accuracy: number | null;
  error: number | null;
  n: number;
}

export function cellMetrics(c: Cell): CellMetrics {
  if (c.n === 0) return { accuracy: null, error: null, n: 0 };
  const accuracy = c.correct / c.n;
  return { accuracy, error: 1 - accuracy, n: c.n };
}

/** Errors per corruption in severity order (severities with no samples are skipped). */
export function errorsBySeverity(table: CountTable, severities: readonly number[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, bySev] of Object.entries(table)) {
    const errs: number[] = [];
    for (const s of severities) {
      const m = cellMetrics(bySev[String(s)] ?? { correct: 0, n: 0 });
      if (m.error !== null) errs.push(m.error);
    }
    out[name] = errs;
  }
  return out;
}

/**
 * Unnormalised summaries for any dataset: mean accuracy and mean error over all corruption × severity
 * cells of the given corruptions (each cell weighted equally, as mCE weights them).
 */
export function meanOverCells(table: CountTable, corruptions: readonly string[]): { meanAccuracy: number | null; meanError: number | null } {
  const accs: number[] = [];
  for (const name of corruptions) {
    for (const cell of Object.values(table[name] ?? {})) {
      const m = cellMetrics(cell);
      if (m.accuracy !== null) accs.push(m.accuracy);
    }
  }
  if (accs.length === 0) return { meanAccuracy: null, meanError: null };
  const meanAccuracy = accs.reduce((a, b) => a + b, 0) / accs.length;
  return { meanAccuracy, meanError: 1 - meanAccuracy };
}
