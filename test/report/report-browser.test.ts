import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { loadConfigFile } from '../../src/config/load.js';
import { runAudit } from '../../src/runner/audit.js';
import { renderHtml } from '../../reports/render-html.js';
import type { AuditResults } from '../../src/results/types.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

if (!haveBrowser && process.env.CI !== 'true') {
  console.warn(`report browser test skipped: ${CHROMIUM} not found (install Debian's chromium: apt-get install -y chromium)`);
}

describe('HTML report in a real browser', () => {
  // Under CI=true a missing browser is a failure, not a skip.
  it.runIf(process.env.CI === 'true')('has a browser under CI', () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} must exist in CI`).toBe(true);
  });

  describe.runIf(haveBrowser)('rendered report', () => {
    let browser: Browser;
    let results: AuditResults;
    const hostile = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';

    beforeAll(async () => {
      const loaded = await loadConfigFile(join(ROOT, 'examples/fashion-mnist/audit.yaml'));
      loaded.config.name = `CNN ${hostile}`;
      ({ results } = await runAudit(loaded));
      results.dataset.skipped.push({ source: `bad<b>file</b>.png`, reason: hostile });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('opens with no console errors, no network requests, escaped user strings', async () => {
      const dir = tempDir();
      const file = join(dir, 'report.html');
      writeFileSync(file, renderHtml(results));
      const page = await browser.newPage();
      const consoleErrors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.waitForTimeout(200);
      expect(consoleErrors).toEqual([]);
      // The only request is the report itself; images are data: URIs, styles inline, no scripts.
      expect(requests.filter((u) => !u.startsWith('data:'))).toEqual([pathToFileURL(file).href]);
      expect(await page.title()).not.toBe('pwned');
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await page.locator('h1').textContent()).toContain('<img src=x');
      expect(await page.locator('.banner-verdict').textContent()).toBe(results.verdict);
      expect(await page.locator('#probe-performance').textContent()).toContain('89.30%');
      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(existsSync(shot)).toBe(true);
      await page.close();
    });
  });
});
