import { defineProject } from 'vitest/config';

/** The demo in Debian's Chromium (playwright-core), two users against `roomkit start`. */
export default defineProject({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits on pages talking to a real server: on a loaded CI machine a round trip
    // can take seconds, far past its default of 1 s.
    expect: { poll: { timeout: 10_000 } },
  },
});
