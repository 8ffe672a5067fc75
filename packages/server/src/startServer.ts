import { DEV_PATH, devApi } from './devApi';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  DEFAULT_JWT_SECRET,
  TokenError,
  TokenVerifier,
  mintToken,
  projectKeys,
  type MintOptions,
  AuthApi,
  MAX_AUTH_BODY_BYTES,
  SOCKET_CREDENTIALS,
  requestCredential,
} from './auth';
import { ChangeStream, PostgresChanges } from './changes';
import { dataApi } from './rest';
import { Database, DatabaseError, type DatabaseMode } from './db';
import { CORS_HEADERS, refuseUpgrade, sendJson } from './http';
import { DEFAULT_LIMITS, consoleLogger, type Limits, type Logger } from './options';
import {
  Connection,
  RealtimeHub,
  batchBroadcast,
  negotiateVersion,
  singleBroadcast,
  type ServerStats,
} from './realtime';
import { total } from './total';

/** Options of `startServer`, the same as the `roomkit start` flags. */
export interface ServerOptions {
  /** The interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** The port; 0 picks a free one. @default 54321 */
  port?: number;
  /** The HS256 secret tokens are signed with. @default the Supabase CLI's local secret */
  jwtSecret?: string;
  /**
   * The database: `'embedded'` (a real PostgreSQL from npm, data under `.roomkit/`), a
   * `postgres://` URL of an existing server with `wal_level=logical`, or `'none'`.
   * @default 'embedded'
   */
  db?: DatabaseMode;
  /** With the embedded database, use a throw-away data directory. @default false */
  ephemeral?: boolean;
  /** The embedded database's data folder. @default '.roomkit/db' */
  dataDir?: string;
  /**
   * Folders of `.sql` migrations: applied folder by folder, each in name order, each file once
   * (recorded by file name, so names must be unique across folders).
   */
  migrations?: string | readonly string[];
  /**
   * Development endpoints: `GET /roomkit/v1/connections` and `POST /roomkit/v1/connections/drop`
   * (cut sockets like a lost network, to watch reconnects). Never on in production. @default false
   */
  dev?: boolean;
  /** Limits, each defaulting to the real server's value for a new project. */
  limits?: Partial<Limits>;
  /** Where log lines go. @default stderr */
  logger?: Logger;
}

/** A running server. */
export interface RoomkitServer {
  /** The base URL to pass to `createClient`, e.g. `http://127.0.0.1:54321`. */
  url: string;
  host: string;
  port: number;
  /** The anon JWT for this server's secret. */
  anonKey: string;
  /** The service_role JWT for this server's secret. */
  serviceRoleKey: string;
  /**
   * The `sb_publishable_…` key accepted as anon: the Supabase CLI's well-known one with the
   * default secret, else one derived from `jwtSecret` (see `opaqueKeys`).
   */
  publishableKey: string;
  /** The `sb_secret_…` key accepted as service_role, chosen like `publishableKey`. */
  secretKey: string;
  jwtSecret: string;
  /** The database URL, or null without a database. */
  dbUrl: string | null;
  /** The embedded PostgreSQL's process id (tests kill it to check recovery). */
  dbPid(): number | undefined;
  /** Live counters: connections, joins, broadcasts, frames sent. */
  stats: Readonly<ServerStats>;
  /** The number of WebSocket connections open now. */
  connectionCount(): number;
  /** Mints a token signed with this server's secret. */
  mintToken(options?: Omit<MintOptions, 'secret'>): Promise<string>;
  /** Closes every WebSocket (code 1012, as a real server restart), leaving the server running. */
  disconnectAll(): void;
  /** Stops the server: closes every socket, then the listener. */
  stop(): Promise<void>;
}

const SOCKET_PATHS = new Set(['/realtime/v1/websocket', '/socket/websocket']);
const SINGLE_BROADCAST = /^\/(?:realtime\/v1\/)?api\/broadcast\/([^/]+)\/events\/([^/]+)$/;
const BATCH_BROADCAST = /^\/(?:realtime\/v1\/)?api\/broadcast$/;

/**
 * Starts a local server that speaks the Supabase Realtime protocol to the official client.
 * @example
 * const server = await startServer({ port: 0 });
 * const supabase = createClient(server.url, server.anonKey, { realtime: { transport: WebSocket } });
 */
