/**
 * `pnpm start`: the whole playground on one machine. Starts @roomkit/server with an embedded,
 * persistent PostgreSQL (data under `.roomkit/`, kept across runs) and the demo's migrations,
 * then Storybook and the demo, prints their URLs, and stops everything on Ctrl-C.
 */
import { DatabaseError, startServer, type RoomkitServer } from '@roomkit/server';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createServer as createViteServer, type ViteDevServer } from 'vite';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const HOST = '127.0.0.1';

const USAGE = `Usage: pnpm start [--server-port 54321] [--storybook-port 6006] [--demo-port 5173] [--no-storybook]
                 [--data-dir .roomkit/db]
(or ROOMKIT_PORT, STORYBOOK_PORT, DEMO_PORT, ROOMKIT_DATA_DIR in the environment)`;

function readOptions() {
  const { values } = parseArgs({
    options: {
      'server-port': { type: 'string', default: process.env.ROOMKIT_PORT ?? '54321' },
      'storybook-port': { type: 'string', default: process.env.STORYBOOK_PORT ?? '6006' },
      'demo-port': { type: 'string', default: process.env.DEMO_PORT ?? '5173' },
      'no-storybook': { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: process.env.ROOMKIT_DATA_DIR ?? '.roomkit/db' },
      help: { type: 'boolean', default: false },
    },
    // pnpm passes a literal `--` through when flags follow `pnpm start --`.
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const port = (name: 'server-port' | 'storybook-port' | 'demo-port', flag: string) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      fail(`--${flag} must be a port number (1-65535), got "${values[name]}".`);
    }
    return value;
  };
  return {
    server: port('server-port', 'server-port'),
    storybook: port('storybook-port', 'storybook-port'),
    demo: port('demo-port', 'demo-port'),
    withStorybook: !values['no-storybook'],
    dataDir: resolve(REPO, values['data-dir']),
  };
}

function fail(message: string): never {
  process.stderr.write(`roomkit playground: ${message}\n`);
  process.exit(2);
}

/** Whether something already listens on the port at one address. */
async function busyAt(port: number, host: string): Promise<boolean> {
  const probe = createNetServer();
  probe.listen(port, host);
  try {
    await once(probe, 'listening');
  } catch (error) {
    // A machine without IPv6 cannot bind ::1, and nothing can be listening there either.
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'EADDRNOTAVAIL' && code !== 'EAFNOSUPPORT';
  }
  probe.close();
  await once(probe, 'close');
  return false;
}

/**
 * Whether something already listens on the port (checked before anything starts). Both loopback
 * addresses count: a browser may resolve `localhost` to ::1 and reach another program there.
 */
async function busy(port: number): Promise<boolean> {
  return (await busyAt(port, HOST)) || (await busyAt(port, '::1'));
}

async function waitForHttp(url: string, what: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited before it was ready.`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not answer at ${url} within two minutes.`);
}

/** An error in the playground's own words: its flags, not the server CLI's. */
function explain(error: unknown, dataDir: string): string {
  if (error instanceof DatabaseError && error.code === 'data-dir-in-use') {
    const folder = relative(process.cwd(), dataDir) || dataDir;
    return (
      `the playground's database folder ${folder} is in use by another PostgreSQL ` +
      `(PID ${String(error.details.holderPid)}). Is another \`pnpm start\` running? Stop it ` +
      '(Ctrl-C in its terminal), or give this one its own folder with --data-dir <folder>.'
    );
  }
  return error instanceof Error ? error.message : String(error);
}

