/**
 * Metric paths address a probe's metric tree: `performance.accuracy`,
 * `adversarial.pgd_linf["8/255"].robust_accuracy`, `fairness.equalized_odds_difference[sex]`,
 * `corruptions.fog[5].accuracy`. Bracket keys may be quoted ('…' or "…") or bare.
 */
export function parseMetricPath(path: string): string[] {
  const out: string[] = [];
  let i = 0;
  const s = path.trim();
  const fail = (why: string): never => {
    throw new Error(`metric path "${path}": ${why} at character ${i + 1}`);
  };
  while (i < s.length) {
    if (s[i] === '[') {
      i++;
      const q = s[i];
      let key = '';
      if (q === '"' || q === "'") {
        i++;
        while (i < s.length && s[i] !== q) key += s[i++];
        if (s[i] !== q) fail('unclosed quote');
        i++;
      } else {
        while (i < s.length && s[i] !== ']') key += s[i++];
        key = key.trim();
      }
      if (s[i] !== ']') fail('expected ]');
      i++;
      if (key === '') fail('empty key');
      out.push(key);
    } else if (s[i] === '.') {
      if (out.length === 0 || s[i + 1] === undefined || s[i + 1] === '.' ) fail('misplaced "."');
      i++;
    } else {
      let id = '';
      while (i < s.length && s[i] !== '.' && s[i] !== '[') id += s[i++];
      if (!/^[A-Za-z0-9_\-*:+]+$/.test(id)) fail(`"${id}" is not a plain name (use brackets for keys like ["8/255"])`);
      out.push(id);
    }
  }
  if (out.length < 2) throw new Error(`metric path "${path}" must name a probe and a metric, e.g. performance.accuracy`);
  return out;
}

export function formatMetricPath(segs: readonly string[]): string {
  return segs
    .map((s, k) => (k === 0 ? s : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`))
    .join('');
}

/** Look a path up in a nested object; undefined when any segment is missing. */
export function lookupPath(root: unknown, segs: readonly string[]): unknown {
  let cur: unknown = root;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

/** Every numeric/boolean leaf path of a metric tree (for "did you mean" and `faultline metrics`). */
export function leafPaths(root: unknown, prefix: string[] = [], out: string[][] = [], limit = 5000): string[][] {
  if (out.length >= limit) return out;
  if (typeof root === 'number' || typeof root === 'boolean' || root === null) {
    out.push(prefix);
    return out;
  }
  if (typeof root !== 'object' || Array.isArray(root)) return out;
  const rec = root as Record<string, unknown>;
  if ('value' in rec && (typeof rec.value === 'number' || rec.value === null)) {
    out.push(prefix);
    return out;
  }
  for (const [k, v] of Object.entries(rec)) leafPaths(v, [...prefix, k], out, limit);
  return out;
}