export async function startServer(options: ServerOptions = {}): Promise<RoomkitServer> {
  const host = options.host ?? '127.0.0.1';
  const jwtSecret = options.jwtSecret ?? DEFAULT_JWT_SECRET;
  const db = options.db ?? 'embedded';
  if (db !== 'none' && db !== 'embedded' && !/^postgres(ql)?:\/\//.test(db)) {
    throw new DatabaseError(
      `Unknown database "${String(db)}": use embedded, none or a postgres:// URL.`,
    );
  }
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const logger = options.logger ?? consoleLogger;
  const verifier = new TokenVerifier(jwtSecret);
  const keys = await projectKeys(jwtSecret);
  let publicUrl = '';
  const data =
    db === 'none'
      ? null
      : await openDatabase(db, options, { limits, logger, verifier }, () => publicUrl);
  const hub = new RealtimeHub({
    limits,
    verifier,
    logger,
    dev: options.dev ?? false,
    database: data?.database ?? null,
    postgres: data?.postgres ?? null,
  });
  const stream = data ? await streamChanges(hub, data.database) : null;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
  });

  // Every request gets an answer: a failure inside a handler becomes a 500, never an exit.
  const http = createServer(
    total(
      logger,
      'request',
      (request: IncomingMessage, response: ServerResponse) =>
        handleRequest(hub, data, request, response),
      (_error, request, response) => {
        if (!response.headersSent) sendJson(response, 500, { message: 'Internal server error' });
        else response.end();
        request.resume();
      },
    ),
  );
  http.on(
    'upgrade',
    total(
      logger,
      'upgrade',
      (request: IncomingMessage, socket: Duplex, head: Buffer) =>
        upgrade(hub, wss, request, socket, head),
      (_error, _request, socket) =>
        refuseUpgrade(socket, 500, { error: 'Error connecting to Realtime' }),
    ),
  );

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 54321, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  // After listening, a server error (EMFILE…) is logged; it must not end the process.
  http.on('error', (error) => logger.error('HTTP server error', { error: error.message }));
  const { port } = http.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  publicUrl = `http://${urlHost}:${port}`;

  const disconnectAll = () => {
    for (const connection of hub.connections) {
      for (const channel of connection.channels.values()) {
        channel.system('system', 'ok', 'Server requested disconnect');
      }
      connection.close(1012, 'server restart');
    }
  };

  let stopping: Promise<void> | null = null;
  return {
    url: publicUrl,
    host,
    port,
    ...keys,
    ...verifier.keys,
    jwtSecret,
    dbUrl: data?.database.url ?? null,
    dbPid: () => data?.database.embeddedPid,
    stats: hub.stats,
    connectionCount: () => hub.connections.size,
    mintToken: (mint) => mintToken({ ...mint, secret: jwtSecret }),
    disconnectAll,
    stop() {
      stopping ??= (async () => {
        hub.stop();
        disconnectAll();
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        wss.close();
        await stream?.stop();
        await data?.database.close();
      })();
      return stopping;
    },
  };
}

/** The parts that exist only with a database: the database, its auth API and Postgres Changes. */
interface DatabaseParts {
  database: Database;
  auth: AuthApi;
  postgres: PostgresChanges;
}

/** Opens the database and builds the parts that use it. */
async function openDatabase(
  mode: Exclude<DatabaseMode, 'none'>,
  options: ServerOptions,
  { limits, logger, verifier }: { limits: Limits; logger: Logger; verifier: TokenVerifier },
  publicUrl: () => string,
): Promise<DatabaseParts> {
  const database = await Database.open({
    mode,
    ephemeral: options.ephemeral,
    dataDir: options.dataDir,
    migrations: options.migrations,
    logger,
  });
  const auth = new AuthApi({
    database,
    verifier,
    url: publicUrl,
    jwtExpiry: 3600,
    tokenRequestsPer5Min: limits.authTokenRequestsPer5Min,
    tokenBurst: limits.authTokenBurst,
  });
  const postgres = new PostgresChanges(
    database,
    logger,
    limits.maxRecordBytes,
    limits.filterTimeoutMs,
  );
  return { database, auth, postgres };
}

/** Streams the database's committed changes into the hub. */
async function streamChanges(hub: RealtimeHub, database: Database): Promise<ChangeStream> {
  const stream = new ChangeStream(
    database.url,
    database.pool,
    hub.logger,
    (changes) => hub.onChanges(changes),
    total(hub.logger, 'database status', (up: boolean) => hub.databaseStatus(up)),
  );
  try {
    await stream.start();
  } catch (error) {
    await database.close();
    throw new DatabaseError(`Logical replication could not start: ${(error as Error).message}`);
  }
  return stream;
}

