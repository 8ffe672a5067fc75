// Loaded by vitest.config.ts and by the page (for its types), so it must not import the server
// or pg: the global setup shares them here.
import type { RoomkitServer } from '@roomkit/server';
import type { BrowserCommand } from 'vitest/node';
import type {} from '@vitest/browser-playwright';
import type * as HeldCommits from './heldCommits';

/** Where the global setup leaves the running server for the commands. */
export const SERVERS = Symbol.for('@roomkit/ui:test-servers');

/** Where the global setup leaves `heldCommits.ts` for the commands. */
export const HELD_COMMITS = Symbol.for('@roomkit/ui:held-commits');

const held = (): typeof HeldCommits => {
  const current = (globalThis as { [HELD_COMMITS]?: typeof HeldCommits })[HELD_COMMITS];
  if (!current) throw new Error('The ui global setup did not share heldCommits.');
  return current;
};

/** The server handle shared through `globalThis`. */
export interface TestServers {
  front: () => RoomkitServer;
  /** The PostgreSQL both servers use. */
  dbUrl: string;
  /** A second server on the same database that keeps running while `front` is stopped. */
  databaseUrl: string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
}

const servers = (): TestServers => {
  const current = (globalThis as { [SERVERS]?: TestServers })[SERVERS];
  if (!current) throw new Error('The ui global setup did not start the test server.');
  return current;
};

/** What a browser test needs to make clients. */
export interface RealtimeInfo {
  url: string;
  anonKey: string;
  /** A server on the same database that stays up when the realtime one stops. */
  databaseUrl: string;
}

/** Commands the browser tests call; each runs in Node, beside the server. */
export const realtimeCommands = {
  realtimeInfo: (() => {
    const { front, databaseUrl } = servers();
    return { url: front().url, anonKey: front().anonKey, databaseUrl };
  }) satisfies BrowserCommand<[]>,
  realtimeToken: ((_context, sub: string) =>
    servers().front().mintToken({ sub, role: 'authenticated' })) satisfies BrowserCommand<[string]>,
  realtimeStop: (() => servers().stop()) satisfies BrowserCommand<[]>,
  realtimeStart: (() => servers().start()) satisfies BrowserCommand<[]>,
  /** Holds (or lets go of) every COMMIT of the test database: see `holdCommits`. */
  holdCommits: ((_context, hold: boolean) =>
    held().holdCommits(servers().dbUrl, hold)) satisfies BrowserCommand<[boolean]>,
  /** Waits until a COMMIT waits on that hold. */
  untilCommitHeld: (() => held().untilCommitHeld(servers().dbUrl)) satisfies BrowserCommand<[]>,
  /** Sets `prefers-reduced-motion` for the page, as the OS setting would. */
  reducedMotion: (async (context, reduce: boolean) => {
    await context.page.emulateMedia({ reducedMotion: reduce ? 'reduce' : 'no-preference' });
  }) satisfies BrowserCommand<[boolean]>,
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    realtimeInfo: () => Promise<RealtimeInfo>;
    realtimeToken: (sub: string) => Promise<string>;
    realtimeStop: () => Promise<void>;
    realtimeStart: () => Promise<void>;
    reducedMotion: (reduce: boolean) => Promise<void>;
    holdCommits: (held: boolean) => Promise<void>;
    untilCommitHeld: () => Promise<void>;
  }
}
