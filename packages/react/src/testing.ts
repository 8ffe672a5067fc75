// eslint-disable-next-line no-restricted-imports -- this subpath exists to start the server for tests; the main entry never imports it (checked by size.test.ts).
import { silentLogger, startServer, type RoomkitServer, type ServerOptions } from '@roomkit/server';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { jitteredBackoff } from './core/jitteredBackoff';

type Transport = NonNullable<
  NonNullable<NonNullable<Parameters<typeof createClient>[2]>['realtime']>['transport']
>;

/** Options of {@link startTestRealtime}: the server's options plus how clients connect. */
export interface TestRealtimeOptions extends ServerOptions {
  /** The WebSocket class clients use. @default `ws` in Node, the global WebSocket elsewhere */
  transport?: Transport;
  /** The clients' reconnect schedule. @default 100 ms doubling to 1 s, jittered */
  reconnectAfterMs?: (tries: number) => number;
}

/** Options of one test user's client. */
export interface TestUserOptions {
  /** The JWT role. @default 'authenticated' */
  role?: string;
  /** Extra JWT claims. */
  claims?: Record<string, unknown>;
}

/** An in-process server plus factories for clients of several users. */
export interface TestRealtime {
  /** The running server (a new object after `restart`). */
  readonly server: RoomkitServer;
  /** A client signed in as `id` with a token of its own (`sub = id`). */
  user(id: string, options?: TestUserOptions): Promise<SupabaseClient>;
  /** A client with the anon key. */
  anon(): SupabaseClient;
  /** Stops the server and starts a new one on the same port (the database, if any, survives). */
  restart(): Promise<void>;
  /** Closes every client made here and stops the server. */
  stop(): Promise<void>;
}

async function defaultTransport(): Promise<Transport | undefined> {
  if (typeof process === 'undefined' || !process.versions?.node) return undefined;
  const ws = await import('ws');
  return ws.default as unknown as Transport;
}

/**
 * Starts `@roomkit/server` in this process and hands out clients for several users, so a
 * component test can have A act and B see, over the real protocol.
 * @example
 * const realtime = await startTestRealtime();
 * const alice = await realtime.user('alice');
 * render(<RealtimeProvider client={alice}><Chat /></RealtimeProvider>);
 * await realtime.stop();
 */
export async function startTestRealtime(options: TestRealtimeOptions = {}): Promise<TestRealtime> {
  const { transport: given, reconnectAfterMs, ...serverOptions } = options;
  const transport = given ?? (await defaultTransport());
  const base: ServerOptions = {
    port: 0,
    db: 'none',
    ephemeral: true,
    logger: silentLogger,
    ...serverOptions,
    limits: { connectErrorDelayMs: 0, joinErrorDelayMs: 0, ...serverOptions.limits },
  };
  // With a database, a second server owns it, so a restart of the realtime one keeps the data.
  const owner = base.db === 'none' ? null : await startServer({ ...base, port: 0 });
  const front: ServerOptions = owner
    ? { ...base, db: (owner.dbUrl ?? 'none') as ServerOptions['db'] }
    : base;
  let server = await startServer(front);
  const clients: SupabaseClient[] = [];
  let count = 0;

  const make = (token?: string): SupabaseClient => {
    const client = createClient(server.url, server.anonKey, {
      ...(token ? { accessToken: async () => token } : {}),
      auth: {
        persistSession: false,
        autoRefreshToken: false,
        storageKey: `roomkit-test-${++count}`,
      },
      realtime: {
        ...(transport ? { transport } : {}),
        reconnectAfterMs: reconnectAfterMs ?? jitteredBackoff({ initialMs: 100, maxMs: 1000 }),
      },
    });
    clients.push(client);
    return client;
  };

  return {
    get server() {
      return server;
    },
    async user(id, userOptions = {}) {
      const token = await server.mintToken({
        sub: id,
        role: userOptions.role ?? 'authenticated',
        claims: userOptions.claims,
      });
      return make(token);
    },
    anon: () => make(),
    async restart() {
      const port = server.port;
      await server.stop();
      server = await startServer({ ...front, port });
    },
    async stop() {
      await Promise.all(clients.splice(0).map((client) => client.removeAllChannels()));
      await server.stop();
      await owner?.stop();
    },
  };
}
