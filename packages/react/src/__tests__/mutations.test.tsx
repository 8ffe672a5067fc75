import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { QueryClient, useQuery } from '@tanstack/react-query';
import { act, configure, renderHook, waitFor } from '@testing-library/react';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { jitteredBackoff } from '../core/jitteredBackoff';
import { useDeleteMutation } from '../query/useDeleteMutation';
import { useInsertMutation } from '../query/useInsertMutation';
import { useRealtimeQuery } from '../query/useRealtimeQuery';
import { useSyncQueriesWithRealtime } from '../query/useSyncQueriesWithRealtime';
import { isPendingRow } from '../query/useTableMutation';
import { useUpdateMutation } from '../query/useUpdateMutation';
import { useUpsertMutation } from '../query/useUpsertMutation';
import { startTestRealtime, type TestRealtime } from '../testing';
import { useChannelStatus } from '../useChannelStatus';
import { useConnectionStatus } from '../useConnectionStatus';
import { heldFetch } from './heldFetch';
import { provider, sleep, withQueries } from './helpers';
import { todosLogSql, todosTableSql } from './todosSql';

// Alice and Bob each have a screen with the list of list 7; they write through the mutation hooks.

type Todo = { id: number; list_id: number; title: string };

let realtime: TestRealtime;
let db: pg.Client;
let tables = 0;

beforeAll(async () => {
  // Changes travel through the real server and database: under load an echo can take seconds.
  configure({ asyncUtilTimeout: 10_000 });
  realtime = await startTestRealtime({ db: 'embedded' });
  db = new pg.Client({ connectionString: realtime.server.dbUrl ?? '' });
  await db.connect();
}, 60_000);

// Clients made here rather than by `realtime.user`, closed with the server.
const ownClients: SupabaseClient[] = [];

afterAll(async () => {
  await Promise.all(ownClients.map((client) => client.removeAllChannels()));
  await db?.end();
  await realtime?.stop();
});

/** A todos table that refuses empty titles and deleting a row titled 'locked'. */
async function todosTable(titles: string[]): Promise<string> {
  const table = `mut_${++tables}`;
  await db.query(todosTableSql(table));
  for (const title of titles) await db.query(`insert into ${table} (title) values ($1)`, [title]);
  return table;
}

/**
 * A client for `user` whose writes (every request but a read) can be held back and are counted:
 * `hold()` keeps the next ones from leaving until `release()`, so another user can act while
 * they are in flight.
 */
async function heldClient(user: string) {
  const token = await realtime.server.mintToken({ sub: user, role: 'authenticated' });
  const { fetch, ...controls } = heldFetch('fetch failed');
  const client = createClient(realtime.server.url, realtime.server.anonKey, {
    accessToken: async () => token,
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `held-${user}-${tables}` },
    realtime: {
      transport: WebSocket as never,
      reconnectAfterMs: jitteredBackoff({ initialMs: 100, maxMs: 1000 }),
    },
    global: { fetch },
  });
  ownClients.push(client);
  return { client, ...controls };
}

/** A user's screen: the live list of list 7 and the four mutations. */
async function screen(user: string, table: string, given?: SupabaseClient) {
  const client: SupabaseClient = given ?? (await realtime.user(user));
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  // Every distinct list the screen rendered, pending rows marked with a '*'.
  const shown: string[] = [];
  // The changes that reached the list, by type.
  const echoes: string[] = [];
  const { result, unmount } = renderHook(
    () => {
      const screen = {
        connection: useConnectionStatus().status,
        status: useChannelStatus(`db:public.${table}`).phase,
        list: useRealtimeQuery<Todo>(
          {
            queryKey: [table, 7],
            queryFn: async () =>
              ((await client.from(table).select().eq('list_id', 7).order('id')).data ??
                []) as Todo[],
          },
          {
            table,
            apply: 'merge',
            filter: 'list_id=eq.7',
            order: { column: 'id' },
            onChange: (change) => echoes.push(change.eventType),
          },
        ),
        insert: useInsertMutation<Todo>({ table }),
        update: useUpdateMutation<Todo>({ table }),
        upsert: useUpsertMutation<Todo>({ table }),
        remove: useDeleteMutation<Todo>({ table }),
      };
      const list = (screen.list.data ?? [])
        .map((todo) => (isPendingRow(todo) ? `${todo.title}*` : todo.title))
        .join(',');
      if (shown.at(-1) !== list) shown.push(list);
      return screen;
    },
    { wrapper: withQueries(client, queries) },
  );
  await waitFor(() => expect(result.current.status).toBe('joined'));
  await waitFor(() => expect(result.current.list.isSuccess).toBe(true));
  return {
    result,
    unmount,
    shown,
    echoes,
    queries,
    titles: () => result.current.list.data?.map((todo) => todo.title),
    pending: () => result.current.list.data?.filter(isPendingRow).map((todo) => todo.title),
  };
}