async function main() {
  const ports = readOptions();
  const wanted: [string, number, string][] = [
    ['the Roomkit server', ports.server, '--server-port'],
    ['the demo', ports.demo, '--demo-port'],
  ];
  if (ports.withStorybook) wanted.push(['Storybook', ports.storybook, '--storybook-port']);
  for (const [what, port, flag] of wanted) {
    if (await busy(port)) {
      fail(
        `port ${port} (${what}) is already in use. Stop what uses it (another \`pnpm start\`?), or pick another port with ${flag} <port>.`,
      );
    }
  }

  const started = performance.now();
  let server: RoomkitServer | null = null;
  let vite: ViteDevServer | null = null;
  let storybook: ChildProcess | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const child = storybook;
    // All three stop together, so the database is closed while the terminal's Ctrl-C reaches it.
    await Promise.all([
      (async () => {
        if (!child || child.exitCode !== null) return;
        child.kill('SIGTERM');
        await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      })(),
      vite?.close().catch(() => undefined),
      server?.stop().catch(() => undefined),
    ]);
    process.exit(code);
  };
  process.once('SIGINT', () => {
    process.stdout.write('\nStopping the playground…\n');
    void stop(0);
  });
  process.once('SIGTERM', () => void stop(0));

  try {
    server = await startServer({
      host: HOST,
      port: ports.server,
      db: 'embedded',
      dataDir: ports.dataDir,
      dev: true,
      migrations: [
        join(REPO, 'packages/ui/sql'),
        join(REPO, 'apps/demo/supabase/migrations'),
        join(REPO, '.storybook/sql'),
      ],
    });

    if (ports.withStorybook) {
      const bin = join(REPO, 'node_modules/.bin/storybook');
      storybook = spawn(
        bin,
        [
          'dev',
          '-p',
          String(ports.storybook),
          '--host',
          HOST,
          '--ci',
          '--no-open',
          '--exact-port',
          '--quiet',
          '-c',
          '.storybook',
        ],
        {
          cwd: REPO,
          stdio: ['ignore', 'ignore', 'inherit'],
          env: {
            ...process.env,
            STORYBOOK_DISABLE_TELEMETRY: '1',
            STORYBOOK_ROOMKIT_URL: server.url,
            STORYBOOK_ROOMKIT_ANON_KEY: server.anonKey,
          },
        },
      );
      storybook.once('exit', (code, signal) => {
        if (stopping) return;
        process.stderr.write(
          `roomkit playground: Storybook exited (${signal ? `signal ${signal}` : `code ${String(code)}`}); stopping.\n`,
        );
        void stop(1);
      });
    }

    process.env.VITE_SUPABASE_URL = server.url;
    process.env.VITE_SUPABASE_ANON_KEY = server.anonKey;
    // Vite adds its own SIGTERM handler that exits at once; this script owns shutdown instead.
    const before = process.listeners('SIGTERM');
    vite = await createViteServer({
      root: join(REPO, 'apps/demo'),
      configFile: join(REPO, 'apps/demo/vite.config.ts'),
      logLevel: 'warn',
      server: { host: HOST, port: ports.demo, strictPort: true },
    });
    await vite.listen();
    for (const listener of process.listeners('SIGTERM')) {
      if (!before.includes(listener)) process.removeListener('SIGTERM', listener);
    }
    const demoUrl = `http://${HOST}:${ports.demo}/`;
    const storybookUrl = `http://${HOST}:${ports.storybook}/`;
    await waitForHttp(demoUrl, 'The demo');
    if (storybook) await waitForHttp(`${storybookUrl}index.json`, 'Storybook', storybook);

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      [
        '',
        `Roomkit playground is ready (${seconds} s).`,
        '',
        `  Demo        ${demoUrl}   open it in two windows (a private window is a second user)`,
        ...(storybook ? [`  Storybook   ${storybookUrl}`] : []),
        `  Server      ${server.url}   Supabase Realtime, auth and data API for local development`,
        `  anon key    ${server.anonKey}`,
        `  service_role key  ${server.serviceRoleKey}   (server-side only)`,
        `  Database    embedded PostgreSQL, data in ${relative(REPO, ports.dataDir) || ports.dataDir} (kept across runs)`,
        '',
        'Press Ctrl-C to stop everything.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    process.stderr.write(`roomkit playground: ${explain(error, ports.dataDir)}\n`);
    await stop(1);
  }
}

void main();
