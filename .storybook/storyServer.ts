// Vitest global setup for the story tests (runs in Node): a server of their own, never the
// playground's, with the same migrations and development endpoints.
import { silentLogger, startServer } from '../packages/server/src/index';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureChromium } from '../testing/chromium';

const repo = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    roomkitStoryServer: { url: string; anonKey: string };
  }
}

export default async function setup(project: TestProject) {
  ensureChromium();
  const server = await startServer({
    port: 0,
    ephemeral: true,
    dev: true,
    logger: silentLogger,
    migrations: [
      repo('packages/ui/sql'),
      repo('apps/demo/supabase/migrations'),
      repo('.storybook/sql'),
    ],
  });
  project.provide('roomkitStoryServer', { url: server.url, anonKey: server.anonKey });
  return () => server.stop();
}
