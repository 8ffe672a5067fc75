import type { RealtimeChannel, RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../options';
import { startServer, type RoomkitServer } from '../startServer';
import { phash2 } from '../changes/phash2';
import { VERSIONS, client, joined, sleep, until } from './helpers';
import { RawClient } from './rawClient';

type Change = RealtimePostgresChangesPayload<Record<string, unknown>>;

let server: RoomkitServer;
let db: pg.Client;

beforeAll(async () => {
  server = await startServer({ port: 0, db: 'embedded', ephemeral: true, logger: silentLogger });
  db = new pg.Client({ connectionString: server.dbUrl ?? '' });
  await db.connect();
  await db.query(`
    create table public.todos (id serial primary key, title text not null, done boolean default false,
      tags text[], meta jsonb, created_at timestamptz default now());
    create table public.notes (id bigint primary key, body text);
    alter table public.notes replica identity full;
    create table public.unpublished (id int primary key);
    alter publication supabase_realtime add table public.todos, public.notes;
  `);
}, 60_000);

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

/** Subscribes a channel and waits for the server's `Subscribed to PostgreSQL`. */
async function subscribed(
  channel: RealtimeChannel,
): Promise<{ message: string; status: string }[]> {
  const system: { message: string; status: string; extension: string }[] = [];
  channel.on('system', {}, (payload: { message: string; status: string; extension: string }) =>
    system.push(payload),
  );
  await joined(channel);
  await until(
    () => system.some((entry) => entry.extension === 'postgres_changes'),
    10_000,
    'postgres system message',
  );
  return system;
}

describe.each(VERSIONS)('postgres changes on vsn %s', (vsn) => {
  it('delivers inserts, updates and deletes with typed records', async () => {
    const changes: Change[] = [];
    const channel = client(server, { vsn })
      .channel(`todos-${vsn}`)
      .on('postgres_changes', { event: '*', schema: 'public', table: 'todos' }, (change) =>
        changes.push(change),
      );
    const system = await subscribed(channel);
    expect(system).toContainEqual(
      expect.objectContaining({ status: 'ok', message: 'Subscribed to PostgreSQL' }),
    );

    const { rows } = await db.query<{ id: number }>(
      `insert into todos (title, tags, meta) values ('write tests', '{a,b}', '{"n":1}') returning id`,
    );
    const id = rows[0]?.id;
    await db.query('update todos set done = true where id = $1', [id]);
    await db.query('delete from todos where id = $1', [id]);
    await until(() => changes.length === 3, 10_000, 'three changes');

    const [insert, update, remove] = changes;
    expect(insert).toMatchObject({
      eventType: 'INSERT',
      schema: 'public',
      table: 'todos',
      new: { id, title: 'write tests', done: false, tags: ['a', 'b'], meta: { n: 1 } },
      old: {},
      errors: null,
    });
    expect(insert?.commit_timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect((insert?.new as { created_at: string }).created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(update).toMatchObject({ eventType: 'UPDATE', new: { id, done: true }, old: { id } });
    expect(Object.keys(update?.old ?? {})).toEqual(['id']);
    expect(remove).toMatchObject({ eventType: 'DELETE', new: {}, old: { id } });
  });
});

describe('postgres changes bindings', () => {
  it('sends only the subscribed event type', async () => {
    const inserts: Change[] = [];
    const channel = client(server)
      .channel('only-inserts')
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'todos' }, (c) =>
        inserts.push(c),
      );
    await subscribed(channel);
    const { rows } = await db.query<{ id: number }>(
      `insert into todos (title) values ('x') returning id`,
    );
    await db.query(`update todos set title = 'y' where id = $1`, [rows[0]?.id]);
    await until(() => inserts.length === 1, 10_000, 'insert');
    await sleep(200);
    expect(inserts.map((c) => c.eventType)).toEqual(['INSERT']);
  });

  it('applies eq, in and gt filters', async () => {
    const seen: Record<string, number[]> = { eq: [], in: [], gt: [] };
    const channel = client(server)
      .channel('filters')
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'notes', filter: 'body=eq.hello' },
        (c) => seen.eq?.push(Number(c.new.id)),
      )
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'notes', filter: 'id=in.(2,3)' },
        (c) => seen.in?.push(Number(c.new.id)),
      )
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'notes', filter: 'id=gt.3' },
        (c) => seen.gt?.push(Number(c.new.id)),
      );
    await subscribed(channel);
    await db.query(`insert into notes values (1, 'hello'), (2, 'hi'), (3, 'hello'), (4, 'yo')`);
    await until(
      () => (seen.gt?.length ?? 0) === 1 && (seen.in?.length ?? 0) === 2,
      10_000,
      'filtered changes',
    );
    await sleep(200);
    expect(seen).toEqual({ eq: [1, 3], in: [2, 3], gt: [4] });
    await db.query('delete from notes');
  });

  it('streams a whole schema with table *', async () => {
    const tables: string[] = [];
    const channel = client(server)
      .channel('schema-wide')
      .on('postgres_changes', { event: 'INSERT', schema: 'public' }, (c) => tables.push(c.table));
    await subscribed(channel);
    await db.query(`insert into todos (title) values ('a')`);
    await db.query(`insert into notes values (10, 'b')`);
    await until(() => tables.length === 2, 10_000, 'two tables');
    expect(tables.sort()).toEqual(['notes', 'todos']);
    await db.query('delete from notes');
  });

  it('gives the full old row with REPLICA IDENTITY FULL', async () => {
    const changes: Change[] = [];
    const channel = client(server)
      .channel('full-identity')
      .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'notes' }, (c) =>
        changes.push(c),
      );
    await subscribed(channel);
    await db.query(`insert into notes values (20, 'before')`);
    await db.query(`update notes set body = 'after' where id = 20`);
    await until(() => changes.length === 1, 10_000, 'update');
    expect(changes[0]?.old).toEqual({ id: 20, body: 'before' });
    expect(changes[0]?.new).toEqual({ id: 20, body: 'after' });
    await db.query('delete from notes');
  });

  it('says so when the table is unknown or not published', async () => {
    for (const table of ['doesnotexist', 'unpublished']) {
      const channel = client(server)
        .channel(`missing-${table}`)
        .on('postgres_changes', { event: '*', schema: 'public', table }, () => {});
      const system = await subscribed(channel);
      expect(system[0]).toMatchObject({ status: 'error' });
      expect(system[0]?.message).toContain('Unable to subscribe to changes with given parameters');
      expect(system[0]?.message).toContain(`table: ${table}`);
    }
  });

  it('refuses a filter that cannot be parsed or names no column, and keeps the channel', async () => {
    const channel = client(server)
      .channel('bad-filter')
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'todos', filter: 'title=wrong' },
        () => {},
      );
    const system = await subscribed(channel);
    expect(system[0]).toMatchObject({
      status: 'error',
      message: 'Error parsing `filter` params: ["wrong"]',
    });
    expect(channel.state).toBe('joined');

    const other = client(server)
      .channel('no-column')
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'todos', filter: 'nope=eq.1' },
        () => {},
      );
    const otherSystem = await subscribed(other);
    expect(otherSystem[0]?.message).toContain('invalid column for filter nope');
  });

  it('reads a quoted value right after the operator, as the real server does', async () => {
    const seen: Change[] = [];
    const channel = client(server)
      .channel('quoted-value')
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'todos', filter: 'title=eq."a,b"' },
        (c) => seen.push(c),
      );
    await subscribed(channel);
    await db.query(`insert into todos (title) values ('a'), ('a,b')`);
    await until(() => seen.length === 1, 10_000, 'the quoted match');
    expect(seen[0]?.new).toMatchObject({ title: 'a,b' });
  });

  it('parses a filter of half a million quotes in linear time and subscribes it', async () => {
    const channel = client(server)
      .channel('many-quotes')
      .on(
        'postgres_changes',
        {
          event: 'INSERT',
          schema: 'public',
          table: 'todos',
          filter: `title=eq.x${'"x'.repeat(250_000)}`,
        },
        () => {},
      );
    const system = await subscribed(channel);
    expect(system[0]).toMatchObject({ status: 'ok', message: 'Subscribed to PostgreSQL' });
  }, 30_000);

  it('never lets a SQL-ish filter value reach SQL', async () => {
    const seen: Change[] = [];
    const channel = client(server)
      .channel('injection')
      .on(
        'postgres_changes',
        {
          event: 'INSERT',
          schema: 'public',
          table: 'todos',
          filter: "title=eq.x'; drop table todos; --",
        },
        (c) => seen.push(c),
      );
    await subscribed(channel);
    await db.query(`insert into todos (title) values ($1)`, ["x'; drop table todos; --"]);
    await until(() => seen.length === 1, 10_000, 'the matching row');
    const { rows } = await db.query(`select to_regclass('public.todos') as t`);
    expect(rows[0]?.t).toBe('todos');
  });

  it('treats a SQL-ish table or schema name as a name, never as SQL', async () => {
    for (const [schema, table] of [
      ['public', 'todos; drop table public.todos; --'],
      ["public' or '1'='1", 'todos'],
    ] as const) {
      const channel = client(server)
        .channel(`evil-${table.length}-${schema.length}`)
        .on('postgres_changes', { event: '*', schema, table }, () => {});
      const system = await subscribed(channel);
      expect(system[0]?.message).toContain('Unable to subscribe to changes with given parameters');
    }
    const { rows } = await db.query(`select to_regclass('public.todos') as t`);
    expect(rows[0]?.t).toBe('todos');
  });

  it('sends an oversized row with only its small fields and Error 413', async () => {
    const changes: Change[] = [];
    const channel = client(server)
      .channel('oversized')
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'notes' }, (c) =>
        changes.push(c),
      );
    await subscribed(channel);
    await db.query('insert into notes values ($1, $2)', [500, 'x'.repeat(1_100_000)]);
    await db.query('insert into notes values ($1, $2)', [501, 'small']);
    await until(() => changes.length === 2, 10_000, 'both rows');
    expect(changes[0]?.errors).toEqual(['Error 413: Payload Too Large']);
    expect(changes[0]?.new).toEqual({ id: 500 });
    expect(changes[1]?.errors).toBeNull();
    expect(changes[1]?.new).toEqual({ id: 501, body: 'small' });
    await db.query('delete from notes');
  });
});

