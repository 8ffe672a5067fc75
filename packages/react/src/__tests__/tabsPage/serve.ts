import react from '@vitejs/plugin-react';
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
