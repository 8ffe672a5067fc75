import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError } from '../db/Database';
import { silentLogger } from '../options';
import { startServer, type RoomkitServer } from '../startServer';

let database: RoomkitServer;
let root: string;

beforeAll(async () => {
  database = await startServer({ port: 0, ephemeral: true, logger: silentLogger });
  root = await mkdtemp(join(tmpdir(), 'roomkit-migrations-'));
}, 60_000);

afterAll(async () => {
  await database.stop();
  await rm(root, { recursive: true, force: true });
});

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  for (const [file, sql] of Object.entries(files)) await writeFile(join(dir, file), sql);
  return dir;
}

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.dbUrl ?? '' });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const dbUrl = () => (database.dbUrl ?? '') as `postgres://${string}`;

describe('migrations from several folders', () => {
  it('applies folders in the order given, each in name order, each file once', async () => {
    // The second folder's file sorts first by name but needs the first folder's table.
    const base = await folder('base', {
      'm1_boards.sql': 'create table boards (id int primary key, name text);',
      'm2_seed.sql': "insert into boards values (1, 'first');",
    });
    const app = await folder('app', {
      'a1_cards.sql':
        'create table cards (id int primary key, board int references boards (id)); insert into cards values (10, 1);',
    });
    const options = { port: 0, db: dbUrl(), logger: silentLogger, migrations: [base, app] };
    const first = await startServer(options);
    await first.stop();
    // A second start applies nothing again (a re-run of the seed would violate the primary key).
    const second = await startServer(options);
    await second.stop();
    expect(await query('select id, name from boards')).toEqual([{ id: 1, name: 'first' }]);
    expect(await query('select id, board from cards')).toEqual([{ id: 10, board: 1 }]);
    const applied = await query<{ name: string }>(
      "select name from roomkit.migrations where name in ('m1_boards.sql', 'm2_seed.sql', 'a1_cards.sql') order by applied_at, name",
    );
    expect(applied.map((row) => row.name)).toEqual([
      'm1_boards.sql',
      'm2_seed.sql',
      'a1_cards.sql',
    ]);
  }, 60_000);

  it('refuses a file name found in two folders, before applying anything', async () => {
    const one = await folder('one', { 'x1_same.sql': 'create table from_one (id int);' });
    const two = await folder('two', {
      'x0_first.sql': 'create table from_two (id int);',
      'x1_same.sql': 'create table from_two_again (id int);',
    });
    const started = startServer({
      port: 0,
      db: dbUrl(),
      logger: silentLogger,
      migrations: [one, two],
    });
    await expect(started).rejects.toBeInstanceOf(DatabaseError);
    await expect(started).rejects.toThrow(
      `Migration x1_same.sql is in both ${one} and ${two}; migrations are recorded by file name, so rename one.`,
    );
    const tables = await query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_name like 'from_%'",
    );
    expect(tables).toEqual([]);
  }, 60_000);

  it('still takes one folder as a string', async () => {
    const single = await folder('single', { 's1.sql': 'create table single_folder (id int);' });
    const server = await startServer({
      port: 0,
      db: dbUrl(),
      logger: silentLogger,
      migrations: single,
    });
    await server.stop();
    expect(
      await query(
        "select 1 as ok from information_schema.tables where table_name = 'single_folder'",
      ),
    ).toEqual([{ ok: 1 }]);
  }, 60_000);
});