describe('postgres_changes select', () => {
  it('carries only the selected columns and the primary key, in record and old_record', async () => {
    await db.query(`
      create table public.cards (id bigint primary key, body text, secret text default 'hidden');
      alter table public.cards replica identity full;
      alter publication supabase_realtime add table public.cards;
    `);
    const changes: Change[] = [];
    const channel = client(server)
      .channel('select-cards')
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'cards', select: ['body'] },
        (c) => changes.push(c),
      );
    const system = await subscribed(channel);
    expect(system[0]).toMatchObject({ status: 'ok', message: 'Subscribed to PostgreSQL' });
    await db.query(`insert into cards (id, body) values (700, 'selected')`);
    await db.query(`update cards set body = 'changed' where id = 700`);
    await db.query(`delete from cards where id = 700`);
    await until(() => changes.length === 3, 10_000, 'three selected changes');
    expect(changes.map((c) => [c.eventType, c.new, c.old])).toEqual([
      ['INSERT', { id: 700, body: 'selected' }, {}],
      ['UPDATE', { id: 700, body: 'changed' }, { id: 700, body: 'selected' }],
      ['DELETE', {}, { id: 700, body: 'changed' }],
    ]);
  });

  it('lists only the selected columns and the primary key in the raw message’s columns', async () => {
    const socket = new WebSocket(
      `${server.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${server.anonKey}&vsn=1.0.0`,
    );
    const messages: { event: string; payload: Record<string, unknown> }[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as never));
    await new Promise((resolve) => socket.once('open', resolve));
    const postgres = [{ event: 'INSERT', schema: 'public', table: 'todos', select: ['done'] }];
    socket.send(
      JSON.stringify({
        topic: 'realtime:raw-select',
        event: 'phx_join',
        payload: { config: { postgres_changes: postgres } },
        ref: '1',
        join_ref: '1',
      }),
    );
    await until(
      () =>
        messages.some((m) => m.event === 'system' && m.payload.extension === 'postgres_changes'),
      10_000,
      'subscribed',
    );
    await db.query(`insert into todos (title) values ('raw')`);
    await until(() => messages.some((m) => m.event === 'postgres_changes'), 10_000, 'the change');
    socket.close();
    const change = messages.find((m) => m.event === 'postgres_changes');
    const data = change?.payload.data as { columns: unknown; record: Record<string, unknown> };
    expect(data.columns).toEqual([
      { name: 'id', type: 'int4' },
      { name: 'done', type: 'bool' },
    ]);
    expect(Object.keys(data.record)).toEqual(['id', 'done']);
  });

  it('sends each binding of one channel its own columns', async () => {
    const titles: Change[] = [];
    const flags: Change[] = [];
    const everything: Change[] = [];
    const channel = client(server)
      .channel('select-two')
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'todos', select: ['title'] },
        (c) => titles.push(c),
      )
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'todos', select: ['done'] },
        (c) => flags.push(c),
      )
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'todos', select: [] },
        (c) => everything.push(c),
      );
    await subscribed(channel);
    const { rows } = await db.query<{ id: number }>(
      `insert into todos (title) values ('two views') returning id`,
    );
    const id = rows[0]?.id;
    await until(
      () => titles.length === 1 && flags.length === 1 && everything.length === 1,
      10_000,
      'each binding’s change',
    );
    expect(titles[0]?.new).toEqual({ id, title: 'two views' });
    expect(flags[0]?.new).toEqual({ id, done: false });
    expect(Object.keys(everything[0]?.new ?? {}).sort()).toEqual([
      'created_at',
      'done',
      'id',
      'meta',
      'tags',
      'title',
    ]);
  });

  it('refuses select on a wildcard subscription with the real text', async () => {
    for (const [name, params] of [
      ['select-schema', { event: '*', schema: 'public', select: ['id'] }],
      ['select-star', { event: '*', schema: 'public', table: '*', select: ['id'] }],
    ] as const) {
      const channel = client(server)
        .channel(name)
        .on('postgres_changes', params as never, () => {});
      const system = await subscribed(channel);
      expect(system[0]).toMatchObject({
        status: 'error',
        message:
          'Column selection is not supported for wildcard subscriptions. Provide an explicit schema and table name.',
      });
    }
  });

  it('refuses a select that is a string, or names a column the role cannot read, with the real texts', async () => {
    const text = client(server)
      .channel('select-string')
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'todos', select: 'title' } as never,
        () => {},
      );
    expect((await subscribed(text))[0]).toMatchObject({
      status: 'error',
      message:
        'Error parsing `select` params: expected a list of column name strings, e.g. select: ["col1", "col2"]',
    });
    const unknown = client(server)
      .channel('select-unknown')
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'todos', select: ['title', 'nope'] },
        () => {},
      );
    expect((await subscribed(unknown))[0]).toMatchObject({
      status: 'error',
      message:
        'Unable to subscribe to changes with given parameters. An exception happened so please check your ' +
        'connect parameters: [event: INSERT, schema: public, table: todos, filters: [], select: ["title", "nope"]]. ' +
        'Exception: ERROR P0001 (raise_exception) invalid column for select nope',
    });
  });
});

