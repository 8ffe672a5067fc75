import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule } from 'vitest/node';

/** Ends every run with the `N passed, N failed` line that CI reads. */
class SummaryLine implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      let failedHere = 0;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
      }
      // A file that failed to load, or whose setup hook threw (its tests then show as skipped),
      // must still fail the run.
      if (testModule.state() === 'failed' && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // Global setups run in Vitest's own environment, which inherits neither of the above: without
  // this they load @roomkit/server's build, and fail on a fresh clone that has none.
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
  test: {
    reporters: ['default', new SummaryLine()],
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          root: 'packages/server',
          environment: 'node',
          include: ['src/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'react',
          root: 'packages/react',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
          // Those render in Chromium: project react-browser (packages/react/vitest.browser.config.ts).
          exclude: ['**/node_modules/**', 'src/**/*.browser.test.tsx'],
          setupFiles: ['src/__tests__/setup.ts'],
          // Type tests (`*.test-d.ts`, expectTypeOf) run through tsc and report as tests.
          typecheck: {
            enabled: true,
            include: ['src/**/*.test-d.ts'],
            tsconfig: '../../tsconfig.json',
          },
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      // The hook tests again on React 18.
      'packages/react/vitest.react18.config.ts',
      // The live-query hooks of two users in a real Chromium, on a server that stops and restarts.
      'packages/react/vitest.browser.config.ts',
      // @roomkit/ui: browser mode (Chromium) and Node (bundle size), with configs resolved from its own dependencies.
      'packages/ui/vitest.*.config.ts',
      // @roomkit/devtools: the panel in Chromium, and its production bundle in Node.
      'packages/devtools/vitest.*.config.ts',
      // Storybook's story tests (Chromium) and the demo's end-to-end tests (playwright-core).
      '.storybook/vitest.config.ts',
      'apps/*/vitest.*.config.ts',
      // The packed tarballs installed into throwaway apps outside the repository.
      'smoke/vitest.smoke.config.ts',
    ],
  },
});
