import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from '../../../testing/chromium';
import { realtimeCommands } from '../src/__tests__/commands';
import { benchCommands } from './commands';

/** `pnpm bench:ui`: the benchmark in Chromium against one in-process server (not a test). */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // Global setups run in Vitest's own environment, which inherits neither of the above: without
  // this they load @roomkit/server's build, and fail on a fresh clone that has none.
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
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
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      commands: { ...realtimeCommands, ...benchCommands },
      provider: playwright({ launchOptions: chromiumLaunchOptions() }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
