import { defineProject } from 'vitest/config';
import { chromiumBrowser, fromSource } from '../../testing/browserProject';
import { queryCommands } from './src/__tests__/browserCommands';

/** The hook tests that render in a real Chromium (Debian's) against a real server and PostgreSQL. */
export default defineProject({
  ...fromSource,
  test: {
    name: 'react-browser',
    include: ['src/**/*.browser.test.tsx'],
    globalSetup: ['src/__tests__/browserServer.ts'],
    // Tests stop and restart the shared server, so files run one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll and expect.element wait on round trips through a real server: on a loaded CI
    // machine one can take seconds, far past their default of 1 s.
    expect: { poll: { timeout: 10_000 } },
    browser: chromiumBrowser(queryCommands),
  },
});