async function serverTitles(table: string): Promise<string[]> {
  return (await db.query(`select title from ${table} order by id`)).rows.map((row) => row.title);
}

describe('optimistic mutations', () => {
  it('shows an insert at once as pending, then the server row once, on both screens', async () => {
    const table = await todosTable(['a']);
    const ann = await screen('ann', table);
    const bob = await screen('bob', table);
    act(() => ann.result.current.insert.mutate({ title: 'b', list_id: 7 }));
    await waitFor(() => expect(ann.result.current.insert.isSuccess).toBe(true));
    await waitFor(() => expect(bob.titles()).toEqual(['a', 'b']));
    await waitFor(() => expect(ann.pending()).toEqual([]));
    // Pending at once, then the server's row in its place: never twice, never gone.
    expect(ann.shown).toEqual(['', 'a', 'a,b*', 'a,b']);
    expect(bob.shown).toEqual(['', 'a', 'a,b']);
    expect(ann.result.current.list.data?.map((todo) => typeof todo.id)).toEqual([
      'number',
      'number',
    ]);
  });

  it('takes the echo of an insert with its key, come before the answer, as the pending row: never twice', async () => {
    const table = await todosTable(['a']);
    const held = await heldClient('ann');
    const ann = await screen('ann', table, held.client);
    held.holdAnswers();
    // Under load the table's first rows can still be streaming in: only the echoes from now count.
    ann.echoes.length = 0;
    act(() => ann.result.current.insert.mutate({ id: 500, title: 'b', list_id: 7 }));
    await waitFor(() => expect(ann.echoes).toContain('INSERT'));
    await waitFor(() => expect(ann.shown.at(-1)).toBe('a,b'));
    held.release();
    await waitFor(() => expect(ann.result.current.insert.isSuccess).toBe(true));
    expect(ann.titles()).toEqual(['a', 'b']);
    expect(ann.shown).toEqual(['', 'a', 'a,b*', 'a,b']);
  });

  it('takes the echo of an insert without its key, come before the answer, as the pending row: never twice', async () => {
    const table = await todosTable(['a']);
    const held = await heldClient('ann');
    const ann = await screen('ann', table, held.client);
    held.holdAnswers();
    ann.echoes.length = 0;
    act(() => ann.result.current.insert.mutate({ title: 'b', list_id: 7 }));
    await waitFor(() => expect(ann.echoes).toContain('INSERT'));
    await waitFor(() => expect(ann.shown.at(-1)).toBe('a,b'));
    held.release();
    await waitFor(() => expect(ann.result.current.insert.isSuccess).toBe(true));
    expect(ann.titles()).toEqual(['a', 'b']);
    expect(ann.shown).toEqual(['', 'a', 'a,b*', 'a,b']);
  });

  it('rolls back exactly a refused update and surfaces the PostgREST error', async () => {
    const table = await todosTable(['a', 'b']);
    const ann = await screen('ann', table);
    const bob = await screen('bob', table);
    const [first, second] = ann.result.current.list.data ?? [];
    act(() => ann.result.current.update.mutate({ id: first?.id, title: '' }));
    await waitFor(() => expect(ann.shown).toContain('*,b'));
    // Bob's edit to another row lands meanwhile and must survive the rollback.
    act(() => bob.result.current.update.mutate({ id: second?.id, title: 'B' }));
    await waitFor(() => expect(ann.result.current.update.isError).toBe(true));
    expect(ann.result.current.update.error?.code).toBe('23514');
    await waitFor(() => expect(ann.titles()).toEqual(['a', 'B']));
    expect(ann.pending()).toEqual([]);
    expect(ann.shown.at(-1)).toBe('a,B');
    await waitFor(() => expect(bob.titles()).toEqual(['a', 'B']));
    expect(await serverTitles(table)).toEqual(['a', 'B']);
  });

  it('removes a row at once and puts back one whose delete is refused', async () => {
    const table = await todosTable(['a', 'locked']);
    const ann = await screen('ann', table);
    const bob = await screen('bob', table);
    const [first, locked] = ann.result.current.list.data ?? [];
    act(() => ann.result.current.remove.mutate({ id: first?.id }));
    await waitFor(() => expect(ann.titles()).toEqual(['locked']));
    await waitFor(() => expect(bob.titles()).toEqual(['locked']));
    act(() => ann.result.current.remove.mutate({ id: locked?.id }));
    await waitFor(() => expect(ann.result.current.remove.isError).toBe(true));
    expect(ann.result.current.remove.error?.message).toContain('locked rows stay');
    expect(ann.titles()).toEqual(['locked']);
    // Gone at once, back after the refusal; Bob's screen never lost it.
    expect(ann.shown).toEqual(['', 'a,locked', 'locked', '', 'locked']);
    expect(bob.titles()).toEqual(['locked']);
    expect(bob.shown).toEqual(['', 'a,locked', 'locked']);
  });

  it('ends two users editing one row in the database final state on both screens', async () => {
    const table = await todosTable(['a']);
    const ann = await screen('ann', table);
    const bob = await screen('bob', table);
    const id = ann.result.current.list.data?.[0]?.id;
    act(() => {
      ann.result.current.update.mutate({ id, title: 'from ann' });
      bob.result.current.update.mutate({ id, title: 'from bob' });
    });
    await waitFor(() =>
      expect(ann.result.current.update.isSuccess && bob.result.current.update.isSuccess).toBe(true),
    );
    const [final] = await serverTitles(table);
    await waitFor(() => expect(ann.titles()).toEqual([final]));
    await waitFor(() => expect(bob.titles()).toEqual([final]));
  });

  it('never lets a fetch that read the table before a write put the old row back', async () => {
    const table = await todosTable(['a']);
    const client = await realtime.user('ann');
    const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    let hold = false;
    let release: (() => void) | undefined;
    const echoes: string[] = [];
    const { result } = renderHook(
      () => ({
        status: useChannelStatus(`db:public.${table}`).phase,
        list: useRealtimeQuery<Todo>(
          {
            queryKey: [table],
            queryFn: async () => {
              const rows = ((await client.from(table).select().order('id')).data ?? []) as Todo[];
              // This fetch has read the table; it lands only after the write below.
              if (hold) await new Promise<void>((resolve) => (release = resolve));
              return rows;
            },
          },
          {
            table,
            apply: 'merge',
            order: { column: 'id' },
            onChange: (change) => echoes.push(change.eventType),
          },
        ),
        update: useUpdateMutation<Todo>({ table }),
      }),
      { wrapper: withQueries(client, queries) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(result.current.list.isSuccess).toBe(true));
    const id = result.current.list.data?.[0]?.id;
    hold = true;
    // Under load the table's first rows can still be streaming in: only the echoes from now count.
    echoes.length = 0;
    void result.current.list.refetch();
    await waitFor(() => expect(release).toBeDefined());
    await act(() => result.current.update.mutateAsync({ id, title: 'A' }));
    await waitFor(() => expect(result.current.list.data?.map((todo) => todo.title)).toEqual(['A']));
    // The echo has come and gone too: only the stale fetch is left to land.
    await waitFor(() => expect(echoes).toContain('UPDATE'));
    act(() => release?.());
    await waitFor(() => expect(result.current.list.isFetching).toBe(false));
    expect(result.current.list.data?.map((todo) => todo.title)).toEqual(['A']);
  });
});

describe('useUpsertMutation', () => {
  it('shows a new row and a replaced one at once as pending, then the server rows on both screens', async () => {
    const table = await todosTable(['a']);
    const held = await heldClient('ann');
    const ann = await screen('ann', table, held.client);
    const bob = await screen('bob', table);
    const id = ann.result.current.list.data?.[0]?.id;
    held.hold();
    act(() => ann.result.current.upsert.mutate({ id, title: 'A', list_id: 7 }));
    await waitFor(() => expect(ann.shown.at(-1)).toBe('A*'));
    act(() => ann.result.current.upsert.mutate({ id: 1000, title: 'new', list_id: 7 }));
    await waitFor(() => expect(ann.shown.at(-1)).toBe('A*,new*'));
    expect(bob.titles()).toEqual(['a']);
    held.release();
    await waitFor(() => expect(ann.titles()).toEqual(['A', 'new']));
    await waitFor(() => expect(ann.pending()).toEqual([]));
    await waitFor(() => expect(bob.titles()).toEqual(['A', 'new']));
    expect(await serverTitles(table)).toEqual(['A', 'new']);
    // Each row once, in the query's order, on both screens.
    expect(ann.result.current.list.data?.map((todo) => todo.id)).toEqual([id, 1000]);
    expect(bob.result.current.list.data?.map((todo) => todo.id)).toEqual([id, 1000]);
    expect(ann.shown.every((list) => list.split(',').length <= 2)).toBe(true);
  });

  it('rolls back refused upserts: the replaced row comes back, the new one leaves', async () => {
    const table = await todosTable(['a']);
    const held = await heldClient('ann');
    const ann = await screen('ann', table, held.client);
    const id = ann.result.current.list.data?.[0]?.id;
    held.hold();
    act(() => {
      ann.result.current.upsert.mutate({ id, title: '', list_id: 7 });
      ann.result.current.upsert.mutate({ id: 2000, title: '', list_id: 7 });
    });
    await waitFor(() => expect(ann.shown.at(-1)).toBe('*,*'));
    held.release();
    await waitFor(() => expect(ann.titles()).toEqual(['a']));
    await waitFor(() => expect(ann.result.current.upsert.isError).toBe(true));
    expect(ann.result.current.upsert.error?.code).toBe('23514');
    // The writes went in order: the first rolled back before the second.
    expect(ann.shown).toEqual(['', 'a', '*,*', 'a,*', 'a']);
    expect(await serverTitles(table)).toEqual(['a']);
  });
});

describe('rollback when someone else changed the row meanwhile', () => {
  it('drops a row whose update is refused because another user deleted it: no ghost row', async () => {
    const table = await todosTable(['a', 'b']);
    const held = await heldClient('ann');
    const ann = await screen('ann', table, held.client);
    const bob = await screen('bob', table);
    const id = ann.result.current.list.data?.[0]?.id;
    held.hold();
    act(() => ann.result.current.update.mutate({ id, title: 'A' }));
    await waitFor(() => expect(ann.shown.at(-1)).toBe('A*,b'));
    act(() => bob.result.current.remove.mutate({ id }));
    await waitFor(() => expect(ann.titles()).toEqual(['b']));
    // Ann's update reaches the database only now, after the row is gone.
    held.release();
    await waitFor(() => expect(ann.result.current.update.isError).toBe(true));
    expect(ann.result.current.update.error?.code).toBe('PGRST116');
    expect(ann.titles()).toEqual(['b']);
    expect(ann.shown).toEqual(['', 'a,b', 'A*,b', 'b']);
    expect(await serverTitles(table)).toEqual(['b']);
  });

  it('does not put back a row another user deleted while this delete was in flight', async () => {
    const table = await todosTable(['a', 'b']);
    const held = await heldClient('ann');
    const ann = await screen('ann', table, held.client);
    const bob = await screen('bob', table);
    const id = ann.result.current.list.data?.[0]?.id;
    held.hold();
    // Under load the table's first rows can still be streaming in: only the echoes from now count.
    ann.echoes.length = 0;
    act(() => ann.result.current.remove.mutate({ id }));
    await waitFor(() => expect(ann.titles()).toEqual(['b']));
    act(() => bob.result.current.remove.mutate({ id }));
    await waitFor(() => expect(ann.echoes).toContain('DELETE'));
    held.release();
    await waitFor(() => expect(ann.result.current.remove.isError).toBe(true));
    expect(ann.result.current.remove.error?.code).toBe('PGRST116');
    expect(ann.shown).toEqual(['', 'a,b', 'b']);
    expect(bob.titles()).toEqual(['b']);
    expect(await serverTitles(table)).toEqual(['b']);
  });

  it("keeps another user's edit that landed while this user's refused update was in flight", async () => {
    const table = await todosTable(['a', 'b']);
    const held = await heldClient('ann');
    const ann = await screen('ann', table, held.client);
    const bob = await screen('bob', table);
    const id = ann.result.current.list.data?.[0]?.id;
    held.hold();
    act(() => ann.result.current.update.mutate({ id, title: '' }));
    await waitFor(() => expect(ann.shown.at(-1)).toBe('*,b'));
    act(() => bob.result.current.update.mutate({ id, title: 'B' }));
    await waitFor(() => expect(ann.titles()).toEqual(['B', 'b']));
    held.release();
    await waitFor(() => expect(ann.result.current.update.isError).toBe(true));
    expect(ann.result.current.update.error?.code).toBe('23514');
    // The refusal undoes Ann's change only, and Bob's row already replaced it.
    expect(ann.titles()).toEqual(['B', 'b']);
    expect(ann.shown).toEqual(['', 'a,b', '*,b', 'B,b']);
    expect(await serverTitles(table)).toEqual(['B', 'b']);
  });
});

describe('writes that get no answer', () => {
  it('are sent again until one is answered, and applied once', async () => {
    const table = await todosTable(['a']);
    const flaky = await heldClient('ann');
    const ann = await screen('ann', table, flaky.client);
    flaky.drop(2);
    // With its key, so its echo and its answer land on one row whichever comes first.
    act(() => ann.result.current.insert.mutate({ id: 600, title: 'b', list_id: 7 }));
    await waitFor(() => expect(ann.result.current.insert.isSuccess).toBe(true));
    expect(flaky.sent()).toBe(3);
    expect(ann.titles()).toEqual(['a', 'b']);
    expect(ann.shown).toEqual(['', 'a', 'a,b*', 'a,b']);
    expect(await serverTitles(table)).toEqual(['a', 'b']);
  });
});

describe('writes whose answer is lost after the database stored them', () => {
  it('end an insert without its key with an error rather than store it twice; the echo shows the row once', async () => {
    const table = await todosTable(['a']);
    const flaky = await heldClient('ann');
    const ann = await screen('ann', table, flaky.client);
    flaky.loseAnswers(1);
    act(() => ann.result.current.insert.mutate({ title: 'b', list_id: 7 }));
    await waitFor(() => expect(ann.result.current.insert.isError).toBe(true));
    expect(ann.result.current.insert.error?.message).toMatch(
      /^No answer from the server: the row may be stored/,
    );
    expect(flaky.sent()).toBe(1);
    expect(await serverTitles(table)).toEqual(['a', 'b']);
    await waitFor(() => expect(ann.titles()).toEqual(['a', 'b']));
    expect(ann.pending()).toEqual([]);
    await sleep(1000);
    expect(flaky.sent()).toBe(1);
    expect(await serverTitles(table)).toEqual(['a', 'b']);
    expect(ann.titles()).toEqual(['a', 'b']);
  });

  it('end an insert with its key, refused as a duplicate when sent again, with the stored row', async () => {
    const table = await todosTable(['a']);
    const flaky = await heldClient('ann');
    const ann = await screen('ann', table, flaky.client);
    flaky.loseAnswers(1);
    // The first send stores the row; the second finds its key taken, by the row it stored.
    act(() => ann.result.current.insert.mutate({ id: 800, title: 'b' }));
    await waitFor(() => expect(ann.result.current.insert.isSuccess).toBe(true));
    expect(flaky.sent()).toBe(2);
    // The database's row, with the value its default gave.
    expect(ann.result.current.insert.data).toEqual({ id: 800, list_id: 7, title: 'b' });
    expect(await serverTitles(table)).toEqual(['a', 'b']);
    await waitFor(() => expect(ann.titles()).toEqual(['a', 'b']));
    expect(ann.pending()).toEqual([]);
  });

  it('still refuses an insert whose key was taken before its first send, with the PostgREST error', async () => {
    const table = await todosTable(['a']);
    const counted = await heldClient('ann');
    const ann = await screen('ann', table, counted.client);
    const id = ann.result.current.list.data?.[0]?.id;
    act(() => ann.result.current.insert.mutate({ id, title: 'again', list_id: 7 }));
    await waitFor(() => expect(ann.result.current.insert.isError).toBe(true));
    expect(ann.result.current.insert.error?.code).toBe('23505');
    expect(counted.sent()).toBe(1);
    expect(ann.titles()).toEqual(['a']);
    expect(ann.pending()).toEqual([]);
    expect(await serverTitles(table)).toEqual(['a']);
  });

  it('send an update and an upsert again until answered, ending as each sent once would', async () => {
    const table = await todosTable(['a']);
    const flaky = await heldClient('ann');
    const ann = await screen('ann', table, flaky.client);
    const id = ann.result.current.list.data?.[0]?.id;
    flaky.loseAnswers(2);
    act(() => {
      ann.result.current.update.mutate({ id, title: 'A' });
      ann.result.current.upsert.mutate({ id: 700, title: 'up', list_id: 7 });
    });
    await waitFor(() =>
      expect(ann.result.current.update.isSuccess && ann.result.current.upsert.isSuccess).toBe(true),
    );
    expect(flaky.sent()).toBe(4);
    expect(await serverTitles(table)).toEqual(['A', 'up']);
    await waitFor(() => expect(ann.titles()).toEqual(['A', 'up']));
    expect(ann.pending()).toEqual([]);
  });
});

describe('writes made while the server is down', () => {
  it('wait as pending, then reach the database once each, in the order made, after a restart', async () => {
    const table = await todosTable(['a', 'b']);
    // Every row write the database applies, in commit order.
    await db.query(todosLogSql(table));
    const log = async () =>
      (await db.query(`select op, title from ${table}_log order by seq`)).rows.map(
        (row) => `${row.op} ${row.title}`,
      );
    const counted = await heldClient('ann');
    const ann = await screen('ann', table, counted.client);
    const bob = await screen('bob', table);
    const [a, b] = ann.result.current.list.data ?? [];

    await realtime.server.stop();
    await waitFor(() => expect(ann.result.current.connection).toBe('reconnecting'));
    act(() => {
      const { insert, update, upsert, remove } = ann.result.current;
      insert.mutate({ title: 'c', list_id: 7 });
      update.mutate({ id: a?.id, title: 'a1' });
      upsert.mutate({ id: b?.id, title: 'b1', list_id: 7 });
      insert.mutate({ title: 'd', list_id: 7 });
      update.mutate({ id: a?.id, title: 'a2' });
      // Replayed out of order, this delete would come before the upsert and leave 'b1' behind.
      remove.mutate({ id: b?.id });
    });
    // Shown at once, pending, while nothing reaches the database.
    await waitFor(() => expect(ann.shown.at(-1)).toBe('a2*,c*,d*'));
    await sleep(1500);
    expect(ann.pending()).toEqual(['a2', 'c', 'd']);
    expect(ann.queries.isMutating()).toBe(6);
    // The writes wait for the connection rather than fail against a server that is not there.
    expect(counted.sent()).toBe(0);
    expect(await log()).toEqual([]);

    await realtime.restart();
    await waitFor(() => expect(ann.queries.isMutating()).toBe(0), { timeout: 20_000 });
    const applied = ['INSERT c', 'UPDATE a1', 'UPDATE b1', 'INSERT d', 'UPDATE a2', 'DELETE b1'];
    expect(await log()).toEqual(applied);
    expect(counted.sent()).toBe(6);
    expect(await serverTitles(table)).toEqual(['a2', 'c', 'd']);
    await waitFor(() => expect(ann.titles()).toEqual(['a2', 'c', 'd']));
    await waitFor(() => expect(bob.titles()).toEqual(['a2', 'c', 'd']), { timeout: 15_000 });
    expect(ann.pending()).toEqual([]);
    // Nothing is sent twice, even as the channels rejoin and refetch.
    await sleep(1500);
    expect(await log()).toEqual(applied);
    expect(ann.titles()).toEqual(['a2', 'c', 'd']);
    expect(bob.titles()).toEqual(['a2', 'c', 'd']);
  }, 60_000);
});

type Cell = { board_id: number; slot: number; label: string };

describe('mutation options', () => {
  it('key rows by a composite primaryKey, upsert on its conflict, and use the given queryClient without a provider', async () => {
    const table = `cells_${++tables}`;
    await db.query(`
      create table public.${table} (board_id int, slot int, label text not null,
        primary key (board_id, slot));
      alter publication supabase_realtime add table public.${table};
      insert into public.${table} values (1, 1, 'a'), (1, 2, 'b'), (2, 1, 'x');
    `);
    const client = await realtime.user('ann');
    // No QueryClientProvider: every hook must use the client it is given.
    const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const primaryKey = ['board_id', 'slot'] as const;
    const shown: string[] = [];
    const { result } = renderHook(
      () => {
        useSyncQueriesWithRealtime<Cell>({
          table,
          queryKey: [table],
          queryClient: queries,
          apply: 'merge',
          primaryKey,
          filter: 'board_id=eq.1',
          order: [{ column: 'slot' }],
        });
        const cells = useQuery(
          {
            queryKey: [table],
            queryFn: async () =>
              ((await client.from(table).select().eq('board_id', 1).order('slot')).data ??
                []) as Cell[],
          },
          queries,
        );
        const list = (cells.data ?? [])
          .map((cell) => `${cell.slot}:${cell.label}${isPendingRow(cell) ? '*' : ''}`)
          .join(',');
        if (shown.at(-1) !== list) shown.push(list);
        return {
          status: useChannelStatus(`db:public.${table}`).phase,
          cells,
          upsert: useUpsertMutation<Cell>({ table, primaryKey, queryClient: queries }),
          update: useUpdateMutation<Cell>({ table, primaryKey, queryClient: queries }),
          remove: useDeleteMutation<Cell>({ table, primaryKey, queryClient: queries }),
        };
      },
      { wrapper: provider(client) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(shown.at(-1)).toBe('1:a,2:b'));
    await sleep(300);
    // The upsert meets the row of its key (1, 2): replaced, not added, here and in the database.
    act(() => result.current.upsert.mutate({ board_id: 1, slot: 2, label: 'B' }));
    await waitFor(() => expect(result.current.upsert.isSuccess).toBe(true));
    await waitFor(() => expect(shown.at(-1)).toBe('1:a,2:B'));
    // The update and the delete match both columns: (2, 1) is left alone.
    act(() => result.current.update.mutate({ board_id: 1, slot: 1, label: 'A' }));
    await waitFor(() => expect(result.current.update.isSuccess).toBe(true));
    await waitFor(() => expect(shown.at(-1)).toBe('1:A,2:B'));
    act(() => result.current.remove.mutate({ board_id: 1, slot: 2 }));
    await waitFor(() => expect(result.current.remove.isSuccess).toBe(true));
    await waitFor(() => expect(shown.at(-1)).toBe('1:A'));
    // Another writer's change merges into the row of its composite key.
    await db.query(`update public.${table} set label = 'AA' where board_id = 1 and slot = 1`);
    await db.query(`update public.${table} set label = 'xx' where board_id = 2 and slot = 1`);
    await waitFor(() => expect(shown.at(-1)).toBe('1:AA'));
    expect(shown).toEqual([
      '',
      '1:a,2:b',
      '1:a,2:B*',
      '1:a,2:B',
      '1:A*,2:B',
      '1:A,2:B',
      '1:A',
      '1:AA',
    ]);
    expect(
      (await db.query(`select board_id, slot, label from public.${table} order by 1, 2`)).rows,
    ).toEqual([
      { board_id: 1, slot: 1, label: 'AA' },
      { board_id: 2, slot: 1, label: 'xx' },
    ]);
  });

  it('write to the given schema and show the pending row in that schema’s queries only', async () => {
    const table = `cells_${++tables}`;
    await db.query(`
      create schema if not exists board;
      create table board.${table} (id serial primary key, label text not null);
      create table public.${table} (id serial primary key, label text not null);
      alter publication supabase_realtime add table board.${table}, public.${table};
    `);
    const client = await realtime.user('ann');
    const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    // Every distinct list each query showed, pending rows marked with a '*'.
    const shown: Record<string, string[]> = { board: [], public: [] };
    const { result } = renderHook(
      () => {
        const useLive = (schema: string) => {
          const query = useRealtimeQuery<{ id: number; label: string }>(
            { queryKey: [schema, table], queryFn: async () => [] },
            { schema, table, apply: 'merge' },
          );
          const list = (query.data ?? [])
            .map((row) => `${row.label}${isPendingRow(row) ? '*' : ''}`)
            .join(',');
          const history = shown[schema] ?? [];
          if (history.at(-1) !== list) history.push(list);
          return query;
        };
        return {
          board: useLive('board'),
          open: useLive('public'),
          status: useChannelStatus(`db:board.${table}`).phase,
          insert: useInsertMutation<{ id: number; label: string }>({ schema: 'board', table }),
        };
      },
      { wrapper: withQueries(client, queries) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(result.current.board.isSuccess).toBe(true));
    act(() => result.current.insert.mutate({ id: 5, label: 'five' }));
    // The data API here serves only `public` (a Supabase project's default), so the write that
    // went to `board` is refused by name and its pending row rolled back.
    await waitFor(() => expect(result.current.insert.isError).toBe(true));
    expect(result.current.insert.error?.message).toContain('public');
    await waitFor(() => expect(result.current.board.data).toEqual([]));
    expect(shown).toEqual({ board: ['', 'five*', ''], public: [''] });
  });
});