async function upgrade(
  hub: RealtimeHub,
  wss: WebSocketServer,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  // A client that resets during the handshake (or its refusal delay) must not throw; once the
  // upgrade is handed to `ws`, its own listener takes over.
  const onError = (error: Error) =>
    hub.logger.info('handshake socket error', { error: error.message });
  socket.on('error', onError);
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (!SOCKET_PATHS.has(url.pathname)) return refuseUpgrade(socket, 404);
  const vsn = negotiateVersion(url.searchParams.get('vsn'));
  // Phoenix refuses a serializer it cannot negotiate with a bare 403.
  if (vsn === null) return refuseUpgrade(socket, 403);
  let identity;
  try {
    identity = await hub.verifier.verify(requestCredential(request, SOCKET_CREDENTIALS));
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    hub.logger.warn('connection refused', { reason: error.message });
    await delay(hub.limits.connectErrorDelayMs);
    return refuseUpgrade(socket, 401, { error: error.connectMessage });
  }
  wss.handleUpgrade(request, socket, head, (ws) => {
    socket.off('error', onError);
    hub.addConnection(new Connection(hub, ws, vsn, identity));
  });
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Answers a request the server-wide body count cannot take now. */
function sendBusy(response: ServerResponse): void {
  response.setHeader('retry-after', '1');
  sendJson(response, 503, {
    message:
      'The server is receiving too many request bodies at once (maxTotalRequestBodyBytes); retry shortly',
  });
}

async function handleRequest(
  hub: RealtimeHub,
  data: DatabaseParts | null,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  for (const [name, value] of Object.entries(CORS_HEADERS)) response.setHeader(name, value);
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method === 'OPTIONS') return void response.writeHead(204).end();
  if (request.method === 'GET' && (url.pathname === '/' || url.pathname === '/health')) {
    return sendJson(response, 200, { name: '@roomkit/server', status: 'ok' });
  }
  /**
   * Reads the body and handles it while its bytes count against `maxTotalRequestBodyBytes`; a
   * body the count cannot take is answered 503, one over `limit` is handed on as null.
   */
  const withBody = async (limit: number, handle: (body: Buffer | null) => Promise<void>) => {
    const read = await hub.requestBodies.read(request, limit);
    if (read === 'busy') return sendBusy(response);
    try {
      await handle(read.body);
    } finally {
      read.release();
    }
  };
  const tooLarge = () => sendJson(response, 413, { message: 'Payload too large' });
  const api = /^\/(auth|rest)\/v1\/(.*)$/.exec(url.pathname);
  if (api) {
    if (!data) {
      return sendJson(response, 503, {
        message: 'This server runs with --db none; auth and the data API need a database.',
      });
    }
    const path = api[2] ?? '';
    if (api[1] === 'auth') {
      // Over GoTrue's limit the body is null, and the auth API answers GoTrue's 413.
      return withBody(MAX_AUTH_BODY_BYTES, (body) =>
        data.auth.handle(request, response, url, body, path),
      );
    }
    return withBody(hub.limits.maxFrameBytes, async (body) => {
      if (body === null) return tooLarge();
      const database = { database: data.database, verifier: hub.verifier };
      return dataApi(database, request, response, url, body, path);
    });
  }
  const dev = DEV_PATH.exec(url.pathname);
  if (dev) {
    return withBody(hub.limits.maxFrameBytes, async (body) => {
      if (body === null) return tooLarge();
      return devApi(hub, request, response, dev[1] ?? '', body);
    });
  }
  const single = SINGLE_BROADCAST.exec(url.pathname);
  const isBatch = BATCH_BROADCAST.test(url.pathname);
  if (!single && !isBatch) return sendJson(response, 404, { message: 'Not found' });
  if (request.method !== 'POST') return sendJson(response, 405, { message: 'Method not allowed' });
  return withBody(hub.limits.maxFrameBytes, async (body) => {
    if (body === null) return tooLarge();
    if (isBatch) return batchBroadcast(hub, request, response, body);
    const [, topic = '', event = ''] = single ?? [];
    let names: [string, string];
    try {
      names = [decodeURIComponent(topic), decodeURIComponent(event)];
    } catch {
      return sendJson(response, 400, {
        message: 'The topic and event in the path must be percent-encoded UTF-8',
      });
    }
    return singleBroadcast(hub, request, response, url, body, ...names);
  });
}
