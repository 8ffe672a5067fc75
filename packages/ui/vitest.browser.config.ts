import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';
import { chromiumLaunchOptions } from '../../testing/chromium';
import { realtimeCommands } from './src/__tests__/commands';

/** The ui tests: a real Chromium (Debian's) against one in-process @roomkit/server. */
export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // Global setups run in Vitest's own environment, which inherits neither of the above: without
  // this they load @roomkit/server's build, and fail on a fresh clone that has none.
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
  test: {
    name: 'ui',
    include: ['src/**/*.browser.test.{ts,tsx}'],
    // Starts the server in Node, after finding (or installing) Chromium.
    globalSetup: ['src/__tests__/realtimeServer.ts'],
    // Tests stop and restart the shared server, so files run one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      commands: realtimeCommands,
      provider: playwright({ launchOptions: chromiumLaunchOptions() }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