describe('postgres_changes bindings PostgreSQL itself refuses', () => {
  it('answers a NUL in the table name with the exception form, not "unable to connect"', async () => {
    const channel = client(server)
      .channel('nul-table')
      .on('postgres_changes', { event: '*', schema: 'public', table: 'todos\u0000' }, () => {});
    expect((await subscribed(channel))[0]).toMatchObject({
      status: 'error',
      message:
        'Unable to subscribe to changes with given parameters. An exception happened so please check your ' +
        'connect parameters: [event: *, schema: public, table: todos\u0000, filters: [], select: nil]. ' +
        'Exception: ERROR 22021 (character_not_in_repertoire) invalid byte sequence for encoding "UTF8": 0x00',
    });
  });

  it('answers a jsonb filter value nested 100,000 deep with the exception form, and the channel stays open', async () => {
    const deep = '['.repeat(100_000);
    const channel = client(server)
      .channel('deep-filter')
      .on(
        'postgres_changes',
        { event: '*', schema: 'public', table: 'todos', filter: `meta=eq.${deep}` },
        () => {},
      );
    const [system] = await subscribed(channel);
    expect(system?.status).toBe('error');
    expect(system?.message).toMatch(
      /^Unable to subscribe to changes with given parameters\. An exception happened .* Exception: ERROR 54001 \(statement_too_complex\) stack depth limit exceeded$/s,
    );
    expect(channel.state).toBe('joined');
  });
});

