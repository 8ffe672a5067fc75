import { randomUUID } from 'node:crypto';
import type { RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../options';
import { startServer, type RoomkitServer } from '../startServer';
import { client, joined, sleep, until } from './helpers';

type Change = RealtimePostgresChangesPayload<Record<string, unknown>>;

interface SystemMessage {
  extension: string;
  status: string;
  message: string;
}

let server: RoomkitServer;
let db: pg.Client;

// auth.uid() casts the `sub` claim to uuid, so users are UUIDs.
const userA = randomUUID();
const userB = randomUUID();

beforeAll(async () => {
  server = await startServer({ port: 0, db: 'embedded', ephemeral: true, logger: silentLogger });
  db = new pg.Client({ connectionString: server.dbUrl ?? '' });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

/** An official client whose channels join as the user `sub` (one channel per client). */
async function signedIn(sub: string): Promise<SupabaseClient> {
  const supabase = client(server);
  await supabase.realtime.setAuth(await server.mintToken({ sub }));
  return supabase;
}

let tableCount = 0;

/** A fresh published table with RLS on, where a signed-in user may select only the rows they own. */
async function ownedTable(): Promise<string> {
  const table = `owned_${++tableCount}`;
  await db.query(`
    create table public.${table} (id serial primary key, owner uuid, body text not null);
    alter table public.${table} enable row level security;
    create policy "owners read their rows" on public.${table}
      for select to authenticated using (owner = auth.uid());
    alter publication supabase_realtime add table public.${table};
  `);
  return table;
}

/** Inserts a row and returns its id. */
async function insert(table: string, owner: string | null, body: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `insert into public.${table} (owner, body) values ($1, $2) returning id`,
    [owner, body],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('insert returned no id');
  return id;
}

/**
 * Subscribes one client to the changes of `tables` and waits for `Subscribed to PostgreSQL`;
 * resolves with what the channel receives.
 */
async function watch(
  supabase: SupabaseClient,
  tables: string[],
  event: '*' | 'INSERT' | 'UPDATE' | 'DELETE' = '*',
): Promise<{ changes: Change[]; system: SystemMessage[] }> {
  const changes: Change[] = [];
  const system: SystemMessage[] = [];
  let channel = supabase.channel(`rls-${randomUUID()}`);
  for (const table of tables) {
    channel = channel.on('postgres_changes', { event, schema: 'public', table }, (change) =>
      changes.push(change),
    );
  }
  channel.on('system', {}, (payload: SystemMessage) => system.push(payload));
  await joined(channel);
  await until(
    () => system.some((entry) => entry.extension === 'postgres_changes'),
    10_000,
    'Subscribed to PostgreSQL',
  );
  expect(system).toContainEqual(
    expect.objectContaining({ status: 'ok', message: 'Subscribed to PostgreSQL' }),
  );
  return { changes, system };
}

/** `TYPE body` for each change, in arrival order. */
function summary(changes: Change[]): string[] {
  return changes.map((change) => {
    const row = (change.eventType === 'DELETE' ? change.old : change.new) as { body?: string };
    return `${change.eventType} ${row.body ?? ''}`.trim();
  });
}

describe('postgres_changes with row-level security', () => {
  it('delivers inserts and updates of a row only to its owner', async () => {
    const table = await ownedTable();
    const { changes: toA } = await watch(await signedIn(userA), [table]);
    const { changes: toB } = await watch(await signedIn(userB), [table]);

    const a1 = await insert(table, userA, 'a1');
    const b1 = await insert(table, userB, 'b1');
    await db.query(`update public.${table} set body = 'a1 edited' where id = $1`, [a1]);
    await db.query(`update public.${table} set body = 'b1 edited' where id = $1`, [b1]);
    await until(
      () => toA.length === 2 && toB.length === 2,
      10_000,
      'each owner to get two changes',
    );
    await sleep(200);

    expect(summary(toA).sort()).toEqual(['INSERT a1', 'UPDATE a1 edited']);
    expect(summary(toB).sort()).toEqual(['INSERT b1', 'UPDATE b1 edited']);
    expect(toA.find((change) => change.eventType === 'UPDATE')).toMatchObject({
      new: { id: a1, owner: userA, body: 'a1 edited' },
      old: { id: a1 },
      errors: null,
    });

    // The pipeline is still alive for both: later rows of their own keep arriving.
    await insert(table, userB, 'b2');
    await insert(table, userA, 'a2');
    await until(() => toA.length === 3 && toB.length === 3, 10_000, 'the later rows');
    expect(toA.map((change) => (change.new as { owner: string }).owner)).toEqual([
      userA,
      userA,
      userA,
    ]);
    expect(toB.map((change) => (change.new as { owner: string }).owner)).toEqual([
      userB,
      userB,
      userB,
    ]);
  });

  it('sends the anon key nothing from an RLS table, while a table without RLS still flows', async () => {
    const table = await ownedTable();
    const open = `open_${++tableCount}`;
    await db.query(`
      create table public.${open} (id serial primary key, body text);
      alter publication supabase_realtime add table public.${open};
    `);
    const { changes: toAnon } = await watch(client(server), [table, open]);

    const id = await insert(table, userA, 'secret');
    await db.query(`update public.${table} set body = 'still secret' where id = $1`, [id]);
    await insert(table, null, 'nobody owns this');
    await sleep(300);
    expect(toAnon).toEqual([]);

    await db.query(`insert into public.${open} (body) values ('public news')`);
    await until(() => toAnon.length === 1, 10_000, 'the row of the open table');
    expect(toAnon.map((change) => change.table)).toEqual([open]);
    expect(toAnon[0]?.new).toMatchObject({ body: 'public news' });
  });

  it('sends the service role every row, whoever owns it', async () => {
    const table = await ownedTable();
    const { changes: toService } = await watch(client(server, { key: server.serviceRoleKey }), [
      table,
    ]);
    const { changes: toA } = await watch(await signedIn(userA), [table]);

    await insert(table, userA, 'mine');
    await insert(table, userB, 'theirs');
    await insert(table, null, 'nobody');
    await until(() => toService.length === 3, 10_000, 'the service role to get all three');
    await until(() => toA.length === 1, 10_000, 'A to get its row');
    await sleep(200);

    expect(summary(toService).sort()).toEqual(['INSERT mine', 'INSERT nobody', 'INSERT theirs']);
    expect(summary(toA)).toEqual(['INSERT mine']);

    // A's channel is still alive: its next row arrives, the others still do not.
    await insert(table, userA, 'mine again');
    await until(() => toA.length === 2, 10_000, "A's next row");
    expect(summary(toA)).toEqual(['INSERT mine', 'INSERT mine again']);
  });

  it('delivers a delete to every signed-in subscriber, with only the primary key in old', async () => {
    const table = await ownedTable();
    // Even a full replica identity gives no more than the key on an RLS table.
    await db.query(`alter table public.${table} replica identity full`);
    const id = await insert(table, userA, 'doomed');
    const { changes: toA } = await watch(await signedIn(userA), [table], 'DELETE');
    const { changes: toB } = await watch(await signedIn(userB), [table], 'DELETE');

    await db.query(`delete from public.${table} where id = $1`, [id]);
    await until(() => toA.length === 1 && toB.length === 1, 10_000, 'both to get the delete');

    // Deletes are not RLS-checked: B learns that A's row is gone, but nothing of its content.
    for (const changes of [toA, toB]) {
      expect(changes[0]).toMatchObject({ eventType: 'DELETE', table, new: {}, errors: null });
      expect(changes[0]?.old).toEqual({ id });
    }
  });

  it('skips the insert of a row deleted before its change was checked, as Supabase does, and still sends the delete', async () => {
    const table = await ownedTable();
    // A policy that also reads a gate table, which the test can lock to hold the check back.
    await db.query(`
      create table public.${table}_gate (id int primary key);
      insert into public.${table}_gate values (1);
      grant select on public.${table}_gate to authenticated;
      create policy "while the gate is open" on public.${table} as restrictive
        for select to authenticated using (exists (select 1 from public.${table}_gate));
    `);
    const { changes } = await watch(await signedIn(userA), [table]);
    const gate = new pg.Client({ connectionString: server.dbUrl ?? '' });
    await gate.connect();
    try {
      await gate.query('begin');
      await gate.query(`lock table public.${table}_gate in access exclusive mode`);
      const id = await insert(table, userA, 'short-lived');
      await db.query(`delete from public.${table} where id = $1`, [id]);
      await gate.query('commit');
      await until(() => changes.length >= 1, 10_000, 'the delete');
      await insert(table, userA, 'after');
      await until(() => changes.length >= 2, 10_000, 'the next insert');
      // The check reads the stored row by its key; it was gone, so only the delete arrived.
      expect(summary(changes)).toEqual(['DELETE', 'INSERT after']);
      expect(changes[0]?.old).toEqual({ id });
    } finally {
      await gate.query('rollback').catch(() => undefined);
      await gate.end();
    }
  });

  it('gives the service role only the primary key of a delete on an RLS table, too', async () => {
    const table = await ownedTable();
    await db.query(`alter table public.${table} replica identity full`);
    const id = await insert(table, userA, 'doomed');
    const { changes: toService } = await watch(
      client(server, { key: server.serviceRoleKey }),
      [table],
      'DELETE',
    );

    await db.query(`delete from public.${table} where id = $1`, [id]);
    await until(() => toService.length === 1, 10_000, 'the delete');

    // realtime.apply_rls trims DELETE old_record to the key whenever the table has RLS
    // (`not is_rls_enabled or (c).is_pkey`), whatever the subscriber's role.
    expect(toService[0]?.old).toEqual({ id });
  });

  it('leaves a column the role may not select out of new and out of columns', async () => {
    const table = await ownedTable();
    await db.query(`
      alter table public.${table} add column secret text;
      revoke select on public.${table} from authenticated;
      grant select (id, owner, body) on public.${table} to authenticated;
    `);
    const supabaseA = await signedIn(userA);
    const columnsSeenByA: string[][] = [];
    // The callback payload has no `columns`; read them off the raw messages of A's socket.
    const rawColumns = (message: { event: string; payload: unknown }) => {
      const payload = message.payload as { data?: { columns?: { name: string }[] } };
      if (message.event === 'postgres_changes' && payload.data?.columns) {
        columnsSeenByA.push(payload.data.columns.map((column) => column.name));
      }
    };
    supabaseA.realtime.stateChangeCallbacks.message.push(['rls-columns', rawColumns]);
    const { changes: toA } = await watch(supabaseA, [table]);
    const { changes: toService } = await watch(client(server, { key: server.serviceRoleKey }), [
      table,
    ]);

    const id = await insert(table, userA, 'hello');
    await db.query(`update public.${table} set secret = 'pin 1234' where id = $1`, [id]);
    await until(() => toA.length === 2 && toService.length === 2, 10_000, 'both changes');

    expect(toA.map((change) => change.new)).toEqual([
      { id, owner: userA, body: 'hello' },
      { id, owner: userA, body: 'hello' },
    ]);
    expect(columnsSeenByA).toEqual([
      ['id', 'owner', 'body'],
      ['id', 'owner', 'body'],
    ]);
    // The column is really there: a role allowed to select it gets it.
    expect(toService[1]?.new).toEqual({ id, owner: userA, body: 'hello', secret: 'pin 1234' });
  });

  it('sends Error 401 to a role that cannot select the primary key', async () => {
    const table = await ownedTable();
    await db.query(`
      revoke select on public.${table} from authenticated;
      grant select (owner, body) on public.${table} to authenticated;
    `);
    const { changes: toA } = await watch(await signedIn(userA), [table]);
    const { changes: toService } = await watch(client(server, { key: server.serviceRoleKey }), [
      table,
    ]);

    const id = await insert(table, userA, 'hidden key');
    await until(() => toA.length === 1 && toService.length === 1, 10_000, 'the insert');

    expect(toService[0]?.new).toEqual({ id, owner: userA, body: 'hidden key' });
    // The real server answers per role, before any RLS check, with no record and no timestamp.
    expect(toA[0]).toEqual({
      schema: 'public',
      table,
      commit_timestamp: null,
      eventType: 'INSERT',
      new: {},
      old: {},
      errors: ['Error 401: Unauthorized'],
    });
  });

  it("follows the new user after setAuth on an open channel: A's client then gets B's rows", async () => {
    const table = await ownedTable();
    const supabaseA = await signedIn(userA);
    const { changes, system } = await watch(supabaseA, [table]);
    await insert(table, userA, 'a1');
    await until(() => changes.length === 1, 10_000, "A's own row");

    await supabaseA.realtime.setAuth(await server.mintToken({ sub: userB }));
    // The server re-subscribes with the new claims and says so again.
    await until(
      () => system.filter((entry) => entry.message === 'Subscribed to PostgreSQL').length === 2,
      10_000,
      'the re-subscription',
    );

    await insert(table, userA, 'a2');
    await insert(table, userB, 'b1');
    await until(() => changes.length === 2, 10_000, "B's row");
    await sleep(200);
    expect(summary(changes)).toEqual(['INSERT a1', 'INSERT b1']);

    // Still alive as B: B's next row arrives, A's do not.
    await insert(table, userA, 'a3');
    await insert(table, userB, 'b2');
    await until(() => changes.length === 3, 10_000, "B's next row");
    expect(summary(changes)).toEqual(['INSERT a1', 'INSERT b1', 'INSERT b2']);
  });
});

describe('an RLS check the database fails to answer', () => {
  it('is asked again, so the row still reaches its owner, and the changes after it follow in order', async () => {
    const table = `guarded_${++tableCount}`;
    await db.query(`
      create table public.${table}_members (member uuid primary key);
      grant select on public.${table}_members to authenticated;
      insert into public.${table}_members values ('${userA}');
      create table public.${table} (id serial primary key, body text not null);
      alter table public.${table} enable row level security;
      create policy "members read" on public.${table} for select to authenticated
        using (exists (select 1 from public.${table}_members where member = auth.uid()));
      alter publication supabase_realtime add table public.${table};
    `);
    const { changes } = await watch(await signedIn(userA), [table]);
    // The check reads the members table, held behind a lock; its connection is then ended, as a
    // database under strain or a restarting pooler would end it.
    const holder = new pg.Client({ connectionString: server.dbUrl ?? '' });
    await holder.connect();
    // Released even when the test fails, or the server could not stop.
    onTestFinished(() => holder.end());
    await holder.query('begin');
    await holder.query(`lock table public.${table}_members in access exclusive mode`);
    await db.query(`insert into public.${table} (body) values ('first'), ('second')`);
    const blocked = async () =>
      (
        await db.query<{ pid: number }>(
          `select pid from pg_stat_activity
            where wait_event_type = 'Lock' and query like '%request.jwt.claims%'`,
        )
      ).rows;
    let pids: { pid: number }[] = [];
    const started = Date.now();
    while (pids.length === 0 && Date.now() - started < 10_000) pids = await blocked();
    expect(pids).toHaveLength(1);
    await db.query('select pg_terminate_backend($1)', [pids[0]?.pid]);
    await db.query(`insert into public.${table} (body) values ('third')`);
    await holder.query('rollback');

    await until(() => changes.length === 3, 10_000, 'the three rows');
    expect(summary(changes)).toEqual(['INSERT first', 'INSERT second', 'INSERT third']);
  });
});
