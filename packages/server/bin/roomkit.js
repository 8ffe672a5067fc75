#!/usr/bin/env node
// Inside the Roomkit repository the CLI runs from source (no build step). The published
// package's `roomkit` is bin/roomkit.dist.js (publishConfig.bin), which runs the built dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source);
} else {
  await import('../dist/cli.js');
}
