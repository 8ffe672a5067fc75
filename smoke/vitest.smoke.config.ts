import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

/**
 * The packed-package smoke test: `pnpm pack` of each public package, installed into throwaway
 * apps outside the repository (Vite + React 19, Vite + React 18, a Node ESM script), built and
 * run in Chromium against `roomkit start` from the packed server.
 */
export default defineProject({
  test: {
    name: 'smoke',
    root: fileURLToPath(new URL('.', import.meta.url)),
    environment: 'node',
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/globalSetup.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
