import { defineProject } from 'vitest/config';
import { chromiumBrowser, fromSource } from '../../testing/browserProject';
import { realtimeCommands } from './src/__tests__/commands';

/** The ui tests: a real Chromium (Debian's) against one in-process @roomkit/server. */
export default defineProject({
  ...fromSource,
  test: {
    name: 'ui',
    include: ['src/**/*.browser.test.{ts,tsx}'],
    // Starts the server in Node, after finding (or installing) Chromium.
    globalSetup: ['src/__tests__/realtimeServer.ts'],
    // Tests stop and restart the shared server, so files run one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll and expect.element wait on round trips through a real server: on a loaded CI
    // machine one can take seconds, far past their default of 1 s.
    expect: { poll: { timeout: 10_000 } },
    browser: chromiumBrowser(realtimeCommands),
  },
});
