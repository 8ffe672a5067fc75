import { defineProject } from 'vitest/config';

/** The ui tests that run in Node: the bundle size budget. */
export default defineProject({
  test: {
    name: 'ui-node',
    environment: 'node',
    include: ['src/**/*.node.test.ts'],
    testTimeout: 30_000,
  },
});
