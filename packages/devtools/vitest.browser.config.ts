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
    browser: chromiumBrowser(devtoolsCommands),
  },
});
