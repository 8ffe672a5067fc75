import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// React 18 and the libraries that render with it come from ./react18 (a private workspace
// package), so react-dom, @testing-library/react and react-query all share one React 18 copy.
const here = createRequire(new URL('./react18/package.json', import.meta.url));
const from18 = (id: string) => here.resolve(id);

/** The hook tests again on React 18. */
export default defineProject({
  resolve: {
    conditions: ['source'],
    alias: [
      { find: /^react$/, replacement: from18('react') },
      { find: /^react\/jsx-runtime$/, replacement: from18('react/jsx-runtime') },
      { find: /^react\/jsx-dev-runtime$/, replacement: from18('react/jsx-dev-runtime') },
      { find: /^react-dom$/, replacement: from18('react-dom') },
      { find: /^react-dom\/client$/, replacement: from18('react-dom/client') },
      { find: /^react-dom\/server$/, replacement: from18('react-dom/server') },
      { find: /^@testing-library\/react$/, replacement: from18('@testing-library/react') },
      { find: /^react-test-renderer$/, replacement: from18('react-test-renderer') },
    ],
  },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'react18',
    root: fileURLToPath(new URL('.', import.meta.url)),
    environment: 'jsdom',
    include: [
      'src/__tests__/react18.check.tsx',
      'src/__tests__/RealtimeProvider.test.tsx',
      'src/__tests__/useBroadcast.test.tsx',
      'src/__tests__/usePresence.test.tsx',
      'src/__tests__/usePostgresChanges.test.tsx',
      'src/__tests__/liveQueries.test.tsx',
      'src/__tests__/mutations.test.tsx',
      'src/__tests__/useConnectionStatus.test.tsx',
      'src/__tests__/auth.test.tsx',
      'src/__tests__/runtimes.test.tsx',
    ],
    setupFiles: ['src/__tests__/setup.ts'],
    // ESM libraries that import `react` are bundled into the test run so the alias reaches them.
    server: { deps: { inline: ['zustand', '@tanstack/react-query', '@tanstack/query-core'] } },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
