// Runs in Node (Vitest's main process): the browser tests reach it through `commands`.
import { silentLogger, startServer, type RoomkitServer } from '@roomkit/server';
import { ensureChromium } from '../../../../testing/chromium';
import { DEVTOOLS_SERVER } from './commands';

/** Vitest global setup: finds Chromium and starts one server (dev endpoints on, no database). */
export default async function setup() {
  ensureChromium();
  const server = await startServer({
    port: 0,
    db: 'none',
    dev: true,
    logger: silentLogger,
    limits: { joinErrorDelayMs: 0, connectErrorDelayMs: 0 },
  });
  const holder = globalThis as { [DEVTOOLS_SERVER]?: RoomkitServer };
  holder[DEVTOOLS_SERVER] = server;
  return async () => {
    await server.stop();
    delete holder[DEVTOOLS_SERVER];
  };
}
