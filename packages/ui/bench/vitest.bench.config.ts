import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { chromiumBrowser, fromSource } from '../../../testing/browserProject';
import { realtimeCommands } from '../src/__tests__/commands';
import { benchCommands } from './commands';

/** `pnpm bench:ui`: the benchmark in Chromium against one in-process server (not a test). */
export default defineConfig({
  ...fromSource,
  test: {
    name: 'ui-bench',
    include: ['bench/**/*.bench.tsx'],
    root: fileURLToPath(new URL('..', import.meta.url)),
    // Starts the server in Node, after finding (or installing) Chromium.
    globalSetup: ['bench/globalSetup.ts'],
    // Tests stop and restart the shared server, so files run one at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    browser: chromiumBrowser({ ...realtimeCommands, ...benchCommands }),
  },
});
