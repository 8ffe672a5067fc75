// Loaded by vitest.config.ts, so it must not import the server: the global setup shares it here.
import type { RoomkitServer } from '@roomkit/server';
import type { BrowserCommand } from 'vitest/node';
import type {} from '@vitest/browser-playwright';

/** Where the global setup leaves the running server for the commands. */
export const SERVERS = Symbol.for('@roomkit/ui:test-servers');

/** The server handle shared through `globalThis`. */
export interface TestServers {
  front: () => RoomkitServer;
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
  }
}