describe('a channel with many bindings', () => {
  it('lists each matching binding id once in one message, duplicates included', async () => {
    const subscriber = await RawClient.open(server, '2.0.0');
    const bindings = Array.from({ length: 200 }, (_, i) => ({
      event: 'INSERT',
      schema: 'public',
      table: 'notes',
      tag: i,
    }));
    await subscriber.join('realtime:many-bindings', {
      postgres_changes: [...bindings, bindings[0]],
    });
    await until(
      () => subscriber.received.some((message) => message.event === 'system'),
      5000,
      'the subscription',
    );
    await db.query(`insert into notes (id, body) values (4242, 'many')`);
    await until(
      () => subscriber.received.some((message) => message.event === 'postgres_changes'),
      5000,
      'the change',
    );
    const changes = subscriber.received.filter((message) => message.event === 'postgres_changes');
    expect(changes).toHaveLength(1);
    const { ids } = changes[0]?.payload as { ids: number[] };
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    expect(ids).toEqual(bindings.map((binding) => phash2(binding)));
  });
});

describe('the publication check', () => {
  it('subscribes to a table at once after it is added to the publication, right after a refusal', async () => {
    await db.query('create table public.later_published (id int primary key)');
    const binding = { event: '*', schema: 'public', table: 'later_published' } as const;
    const before = client(server)
      .channel('later-1')
      .on('postgres_changes', binding, () => {});
    expect((await subscribed(before))[0]).toMatchObject({ status: 'error' });
    await db.query('alter publication supabase_realtime add table public.later_published');
    const after = client(server)
      .channel('later-2')
      .on('postgres_changes', binding, () => {});
    expect((await subscribed(after))[0]).toMatchObject({
      status: 'ok',
      message: 'Subscribed to PostgreSQL',
    });
  });
});

