import type { SupabaseClient } from '@supabase/supabase-js';
import { QueryClient, useQuery, type QueryKey } from '@tanstack/react-query';
import { act, configure, renderHook, waitFor } from '@testing-library/react';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { stableHash } from '../core/stableHash';
import type { ApplyChange } from '../query/syncQueriesWithRealtime';
import { useRealtimeInfiniteQuery } from '../query/useRealtimeInfiniteQuery';
import { useRealtimeQuery } from '../query/useRealtimeQuery';
import { useSyncQueriesWithRealtime } from '../query/useSyncQueriesWithRealtime';
import { startTestRealtime, type TestRealtime } from '../testing';
import { useChannelStatus } from '../useChannelStatus';
import { sleep, withQueries } from './helpers';

// Alice's screen keeps queries live; Bob writes through supabase-js and the data API, as another
// user of the same app would.

type Todo = { id: number; list_id: number | null; title: string; rank: number | null };

let realtime: TestRealtime;
let db: pg.Client;
let alice: SupabaseClient;
let bob: SupabaseClient;
let tables = 0;

beforeAll(async () => {
  // Changes travel through the real server and database: under load an echo can take seconds.
  configure({ asyncUtilTimeout: 10_000 });
  realtime = await startTestRealtime({ db: 'embedded' });
  db = new pg.Client({ connectionString: realtime.server.dbUrl ?? '' });
  await db.connect();
  alice = await realtime.user('alice');
  bob = await realtime.user('bob');
}, 60_000);

afterAll(async () => {
  await db?.end();
  await realtime?.stop();
});

/** A fresh todos table in the publication (default replica identity: a DELETE sends the key only). */
async function todosTable(rows: Omit<Todo, 'id'>[] = []): Promise<string> {
  const table = `todos_${++tables}`;
  await db.query(`
    create table public.${table} (id serial primary key, list_id int, title text not null, rank int);
    alter publication supabase_realtime add table public.${table};
  `);
  for (const row of rows) {
    await db.query(`insert into public.${table} (list_id, title, rank) values ($1, $2, $3)`, [
      row.list_id,
      row.title,
      row.rank,
    ]);
  }
  return table;
}

function queryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
}

/** Bob's write, through the data API; throws PostgREST's error. */
async function write<T = Todo[]>(
  request: PromiseLike<{ error: unknown; data: unknown }>,
): Promise<T> {
  const { data, error } = await request;
  if (error) throw new Error(JSON.stringify(error));
  return data as T;
}

/** Counts the writes of changes per query key: `setQueryData`, or a merge's `setState`. */
function countWrites(queries: QueryClient): Map<string, number> {
  const writes = new Map<string, number>();
  queries.getQueryCache().subscribe((event) => {
    if (event.type !== 'updated') return;
    const { action } = event;
    if ((action.type === 'success' && action.manual) || action.type === 'setState') {
      const key = stableHash(event.query.queryKey);
      writes.set(key, (writes.get(key) ?? 0) + 1);
    }
  });
  return writes;
}

const writesOf = (writes: Map<string, number>, key: QueryKey) => writes.get(stableHash(key)) ?? 0;

