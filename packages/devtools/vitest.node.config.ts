import { defineProject } from 'vitest/config';

/** The devtools' Node tests: what a production bundle keeps of them. */
export default defineProject({
  test: {
    name: 'devtools-node',
    environment: 'node',
    include: ['src/**/*.node.test.ts'],
    testTimeout: 60_000,
  },
});
