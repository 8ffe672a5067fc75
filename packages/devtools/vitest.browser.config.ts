import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';
import { chromiumLaunchOptions } from '../../testing/chromium';
import { devtoolsCommands } from './src/__tests__/commands';

/** The devtools tests: a real Chromium (Debian's) against one in-process @roomkit/server (--dev). */
export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // Global setups run in Vitest's own environment, which inherits neither of the above.
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
  test: {
    name: 'devtools',
    include: ['src/**/*.browser.test.{ts,tsx}'],
    globalSetup: ['src/__tests__/realtimeServer.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      commands: devtoolsCommands,
      provider: playwright({ launchOptions: chromiumLaunchOptions() }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
