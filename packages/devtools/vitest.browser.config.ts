import { defineProject } from 'vitest/config';
import { chromiumBrowser, fromSource } from '../../testing/browserProject';
import { devtoolsCommands } from './src/__tests__/commands';

/** The devtools tests: a real Chromium (Debian's) against one in-process @roomkit/server (--dev). */
export default defineProject({
  ...fromSource,
  test: {
    name: 'devtools',
    include: ['src/**/*.browser.test.{ts,tsx}'],
    globalSetup: ['src/__tests__/realtimeServer.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll and expect.element wait on round trips through a real server: on a loaded CI
    // machine one can take seconds, far past their default of 1 s.
    expect: { poll: { timeout: 10_000 } },
    browser: chromiumBrowser(devtoolsCommands),
  },
});
