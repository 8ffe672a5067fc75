#!/usr/bin/env node
// Inside the Roomkit repository the CLI runs from source (no build step); a published install
// runs the built dist/. It ships src/ too (for its source maps) but never the build config.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const checkout = existsSync(fileURLToPath(new URL('../tsup.config.ts', import.meta.url)));
const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
if (checkout) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source);
} else {
  await import('../dist/cli.js');
}
