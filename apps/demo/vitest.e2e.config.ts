import { defineProject } from 'vitest/config';

/** The demo in Debian's Chromium (playwright-core), two users against `roomkit start`. */
export default defineProject({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
