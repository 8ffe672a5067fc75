import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { BOOTSTRAP_SQL } from './bootstrap';
import { DatabaseError } from './DatabaseError';
import { EmbeddedDatabase } from './EmbeddedDatabase';
import type { Logger } from '../options';

/** How the server gets its PostgreSQL: embedded from npm, an existing server, or none. */
export type DatabaseMode = 'embedded' | 'none' | `postgres://${string}` | `postgresql://${string}`;

export interface DatabaseOptions {
  mode: Exclude<DatabaseMode, 'none'>;
  /** Throw-away data (embedded only). */
  ephemeral?: boolean;
  /** The embedded data folder. @default '.roomkit/db' */
  dataDir?: string;
  /** Folders of `.sql` files, applied folder by folder, each folder in name order, each file once. */
  migrations?: string | readonly string[];
  logger: Logger;
  onUnexpectedExit?: () => void;
}

export { DatabaseError };

/** The server's PostgreSQL: a small pool for queries, plus what Realtime needs bootstrapped. */
export class Database {
  private constructor(
    readonly url: string,
    readonly pool: pg.Pool,
    private readonly embedded: EmbeddedDatabase | null,
  ) {}

  static async open(options: DatabaseOptions): Promise<Database> {
    const embedded =
      options.mode === 'embedded'
        ? await EmbeddedDatabase.start({
            ephemeral: options.ephemeral,
            dataDir: options.dataDir,
            logger: options.logger,
            onUnexpectedExit: options.onUnexpectedExit,
          })
        : null;
    const url = embedded ? embedded.url : options.mode;
    const pool = new pg.Pool({ connectionString: url, max: 8, idleTimeoutMillis: 10_000 });
    // A pooled connection that breaks (the database restarted) must not crash the process.
    const database = new Database(url, pool, embedded);
    const lost = (error: Error) => {
      if (!database.closing)
        options.logger.warn('database connection lost', { error: error.message });
    };
    pool.on('error', lost);
    // The pool listens for errors only on idle connections; one that breaks while checked out
    // (mid-query, when the database restarts) would otherwise emit an unhandled 'error'. The
    // query in flight still fails with it, and the caller releases the connection as broken.
    pool.on('connect', (connection) => connection.on('error', lost));
    try {
      await database.check();
      await pool.query(BOOTSTRAP_SQL);
      if (options.migrations) {
        const folders =
          typeof options.migrations === 'string' ? [options.migrations] : options.migrations;
        if (folders.length > 0) await database.migrate(folders, options.logger);
      }
    } catch (error) {
      await database.close();
      throw error;
    }
    return database;
  }

  /** The embedded postmaster's pid, for tests that kill it. */
  get embeddedPid(): number | undefined {
    return this.embedded?.pid;
  }

  private async check(): Promise<void> {
    let settings;
    try {
      settings = await this.pool.query<{ wal_level: string; can_replicate: boolean }>(
        `select current_setting('wal_level') as wal_level,
                (select rolreplication or rolsuper from pg_roles where rolname = current_user) as can_replicate`,
      );
    } catch (error) {
      throw new DatabaseError(
        `Cannot reach the database at ${redact(this.url)}: ${(error as Error).message}`,
      );
    }
    const row = settings.rows[0];
    if (row?.wal_level !== 'logical') {
      throw new DatabaseError(
        `The database at ${redact(this.url)} has wal_level=${String(row?.wal_level)}; Realtime needs ` +
          'wal_level=logical (set it in postgresql.conf and restart PostgreSQL).',
      );
    }
    if (!row.can_replicate) {
      throw new DatabaseError(
        `The database user of ${redact(this.url)} cannot replicate; grant it with ` +
          '"alter role <user> with replication" or connect as a superuser.',
      );
    }
  }

  /**
   * Applies each `.sql` file once, folder by folder and each folder in name order, recording its
   * name in `roomkit.migrations`. Names must be unique across the folders (the record is by name).
   */
  private async migrate(folders: readonly string[], logger: Logger): Promise<void> {
    const files: { dir: string; name: string }[] = [];
    const seen = new Map<string, string>();
    for (const folder of folders) {
      const dir = resolve(folder);
      let names: string[];
      try {
        names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
      } catch {
        throw new DatabaseError(`The migrations folder ${dir} cannot be read.`);
      }
      for (const name of names) {
        const first = seen.get(name);
        if (first !== undefined) {
          throw new DatabaseError(
            `Migration ${name} is in both ${first} and ${dir}; migrations are recorded by file name, so rename one.`,
          );
        }
        seen.set(name, dir);
        files.push({ dir, name });
      }
    }
    const applied = new Set(
      (await this.pool.query<{ name: string }>('select name from roomkit.migrations')).rows.map(
        (row) => row.name,
      ),
    );
    for (const { dir, name } of files) {
      if (applied.has(name)) continue;
      const sql = await readFile(join(dir, name), 'utf8');
      const client = await this.pool.connect();
      try {
        await client.query('begin');
        await client.query(sql);
        await client.query('insert into roomkit.migrations (name) values ($1)', [name]);
        await client.query('commit');
        logger.info('migration applied', { name });
      } catch (error) {
        await client.query('rollback');
        throw new DatabaseError(`Migration ${name} failed: ${(error as Error).message}`);
      } finally {
        client.release();
      }
    }
    // Tables created by migrations get the same grants Supabase gives new tables.
    await this.pool.query(
      'grant all on all tables in schema public to anon, authenticated, service_role; ' +
        'grant all on all sequences in schema public to anon, authenticated, service_role;',
    );
  }

  /** Set while closing, when lost connections are expected. */
  closing = false;

  async close(): Promise<void> {
    this.closing = true;
    await this.pool.end().catch(() => undefined);
    await this.embedded?.stop();
  }
}

/** A connection string without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
