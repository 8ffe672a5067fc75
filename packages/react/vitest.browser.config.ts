import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';
import { chromiumLaunchOptions } from '../../testing/chromium';
import { queryCommands } from './src/__tests__/browserCommands';

/** The hook tests that render in a real Chromium (Debian's) against a real server and PostgreSQL. */
export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // Global setups run in Vitest's own environment, which inherits neither of the above: without
  // this they load @roomkit/server's build, and fail on a fresh clone that has none.
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
  test: {
    name: 'react-browser',
    include: ['src/**/*.browser.test.tsx'],
    globalSetup: ['src/__tests__/browserServer.ts'],
    // Tests stop and restart the shared server, so files run one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      commands: queryCommands,
      provider: playwright({ launchOptions: chromiumLaunchOptions() }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
