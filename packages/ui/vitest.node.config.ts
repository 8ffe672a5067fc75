import { defineProject } from 'vitest/config';

/** The ui tests that run in Node: the bundle size budget and the chat SQL on a real server. */
export default defineProject({
  // Workspace packages (@roomkit/server) load from source, so no build is needed first.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'ui-node',
    environment: 'node',
    include: ['src/**/*.node.test.ts'],
    // Type tests (`*.test-d.tsx`, expectTypeOf) run through tsc and report as tests.
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.{ts,tsx}'],
      tsconfig: '../../tsconfig.json',
    },
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