describe('apply', () => {
  it('calls a function given to useRealtimeQuery with the cached data, once per change', async () => {
    const table = await todosTable();
    const seen: [unknown, string][] = [];
    let reads = 0;
    const apply: ApplyChange<Todo> = (data, change) => {
      seen.push([data, change.eventType]);
      return (data as number) + (change.eventType === 'INSERT' ? 1 : 0);
    };
    const { result } = renderHook(
      () => {
        // Two ties on one key: the function still runs once per change.
        useSyncQueriesWithRealtime<Todo>({ queryKey: [table, 'count'], table, apply });
        return {
          status: useChannelStatus(`db:public.${table}`).phase,
          count: useRealtimeQuery<Todo, number>(
            { queryKey: [table, 'count'], queryFn: async () => (reads++, 0) },
            { table, apply },
          ),
        };
      },
      { wrapper: withQueries(alice, queryClient()) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    // Read once more when the table's changes first stream; this count does not come from the
    // table, so the writes wait for that read to be done.
    await waitFor(() => expect(reads).toBe(2));
    await waitFor(() => expect(result.current.count.isFetching).toBe(false));
    await waitFor(() => expect(result.current.count.data).toBe(0));
    await write(bob.from(table).insert({ list_id: 1, title: 'a', rank: 1 }));
    await write(bob.from(table).insert({ list_id: 1, title: 'b', rank: 2 }));
    await waitFor(() => expect(result.current.count.data).toBe(2));
    expect(seen).toEqual([
      [0, 'INSERT'],
      [1, 'INSERT'],
    ]);
  });
});

describe('a filtered, ordered live query', () => {
  it('adds rows that enter the filter, removes rows that leave it or are deleted, in the server order', async () => {
    const table = await todosTable([
      { list_id: 7, title: 'a', rank: 2 },
      { list_id: 7, title: 'b', rank: null },
      { list_id: 8, title: 'c', rank: 1 },
    ]);
    // order by rank desc nulls last, id asc: two columns and an explicit nulls placement.
    const fetchList = async () =>
      write(
        alice
          .from(table)
          .select()
          .eq('list_id', 7)
          .order('rank', { ascending: false, nullsFirst: false })
          .order('id'),
      ) as Promise<Todo[]>;
    const { result } = renderHook(
      () => ({
        status: useChannelStatus(`db:public.${table}`).phase,
        list: useRealtimeQuery<Todo>(
          { queryKey: [table, 7], queryFn: fetchList },
          {
            table,
            apply: 'merge',
            filter: 'list_id=eq.7',
            order: [{ column: 'rank', ascending: false, nullsFirst: false }, { column: 'id' }],
          },
        ),
      }),
      { wrapper: withQueries(alice, queryClient()) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(result.current.list.data?.map((t) => t.title)).toEqual(['a', 'b']));
    const titles = () => result.current.list.data?.map((todo) => todo.title);

    await write(bob.from(table).insert({ list_id: 8, title: 'elsewhere', rank: 9 }));
    await write(bob.from(table).update({ list_id: 7 }).eq('title', 'c'));
    await waitFor(() => expect(titles()).toEqual(['a', 'c', 'b']));
    expect(titles()).not.toContain('elsewhere');

    await write(bob.from(table).insert({ list_id: 7, title: 'd', rank: 2 }));
    await waitFor(() => expect(titles()).toEqual(['a', 'd', 'c', 'b']));
    await write(bob.from(table).update({ list_id: 8 }).eq('title', 'a'));
    await waitFor(() => expect(titles()).toEqual(['d', 'c', 'b']));
    await write(bob.from(table).update({ rank: 5 }).eq('title', 'b'));
    await waitFor(() => expect(titles()).toEqual(['b', 'd', 'c']));
    await write(bob.from(table).delete().eq('title', 'd'));
    await waitFor(() => expect(titles()).toEqual(['b', 'c']));
    expect(result.current.list.data).toEqual(await fetchList());
  });
});

describe('several queries on one table', () => {
  it('updates each affected query once per change over one binding', async () => {
    const table = await todosTable([
      { list_id: 7, title: 'a', rank: 1 },
      { list_id: 8, title: 'b', rank: 2 },
    ]);
    const [first, second] = (await db.query(`select * from ${table} order by id`)).rows as Todo[];
    const queries = queryClient();
    const writes = countWrites(queries);
    const joins = realtime.server.stats.joins;
    const live = { table, apply: 'merge' as const, order: { column: 'id' as const } };
    const { result } = renderHook(
      () => {
        const all = useRealtimeQuery<Todo>(
          { queryKey: [table], queryFn: () => write(alice.from(table).select().order('id')) },
          live,
        );
        // A second hook on the same key: the change still reaches the key once.
        useSyncQueriesWithRealtime<Todo>({ ...live, queryKey: [table] });
        const list = useRealtimeQuery<Todo>(
          {
            queryKey: [table, 7],
            queryFn: () => write(alice.from(table).select().eq('list_id', 7).order('id')),
          },
          { ...live, filter: 'list_id=eq.7' },
        );
        const useDetail = (id = 0) =>
          useQuery<Todo>({
            queryKey: [table, 'detail', id],
            queryFn: () => write(alice.from(table).select().eq('id', id).single()),
          });
        const one = useDetail(first?.id);
        const two = useDetail(second?.id);
        useSyncQueriesWithRealtime<Todo>({ ...live, queryKey: [table, 'detail', first?.id] });
        useSyncQueriesWithRealtime<Todo>({ ...live, queryKey: [table, 'detail', second?.id] });
        return { all, list, one, two, status: useChannelStatus(`db:public.${table}`).phase };
      },
      { wrapper: withQueries(alice, queries) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() =>
      expect(
        [result.current.all, result.current.list, result.current.one, result.current.two].every(
          (query) => query.isSuccess,
        ),
      ).toBe(true),
    );
    expect(realtime.server.stats.joins - joins).toBe(1);
    // Each tied query is read once more when the table's changes first stream; the writes
    // counted below are then the changes' alone.
    await waitFor(() => {
      const cached = queries.getQueryCache().findAll();
      expect(cached).toHaveLength(4);
      expect(cached.map((query) => query.state.dataUpdateCount)).toEqual([2, 2, 2, 2]);
      expect(queries.isFetching()).toBe(0);
    });
    const untouched = result.current.two.data;

    await act(() =>
      write(
        bob
          .from(table)
          .update({ title: 'A' })
          .eq('id', first?.id ?? 0),
      ),
    );
    await waitFor(() => expect(result.current.one.data?.title).toBe('A'));
    await waitFor(() => expect(result.current.list.data?.map((t) => t.title)).toEqual(['A']));
    await waitFor(() => expect(result.current.all.data?.map((t) => t.title)).toEqual(['A', 'b']));
    await sleep(300);
    expect(writesOf(writes, [table])).toBe(1);
    expect(writesOf(writes, [table, 7])).toBe(1);
    expect(writesOf(writes, [table, 'detail', first?.id])).toBe(1);
    // A change that does not touch a query leaves its data as it was.
    expect(result.current.two.data).toBe(untouched);

    // A row of list 8 changes: the list of list 7 is not touched at all.
    await act(() =>
      write(
        bob
          .from(table)
          .update({ title: 'B' })
          .eq('id', second?.id ?? 0),
      ),
    );
    await waitFor(() => expect(result.current.two.data?.title).toBe('B'));
    await sleep(300);
    expect(writesOf(writes, [table, 7])).toBe(1);
    expect(writesOf(writes, [table])).toBe(2);
    expect(realtime.server.stats.joins - joins).toBe(1);
  });
});

describe('an infinite live query', () => {
  it('merges rows into the right page, moves them across pages and never shows one twice', async () => {
    const table = await todosTable(
      [10, 20, 30, 40].map((rank) => ({ list_id: 1, title: `r${rank}`, rank })),
    );
    const PAGE = 2;
    let reads = 0;
    const { result } = renderHook(
      () => ({
        status: useChannelStatus(`db:public.${table}`).phase,
        feed: useRealtimeInfiniteQuery<Todo, Error, QueryKey, number>(
          {
            queryKey: [table, 'pages'],
            initialPageParam: 0,
            queryFn: ({ pageParam }) => (
              reads++,
              write(
                alice
                  .from(table)
                  .select()
                  .order('rank')
                  .range(pageParam * PAGE, pageParam * PAGE + PAGE - 1),
              ) as Promise<Todo[]>
            ),
            getNextPageParam: (last, all) => (last.length < PAGE ? undefined : all.length),
          },
          { table, apply: 'merge', order: { column: 'rank' } },
        ),
      }),
      { wrapper: withQueries(alice, queryClient()) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    // The first page is read again once the table's changes stream; then the next one is asked.
    await waitFor(() => expect(reads).toBe(2));
    await waitFor(() => expect(result.current.feed.isFetching).toBe(false));
    await waitFor(() => expect(result.current.feed.data?.pages).toHaveLength(1));
    await act(() => result.current.feed.fetchNextPage());
    const pages = () => result.current.feed.data?.pages.map((page) => page.map((t) => t.rank));
    await waitFor(() =>
      expect(pages()).toEqual([
        [10, 20],
        [30, 40],
      ]),
    );

    // Between two pages a row goes to the end of the first.
    await write(bob.from(table).insert({ list_id: 1, title: 'r25', rank: 25 }));
    await waitFor(() =>
      expect(pages()).toEqual([
        [10, 20, 25],
        [30, 40],
      ]),
    );
    await write(bob.from(table).insert({ list_id: 1, title: 'r5', rank: 5 }));
    await waitFor(() =>
      expect(pages()).toEqual([
        [5, 10, 20, 25],
        [30, 40],
      ]),
    );
    await write(bob.from(table).update({ rank: 35 }).eq('title', 'r10'));
    await waitFor(() =>
      expect(pages()).toEqual([
        [5, 20, 25],
        [30, 35, 40],
      ]),
    );
    await write(bob.from(table).delete().eq('title', 'r30'));
    await waitFor(() =>
      expect(pages()).toEqual([
        [5, 20, 25],
        [35, 40],
      ]),
    );
    const ids = result.current.feed.data?.pages.flat().map((todo) => todo.id) ?? [];
    expect(new Set(ids).size).toBe(ids.length);
    const server = (await write(alice.from(table).select().order('rank'))) as Todo[];
    expect(result.current.feed.data?.pages.flat()).toEqual(server);
  });
});

describe('row identity', () => {
  it('keeps every untouched row object when a merge adds or removes a row, and a refetch shares them too', async () => {
    const table = await todosTable(
      [10, 20, 30].map((rank) => ({ list_id: 1, title: `r${rank}`, rank })),
    );
    const { result } = renderHook(
      () => ({
        status: useChannelStatus(`db:public.${table}`).phase,
        list: useRealtimeQuery<Todo>(
          {
            queryKey: [table, 'identity'],
            queryFn: () => write(alice.from(table).select().order('rank')),
          },
          { table, apply: 'merge', order: { column: 'rank' } },
        ),
      }),
      { wrapper: withQueries(alice, queryClient()) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(result.current.list.data).toHaveLength(3));
    const [r10, r20, r30] = result.current.list.data ?? [];
    // A row added before the others moves them all one place: they stay the same objects, so
    // memoized row components do not render again.
    await write(bob.from(table).insert({ list_id: 1, title: 'r5', rank: 5 }));
    await waitFor(() => expect(result.current.list.data).toHaveLength(4));
    const [, ...moved] = result.current.list.data ?? [];
    expect(moved[0]).toBe(r10);
    expect(moved[1]).toBe(r20);
    expect(moved[2]).toBe(r30);
    await write(bob.from(table).delete().eq('title', 'r10'));
    await waitFor(() => expect(result.current.list.data).toHaveLength(3));
    expect(result.current.list.data?.[1]).toBe(r20);
    expect(result.current.list.data?.[2]).toBe(r30);
    const merged = result.current.list.data;
    await act(() => result.current.list.refetch());
    expect(result.current.list.data).toBe(merged);
  });
});

describe('a subscription the server fails to check at first', () => {
  it('reads the query again on the later Subscribed to PostgreSQL, not on the error before it', async () => {
    const table = await todosTable([{ list_id: 1, title: 'a', rank: 1 }]);
    // The server's publication check waits behind a lock on the catalog it reads; its connection
    // is then ended, so the server answers with an error and checks the bindings again later.
    const holder = new pg.Client({ connectionString: realtime.server.dbUrl ?? '' });
    await holder.connect();
    // Released even when the test fails, or the server could not stop.
    onTestFinished(() => holder.end());
    await holder.query('begin');
    await holder.query('lock table pg_catalog.pg_publication_rel in access exclusive mode');
    const blocked = async () =>
      (
        await db.query<{ pid: number }>(
          `select pid from pg_stat_activity
            where wait_event_type = 'Lock' and query like '%pg_publication_tables%'`,
        )
      ).rows;
    let reads = 0;
    const { result } = renderHook(
      () => ({
        status: useChannelStatus(`db:public.${table}`).phase,
        list: useRealtimeQuery<Todo>(
          {
            queryKey: [table],
            queryFn: () => (reads++, write(alice.from(table).select().order('id'))),
          },
          { table, apply: 'merge', order: { column: 'id' } },
        ),
      }),
      { wrapper: withQueries(alice, queryClient()) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(result.current.list.data?.map((t) => t.title)).toEqual(['a']));
    let pids: { pid: number }[] = [];
    await waitFor(async () => expect((pids = await blocked())).toHaveLength(1));
    await db.query('select pg_terminate_backend($1)', [pids[0]?.pid]);
    // The second check waits behind the lock too; a row written meanwhile streams to no one.
    await waitFor(async () => expect(await blocked()).toHaveLength(1));
    await write(bob.from(table).insert({ list_id: 1, title: 'b', rank: 2 }));
    expect(reads).toBe(1);
    await holder.query('rollback');

    // Subscribed now: the query is read again, and finds the row no change brought.
    await waitFor(() => expect(result.current.list.data?.map((t) => t.title)).toEqual(['a', 'b']));
    expect(reads).toBe(2);
  });
});

describe('live query options', () => {
  it('follows a table of another schema on a private channel, merging by a composite primaryKey', async () => {
    const table = `stock_${++tables}`;
    await db.query(`
      create schema if not exists ops;
      create table ops.${table} (region text, code int, count int not null,
        primary key (region, code));
      grant usage on schema ops to authenticated;
      grant select on ops.${table} to authenticated;
      alter publication supabase_realtime add table ops.${table};
      insert into ops.${table} values ('eu', 1, 10), ('us', 1, 20);
      create policy "alice reads ${table}" on realtime.messages for select to authenticated
        using (realtime.topic() = 'db:ops.${table}' and auth.jwt() ->> 'sub' = 'alice');
    `);
    type Stock = { region: string; code: number; count: number };
    const screen = (client: SupabaseClient) =>
      renderHook(
        () => ({
          stock: useRealtimeQuery<Stock>(
            {
              queryKey: [table],
              queryFn: async () =>
                (await db.query(`select * from ops.${table} order by region, code`))
                  .rows as Stock[],
            },
            {
              schema: 'ops',
              table,
              private: true,
              primaryKey: ['region', 'code'],
              apply: 'merge',
              order: [{ column: 'region' }, { column: 'code' }],
            },
          ),
          room: useChannelStatus(`db:ops.${table}`, { private: true }),
          open: useChannelStatus(`db:ops.${table}`).phase,
        }),
        { wrapper: withQueries(client, queryClient()) },
      );
    const a = screen(alice);
    const b = screen(bob);
    await waitFor(() => expect(a.result.current.room.phase).toBe('joined'));
    // The channel is private: the policy lets Alice in and keeps Bob out.
    await waitFor(() => expect(b.result.current.room.phase).toBe('unauthorized'));
    expect(a.result.current.open).toBe('idle');
    await waitFor(() => expect(a.result.current.stock.data).toHaveLength(2));
    await sleep(300);
    await db.query(`update ops.${table} set count = 11 where region = 'eu' and code = 1`);
    await db.query(`insert into ops.${table} values ('eu', 2, 5)`);
    await waitFor(() =>
      expect(a.result.current.stock.data).toEqual([
        { region: 'eu', code: 1, count: 11 },
        { region: 'eu', code: 2, count: 5 },
        { region: 'us', code: 1, count: 20 },
      ]),
    );
    await db.query(`delete from ops.${table} where region = 'us' and code = 1`);
    await waitFor(() => expect(a.result.current.stock.data).toHaveLength(2));
    expect(a.result.current.stock.data?.map((row) => row.region)).toEqual(['eu', 'eu']);
  });
});
