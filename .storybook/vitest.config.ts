import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { chromiumBrowser, fromSource } from '../testing/browserProject';

/** Every story rendered (and its `play` run) in Debian's Chromium. */
export default defineProject({
  plugins: [storybookTest({ configDir: fileURLToPath(new URL('.', import.meta.url)) })],
  ...fromSource,
  test: {
    name: 'storybook',
    globalSetup: [fileURLToPath(new URL('./storyServer.ts', import.meta.url))],
    setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    browser: chromiumBrowser(),
  },
});
