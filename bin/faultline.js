#!/usr/bin/env node
// The CLI entry point. It runs the compiled TypeScript in dist/, which `npm ci` builds (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('faultline: dist/ is missing; run `npm run build` (npm ci does it for you).\n');
  process.exit(3);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
