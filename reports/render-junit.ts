import type { AuditResults } from '../src/results/types.js';

function xml(s: unknown): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/**
 * JUnit XML with one test case per gate, so CI systems (GitHub Actions, GitLab, Jenkins) show
 * gates as tests. A blocking FAIL/INSUFFICIENT is a <failure>, ERROR an <error>; WARN passes with
 * its message in <system-out>.
 */
export function renderJunit(r: AuditResults, opts: { insufficientFails?: boolean } = {}): string {
  const insufficientFails = opts.insufficientFails ?? true;
  let failures = 0;
  let errors = 0;
  const cases = r.gates.map((g) => {
    const name = xml(g.id);
    const cls = `faultline.${xml(g.metric.split(/[.[]/)[0])}`;
    const msg = xml(`${g.status}: ${g.message}`);
    let body = '';
    if (g.status === 'ERROR' && g.severity === 'block') {
      errors++;
      body = `<error message="${msg}" type="ERROR">${msg}</error>`;
    } else if (g.severity === 'block' && (g.status === 'FAIL' || (g.status === 'INSUFFICIENT' && insufficientFails))) {
      failures++;
      body = `<failure message="${msg}" type="${g.status}">${msg}</failure>`;
    } else {
      body = `<system-out>${msg}</system-out>`;
    }
    return `    <testcase classname="${cls}" name="${name}" time="0">${body}</testcase>`;
  });
  const time = (r.timings.totalMs / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="faultline" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="faultline gates" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${time}" timestamp="${xml(r.createdAt)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
