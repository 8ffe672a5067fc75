// Loaded by the Vitest config, so it must not import the server: the global setup shares it here.
import type { RoomkitServer } from '@roomkit/server';
import pg from 'pg';
import type { BrowserCommand } from 'vitest/node';
import type {} from '@vitest/browser-playwright';

/** Where the global setup leaves the running servers for the commands. */
export const QUERY_SERVERS = Symbol.for('@roomkit/react:browser-test-servers');

/** The servers shared through `globalThis`. */
export interface QueryServers {
  /** The realtime server the browser's clients talk to; it can stop and start on its port. */
  front: () => RoomkitServer;
  /** The PostgreSQL both use, which outlives `front`. */
  dbUrl: string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
}

const servers = (): QueryServers => {
  const current = (globalThis as { [QUERY_SERVERS]?: QueryServers })[QUERY_SERVERS];
  if (!current) throw new Error('The react browser global setup did not start the test server.');
  return current;
};

/** Commands the browser tests call; each runs in Node, beside the server. */
export const queryCommands = {
  queryServer: (() => ({
    url: servers().front().url,
    anonKey: servers().front().anonKey,
  })) satisfies BrowserCommand<[]>,
  queryToken: ((_context, sub: string) =>
    servers().front().mintToken({ sub, role: 'authenticated' })) satisfies BrowserCommand<[string]>,
  queryServerStop: (() => servers().stop()) satisfies BrowserCommand<[]>,
  queryServerStart: (() => servers().start()) satisfies BrowserCommand<[]>,
  /** Runs SQL as the database owner (tables, triggers, checks of what was stored). */
  querySql: (async (_context, text: string, values: unknown[] = []) => {
    const db = new pg.Client({ connectionString: servers().dbUrl });
    await db.connect();
    try {
      return (await db.query(text, values)).rows as Record<string, unknown>[];
    } finally {
      await db.end();
    }
  }) satisfies BrowserCommand<[string, unknown[]?]>,
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    queryServer: () => Promise<{ url: string; anonKey: string }>;
    queryToken: (sub: string) => Promise<string>;
    queryServerStop: () => Promise<void>;
    queryServerStart: () => Promise<void>;
    querySql: (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;
  }
}
