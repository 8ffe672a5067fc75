import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { launchChromium } from '../../../testing/chromium';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'packages/server/bin/roomkit.js');
const MIGRATIONS = [join(REPO, 'packages/ui/sql'), join(REPO, 'apps/demo/supabase/migrations')];

/** What `roomkit start --json` prints. */
export interface ServerInfo {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  dbUrl: string;
}

/** A port nothing listens on at 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

/**
 * `roomkit start` as a user runs it (the CLI in its own process), on a fixed port and a
 * persistent data folder, so it can be killed and started again on the same data.
 */
export class ServerProcess {
  private child: ChildProcessWithoutNullStreams | null = null;
  private log = '';
  info: ServerInfo | null = null;

  private constructor(
    readonly port: number,
    readonly cwd: string,
  ) {}

  static async create(): Promise<ServerProcess> {
    const cwd = await mkdtemp(join(tmpdir(), 'roomkit-e2e-'));
    // As root, the embedded PostgreSQL runs as `postgres`, which must be able to enter it.
    await chmod(cwd, 0o755);
    return new ServerProcess(await freePort(), cwd);
  }

  async start(): Promise<ServerInfo> {
    const args = ['start', '--port', String(this.port), '--json', '--dev'];
    for (const folder of MIGRATIONS) args.push('--migrations', folder);
    const child = spawn(process.execPath, [BIN, ...args], { cwd: this.cwd, stdio: 'pipe' });
    this.child = child;
    child.stderr.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`roomkit start exited with ${String(code)}:\n${this.log}`);
    });
    const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
    this.info = JSON.parse(line) as ServerInfo;
    return this.info;
  }

  /** The embedded PostgreSQL's postmaster pid, from its data folder. */
  async postmasterPid(): Promise<number> {
    const text = await readFile(join(this.cwd, '.roomkit/db/postmaster.pid'), 'utf8');
    return Number(text.split('\n')[0]);
  }

  /** Kills the server process outright (no cleanup, as a crash or `kill -9` would). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
    this.child = null;
  }

  /**
   * Stops it as Ctrl-C would and removes its data. A PostgreSQL left running by a kill that was
   * never followed by a start (a test failed in between) is stopped by its pid too.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await once(child, 'exit');
    }
    this.child = null;
    const orphan = await this.postmasterPid().catch(() => null);
    if (orphan !== null && alive(orphan) && (await isPostgres(orphan))) {
      // SIGINT is PostgreSQL's fast shutdown: it ends its own children and removes the pid file.
      process.kill(orphan, 'SIGINT');
      for (let waited = 0; alive(orphan) && waited < 10_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await rm(this.cwd, { recursive: true, force: true });
  }
}

/** The demo's Vite dev server, pointed at `server`. */
export async function startDemo(server: ServerInfo): Promise<ViteDevServer> {
  process.env.VITE_SUPABASE_URL = server.url;
  process.env.VITE_SUPABASE_ANON_KEY = server.anonKey;
  const vite = await createViteServer({
    root: join(REPO, 'apps/demo'),
    configFile: join(REPO, 'apps/demo/vite.config.ts'),
    logLevel: 'warn',
    server: { port: await freePort(), strictPort: true },
  });
  await vite.listen();
  return vite;
}

/** What each e2e file runs: the server, the demo on it and a Chromium. */
export interface DemoStack {
  server: ServerProcess;
  info: ServerInfo;
  /** The demo's address. */
  url: string;
  browser: Browser;
  /** Closes the browser and the demo, and stops the server (removing its data). */
  stop(): Promise<void>;
}

/** Starts `roomkit start`, the demo's dev server pointed at it, and Chromium. */
export async function startStack(): Promise<DemoStack> {
  const server = await ServerProcess.create();
  const info = await server.start();
  const vite = await startDemo(info);
  const browser = await launchChromium();
  return {
    server,
    info,
    url: vite.resolvedUrls?.local[0] ?? '',
    browser,
    async stop() {
      await browser.close();
      await vite.close();
      await server.stop();
    },
  };
}

/** Whether a pid (read from a pid file that may be stale) still belongs to a PostgreSQL. */
async function isPostgres(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${String(pid)}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('postgres');
}

/** Whether a process exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
