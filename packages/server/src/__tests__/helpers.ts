import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { silentLogger, type Limits, type Logger } from '../options';
import { startServer, type RoomkitServer, type ServerOptions } from '../startServer';

export type Vsn = '1.0.0' | '2.0.0';
export const VERSIONS: Vsn[] = ['1.0.0', '2.0.0'];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A server on a free port with no error delays; stopped after the test. Without a database
 * unless `db` says otherwise (`'embedded'` gives an ephemeral one).
 */
export async function testServer(
  options: ServerOptions & { limits?: Partial<Limits> } = {},
): Promise<RoomkitServer> {
  const server = await startServer({
    port: 0,
    logger: silentLogger,
    db: 'none',
    ephemeral: true,
    ...options,
    limits: { connectErrorDelayMs: 0, joinErrorDelayMs: 0, ...options.limits },
  });
  cleanups.push(() => server.stop());
  return server;
}

/** An official supabase-js client on Node 20's `ws` transport; disconnected after the test. */
export function client(
  server: RoomkitServer,
  options: { vsn?: Vsn; key?: string; heartbeatIntervalMs?: number } = {},
): SupabaseClient {
  const supabase = createClient(server.url, options.key ?? server.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: {
      transport: WebSocket as never,
      vsn: options.vsn ?? '2.0.0',
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 25_000,
    },
  });
  cleanups.push(() => supabase.removeAllChannels());
  return supabase;
}

/** Subscribes and resolves with the first terminal status the callback reports. */
export function subscribe(
  channel: RealtimeChannel,
): Promise<{ status: string; error: Error | undefined }> {
  return new Promise((resolve) => {
    channel.subscribe((status, error) => resolve({ status, error }));
  });
}

/** Subscribes and fails the test unless the channel reaches SUBSCRIBED. */
export async function joined(channel: RealtimeChannel): Promise<RealtimeChannel> {
  const { status, error } = await subscribe(channel);
  if (status !== 'SUBSCRIBED')
    throw new Error(`expected SUBSCRIBED, got ${status}: ${String(error)}`);
  return channel;
}

/** Collects what a channel receives for a broadcast event. */
export function collect<T = unknown>(channel: RealtimeChannel, event: string): T[] {
  const received: T[] = [];
  channel.on('broadcast', { event }, (message) => received.push(message as T));
  return received;
}

/** Waits until `check` returns true, polling every 10 ms. */
export async function until(
  check: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A logger that keeps what it is told, for asserting that bad input was logged. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${message} ${fields ? JSON.stringify(fields) : ''}`);
  return { lines, info: record, warn: record, error: record };
}

/**
 * Fails every test of the file during which an exception or a rejection reached the process
 * (`uncaughtException` / `unhandledRejection`): the server must handle everything itself.
 */
export function failOnProcessErrors(): void {
  const seen: string[] = [];
  const record = (error: unknown) =>
    seen.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  beforeAll(() => {
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
  });
  afterAll(() => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  });
  afterEach(() => {
    expect(seen.splice(0), 'errors that reached the process').toEqual([]);
  });
}

/**
 * One server with an ephemeral embedded database for all tests of a file (started before the
 * first, stopped after the last) and a SQL client to it. Its fields are set once `beforeAll` ran.
 */
export function databaseServer(limits: Partial<Limits> = {}): {
  server: RoomkitServer;
  db: pg.Client;
} {
  const shared = {} as { server: RoomkitServer; db: pg.Client };
  beforeAll(async () => {
    shared.server = await startServer({
      port: 0,
      db: 'embedded',
      ephemeral: true,
      logger: silentLogger,
      limits: { joinErrorDelayMs: 0, connectErrorDelayMs: 0, ...limits },
    });
    shared.db = new pg.Client({ connectionString: shared.server.dbUrl ?? '' });
    await shared.db.connect();
  }, 60_000);
  afterAll(async () => {
    await shared.db?.end();
    await shared.server?.stop();
  });
  return shared;
}