describe('a subscription the database fails to check', () => {
  it('is tried again, so a change committed after its later Subscribed to PostgreSQL arrives', async () => {
    await db.query(`
      create table public.flaky (id int primary key, title text);
      alter publication supabase_realtime add table public.flaky;
    `);
    // The publication check waits behind a lock on the catalog it reads; its connection is then
    // ended, as a database under strain or a restarting pooler would end it.
    const holder = new pg.Client({ connectionString: server.dbUrl ?? '' });
    await holder.connect();
    // Released even when the test fails, or the server could not stop.
    onTestFinished(() => holder.end());
    await holder.query('begin');
    await holder.query('lock table pg_catalog.pg_publication_rel in access exclusive mode');
    const changes: Change[] = [];
    const channel = client(server)
      .channel('flaky')
      .on('postgres_changes', { event: '*', schema: 'public', table: 'flaky' }, (change) =>
        changes.push(change),
      );
    const system: { status: string; message: string }[] = [];
    channel.on('system', {}, (payload: { status: string; message: string }) =>
      system.push(payload),
    );
    await joined(channel);
    const blocked = async () =>
      (
        await db.query(
          `select pid from pg_stat_activity
            where wait_event_type = 'Lock' and query like '%pg_publication_tables%'`,
        )
      ).rows as { pid: number }[];
    let pids: { pid: number }[] = [];
    const started = Date.now();
    while (pids.length === 0 && Date.now() - started < 10_000) pids = await blocked();
    expect(pids).toHaveLength(1);
    await db.query('select pg_terminate_backend($1)', [pids[0]?.pid]);
    await until(() => system.length > 0, 10_000, 'the failure');
    expect(system[0]).toMatchObject({ status: 'error' });
    await holder.query('rollback');

    await until(
      () => system.some((entry) => entry.message === 'Subscribed to PostgreSQL'),
      10_000,
      'Subscribed to PostgreSQL after the failure',
    );
    await db.query(`insert into public.flaky values (1, 'after')`);
    await until(() => changes.length === 1, 10_000, 'the insert');
    expect(changes[0]).toMatchObject({ eventType: 'INSERT', new: { id: 1, title: 'after' } });
    await channel.unsubscribe();
  });
});
