import { parseArgs } from 'node:util';
import { DEFAULT_JWT_SECRET, mintToken } from './auth';
import { DEFAULT_LIMITS, silentLogger, consoleLogger } from './options';
import { DatabaseError, redact, type DatabaseMode } from './db';
import { startServer, type RoomkitServer } from './startServer';

const USAGE = `Usage:
  roomkit start [--host 127.0.0.1] [--port 54321] [--jwt-secret S] [--json] [--quiet] [--dev]
                [--db embedded|none|postgres://…] [--ephemeral] [--migrations DIR]…
                [--auth-rate-limit 150] [--max-presence-bytes 33554432]
                [--max-total-request-body-bytes 67108864]
  roomkit token --sub ID [--role authenticated] [--claims JSON] [--expires-in 3600] [--jwt-secret S]

A local server that speaks the Supabase Realtime protocol, for development and tests.
In production, point the same client code at a Supabase project.`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    fail(`--${name} must be a whole number, got "${value}".`);
  return parsed;
}

async function start(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      'jwt-secret': { type: 'string', default: DEFAULT_JWT_SECRET },
      db: { type: 'string', default: 'embedded' },
      ephemeral: { type: 'boolean', default: false },
      migrations: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      dev: { type: 'boolean', default: false },
      'auth-rate-limit': { type: 'string' },
      'max-presence-bytes': { type: 'string' },
      'max-total-request-body-bytes': { type: 'string' },
    },
  });
  const authRateLimit = integer(values['auth-rate-limit'], 'auth-rate-limit', 150);
  const maxPresenceBytes = integer(
    values['max-presence-bytes'],
    'max-presence-bytes',
    DEFAULT_LIMITS.maxPresenceBytes,
  );
  const maxTotalRequestBodyBytes = integer(
    values['max-total-request-body-bytes'],
    'max-total-request-body-bytes',
    DEFAULT_LIMITS.maxTotalRequestBodyBytes,
  );
  const port = integer(values.port, 'port', 54321);
  if (port > 65535) fail(`--port must be at most 65535, got ${port}.`);
  const db = values.db;
  if (db !== 'embedded' && db !== 'none' && !/^postgres(ql)?:\/\//.test(db)) {
    fail(`--db must be embedded, none or a postgres:// URL, got "${db}".`);
  }
  let server: RoomkitServer;
  try {
    server = await startServer({
      host: values.host,
      port,
      jwtSecret: values['jwt-secret'],
      db: db as DatabaseMode,
      ephemeral: values.ephemeral,
      migrations: values.migrations,
      dev: values.dev,
      limits: {
        authTokenRequestsPer5Min: authRateLimit,
        maxPresenceBytes,
        maxTotalRequestBodyBytes,
      },
      logger: values.quiet ? silentLogger : consoleLogger,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      fail(
        `Port ${port} on ${values.host} is already in use. Stop what uses it, or pass --port 0 for a free port.`,
      );
    }
    if (error instanceof DatabaseError) {
      process.stderr.write(`roomkit: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const shutdown = (signal: string) => {
    if (!values.json && !values.quiet) process.stderr.write(`\n${signal}: stopping…\n`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  // Before the ready line: whoever reads it may signal at once.
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  const { url, anonKey, serviceRoleKey, publishableKey, secretKey, jwtSecret, dbUrl } = server;
  if (values.json) {
    const ready = { url, anonKey, serviceRoleKey, publishableKey, secretKey, jwtSecret, dbUrl };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
  } else {
    process.stdout.write(
      [
        '',
        'Roomkit server is ready: Supabase Realtime for local development and tests.',
        '',
        `  API URL           ${url}`,
        `  Realtime          ${url.replace(/^http/, 'ws')}/realtime/v1/websocket`,
        `  anon key          ${anonKey}`,
        `  service_role key  ${serviceRoleKey}`,
        `  publishable key   ${publishableKey}`,
        `  secret key        ${secretKey}`,
        `  Database          ${dbUrl ? redact(dbUrl) : 'none (--db none)'}`,
        '',
        'Connect with createClient(url, anonKey). Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  }
}

async function token(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      sub: { type: 'string' },
      role: { type: 'string', default: 'authenticated' },
      claims: { type: 'string' },
      'expires-in': { type: 'string' },
      'jwt-secret': { type: 'string', default: DEFAULT_JWT_SECRET },
    },
  });
  if (values.sub === undefined) fail('roomkit token needs --sub ID.');
  let claims: Record<string, unknown> = {};
  if (values.claims !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(values.claims);
    } catch {
      fail(`--claims must be a JSON object, got ${values.claims}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      fail(`--claims must be a JSON object, got ${values.claims}`);
    }
    claims = parsed as Record<string, unknown>;
  }
  const jwt = await mintToken({
    sub: values.sub,
    role: values.role,
    claims,
    expiresIn: integer(values['expires-in'], 'expires-in', 3600),
    secret: values['jwt-secret'],
  });
  process.stdout.write(`${jwt}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'token':
      return token(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(`Unknown command "${command}".`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof UsageError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    process.stderr.write(`roomkit: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `roomkit: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
