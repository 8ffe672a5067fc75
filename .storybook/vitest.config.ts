import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { chromiumLaunchOptions } from '../testing/chromium';

/** Every story rendered (and its `play` run) in Debian's Chromium. */
export default defineProject({
  plugins: [storybookTest({ configDir: fileURLToPath(new URL('.', import.meta.url)) })],
  // Workspace packages from source, as everywhere in the repo.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // Global setups run in Vitest's own environment, which inherits neither of the above: without
  // this they load @roomkit/server's build, and fail on a fresh clone that has none.
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
  test: {
    name: 'storybook',
    globalSetup: [fileURLToPath(new URL('./storyServer.ts', import.meta.url))],
    setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({ launchOptions: chromiumLaunchOptions() }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
