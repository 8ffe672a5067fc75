// Runs in Node (Vitest's main process): the browser tests reach it through `commands`.
import { silentLogger, startServer, type RoomkitServer, type ServerOptions } from '@roomkit/server';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from '../../../server/src/__tests__/chromium';

import { SERVERS, type TestServers } from './commands';

const holder = globalThis as { [SERVERS]?: TestServers };

/** Vitest global setup: finds (or installs) Chromium and starts one server for every ui test. */
export default function setup() {
  return startUiServers();
}

/** Starts the servers, with `limits` over the defaults (the benchmark lifts the event rate). */
export async function startUiServers(limits: ServerOptions['limits'] = {}) {
  ensureChromium();
  const base: ServerOptions = {
    port: 0,
    ephemeral: true,
    logger: silentLogger,
    limits: { joinErrorDelayMs: 0, connectErrorDelayMs: 0, ...limits },
  };
  // The database lives in its own server (in a child process) so this one can stop and start.
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./databaseProcess.ts', import.meta.url)),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { dbUrl, url } = JSON.parse(line) as { dbUrl: string | null; url: string };
  if (!dbUrl) throw new Error('The test database did not start.');
  const options: ServerOptions = { ...base, db: dbUrl as ServerOptions['db'] };
  let front: RoomkitServer = await startServer(options);
  holder[SERVERS] = {
    front: () => front,
    databaseUrl: url,
    stop: () => front.stop(),
    start: async () => {
      front = await startServer({ ...options, port: front.port });
    },
  };
  return async () => {
    await front.stop();
    child.stdin.end();
    await once(child, 'exit');
    delete holder[SERVERS];
  };
}
