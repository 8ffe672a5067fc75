import react from '@vitejs/plugin-react';
import { chromium, type Browser } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { createServer, defaultClientConditions, type ViteDevServer } from 'vite';

/** Serves the tabs test page (this folder) from source with Vite; `url` is where it listens. */
export async function serveTabsPage(): Promise<{ vite: ViteDevServer; url: string }> {
  const vite = await createServer({
    root: fileURLToPath(new URL('.', import.meta.url)),
    configFile: false,
    plugins: [react()],
    resolve: { conditions: ['source', ...defaultClientConditions] },
    server: { host: '127.0.0.1', port: 0 },
    logLevel: 'warn',
  });
  await vite.listen();
  return { vite, url: vite.resolvedUrls?.local[0] ?? '' };
}

/** Debian's Chromium (or `CHROMIUM_PATH`), headless, as the e2e tests launch it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
