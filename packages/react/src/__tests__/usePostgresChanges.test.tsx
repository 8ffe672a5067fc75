import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, renderHook, waitFor } from '@testing-library/react';
import pg from 'pg';
import { useState, type ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RealtimeProvider } from '../RealtimeProvider';
import { startTestRealtime, type TestRealtime } from '../testing';
import { useChannelStatus } from '../useChannelStatus';
import { useConnectionStatus } from '../useConnectionStatus';
import { usePostgresChanges } from '../usePostgresChanges';
import { useQuery } from '@tanstack/react-query';
import { useRealtimeQuery } from '../query/useRealtimeQuery';
import { useSyncQueriesWithRealtime } from '../query/useSyncQueriesWithRealtime';
import { sleep } from './helpers';

type Todo = { id: number; title: string };

let realtime: TestRealtime;
let db: pg.Client;

beforeAll(async () => {
  realtime = await startTestRealtime({ db: 'embedded' });
  db = new pg.Client({ connectionString: realtime.server.dbUrl ?? '' });
  await db.connect();
  await db.query(`
    create table public.todos (id serial primary key, title text not null);
    create table public.notes (id serial primary key, body text not null);
    create table public.items (id serial primary key, name text not null);
    create table public.tags (id serial primary key, name text not null);
    alter publication supabase_realtime add table public.todos, public.notes, public.items, public.tags;
    create schema app;
    grant usage on schema app to anon, authenticated;
    create table app.todos (id serial primary key, title text not null);
    grant select on app.todos to anon, authenticated;
    alter publication supabase_realtime add table app.todos;
  `);
}, 60_000);

afterAll(async () => {
  await db?.end();
  await realtime?.stop();
});

function queryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
}

function wrapper(client: Awaited<ReturnType<TestRealtime['user']>>, queries: QueryClient) {
  return function Wrapper({ children }: { children?: ReactNode }) {
    return (
      <QueryClientProvider client={queries}>
        <RealtimeProvider client={client}>{children}</RealtimeProvider>
      </QueryClientProvider>
    );
  };
}

async function rows<T>(sql: string): Promise<T[]> {
  return (await db.query(sql)).rows as T[];
}

describe('useRealtimeQuery', () => {
  it('merges inserts, updates and deletes into the cached rows in the query order', async () => {
    const queries = queryClient();
    const { result } = renderHook(
      () => ({
        status: useChannelStatus('db:public.todos').phase,
        todos: useRealtimeQuery<Todo>(
          {
            queryKey: ['todos', 'desc'],
            queryFn: () => rows<Todo>('select * from todos order by id desc'),
          },
          { table: 'todos', apply: 'merge', order: { column: 'id', ascending: false } },
        ),
      }),
      { wrapper: wrapper(await realtime.user('alice'), queries) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(result.current.todos.data).toEqual([]));
    await sleep(300);
    await db.query(`insert into todos (title) values ('one'), ('two')`);
    await waitFor(() =>
      expect(result.current.todos.data?.map((t) => t.title)).toEqual(['two', 'one']),
    );
    const [two, one] = result.current.todos.data ?? [];
    await db.query(`update todos set title = 'uno' where id = $1`, [one?.id]);
    await waitFor(() =>
      expect(result.current.todos.data?.map((t) => t.title)).toEqual(['two', 'uno']),
    );
    await db.query(`delete from todos where id = $1`, [two?.id]);
    await waitFor(() => expect(result.current.todos.data?.map((t) => t.title)).toEqual(['uno']));
  });

  it('invalidates the query on a change by default, and calls onChange', async () => {
    const queries = queryClient();
    let fetches = 0;
    const changes: string[] = [];
    const { result } = renderHook(
      () => {
        useSyncQueriesWithRealtime<{ id: number; body: string }>({
          table: 'notes',
          queryKey: ['notes'],
          onChange: (change) => changes.push(change.eventType),
        });
        return {
          status: useChannelStatus('db:public.notes').phase,
          notes: useRealtimeQuery(
            { queryKey: ['notes'], queryFn: () => (fetches++, rows('select * from notes')) },
            { table: 'notes' },
          ),
        };
      },
      { wrapper: wrapper(await realtime.user('alice'), queries) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(result.current.notes.isSuccess).toBe(true));
    // Read again once the table's changes first stream (the first read came before).
    await waitFor(() => expect(fetches).toBe(2));
    await sleep(300);
    expect(fetches).toBe(2);
    await db.query(`insert into notes (body) values ('hello')`);
    await waitFor(() => expect(result.current.notes.data).toHaveLength(1));
    expect(changes).toEqual(['INSERT']);
    expect(fetches).toBe(3);
  });

  it('uses the query client of the nearest QueryClientProvider', async () => {
    const queries = queryClient();
    const client = await realtime.user('alice');
    const { result } = renderHook(
      () =>
        useRealtimeQuery(
          { queryKey: ['tags'], queryFn: () => rows('select * from tags') },
          { table: 'tags' },
        ),
      {
        wrapper: ({ children }) => (
          <QueryClientProvider client={queries}>
            <RealtimeProvider client={client}>{children}</RealtimeProvider>
          </QueryClientProvider>
        ),
      },
    );
    await waitFor(() => expect(result.current.data).toEqual([]));
  });
});

describe('useSyncQueriesWithRealtime', () => {
  it('merges into the query of the nearest QueryClientProvider and refetches it after a gap', async () => {
    await db.query(`create table public.items_nearest (id serial primary key, name text not null);
      alter publication supabase_realtime add table public.items_nearest`);
    const queries = queryClient();
    const client = await realtime.user('alice');
    let fetches = 0;
    const { result } = renderHook(
      () => {
        useSyncQueriesWithRealtime<{ id: number; name: string }>({
          table: 'items_nearest',
          queryKey: ['items-nearest'],
          apply: 'merge',
          order: { column: 'id' },
        });
        return {
          status: useChannelStatus('db:public.items_nearest').phase,
          items: useQuery({
            queryKey: ['items-nearest'],
            queryFn: () => (
              fetches++,
              rows<{ id: number; name: string }>('select * from items_nearest order by id')
            ),
          }),
        };
      },
      {
        wrapper: ({ children }) => (
          <QueryClientProvider client={queries}>
            <RealtimeProvider client={client}>{children}</RealtimeProvider>
          </QueryClientProvider>
        ),
      },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(result.current.items.data).toEqual([]));
    // Read again once the table's changes first stream (the first read came before).
    await waitFor(() => expect(fetches).toBe(2));
    await sleep(300);
    await db.query(`insert into items_nearest (name) values ('a'), ('b')`);
    await waitFor(() =>
      expect(result.current.items.data?.map((row) => row.name)).toEqual(['a', 'b']),
    );
    expect(fetches).toBe(2);
    await act(() => realtime.restart());
    await waitFor(() => expect(fetches).toBe(3), { timeout: 15_000 });
    await waitFor(() => expect(result.current.status).toBe('joined'));
  }, 30_000);

  it('says that a queryKey belongs to @roomkit/react/query, in production too, instead of dropping it', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const client = await realtime.user('alice');
    const options = { table: 'items', queryKey: ['items'] };
    expect(renderError(client, () => usePostgresChanges(options))).toBe(
      'Error: `queryKey` moved to @roomkit/react/query',
    );
  });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Renders `hook` in a provider without a query client and returns the error it threw. */
function renderError(client: Awaited<ReturnType<TestRealtime['user']>>, hook: () => void) {
  const errors: unknown[] = [];
  const quiet = console.error;
  console.error = () => undefined;
  try {
    renderHook(
      () => {
        try {
          hook();
        } catch (error) {
          errors.push(error);
        }
      },
      {
        wrapper: ({ children }) => <RealtimeProvider client={client}>{children}</RealtimeProvider>,
      },
    );
  } finally {
    console.error = quiet;
  }
  return String(errors[0]);
}

describe('refetch on reconnect', () => {
  it('refetches each tied query exactly once after a server restart and merges without duplicates', async () => {
    const queries = queryClient();
    const fetches = { todos: 0, notes: 0 };
    const connection: string[] = [];
    const todoQuery = {
      queryKey: ['todos', 'asc'],
      queryFn: () => (fetches.todos++, rows<Todo>('select * from todos order by id')),
    };
    const { result } = renderHook(
      () => {
        const status = useConnectionStatus().status;
        if (connection.at(-1) !== status) connection.push(status);
        // Three hooks on one key: still one fetch per return.
        const todos = useRealtimeQuery<Todo>(todoQuery, {
          table: 'todos',
          apply: 'merge',
          order: { column: 'id' },
        });
        useRealtimeQuery<Todo>(todoQuery, {
          table: 'todos',
          apply: 'merge',
          order: { column: 'id' },
        });
        useSyncQueriesWithRealtime<Todo>({
          table: 'todos',
          queryKey: ['todos', 'asc'],
          apply: 'merge',
          order: { column: 'id' },
        });
        const notes = useRealtimeQuery(
          {
            queryKey: ['notes', 'restart'],
            queryFn: () => (fetches.notes++, rows('select * from notes')),
          },
          { table: 'notes' },
        );
        return {
          todos,
          notes,
          todosChannel: useChannelStatus('db:public.todos').phase,
          notesChannel: useChannelStatus('db:public.notes').phase,
        };
      },
      { wrapper: wrapper(await realtime.user('alice'), queries) },
    );
    await waitFor(() => expect(result.current.todosChannel).toBe('joined'));
    await waitFor(() => expect(result.current.notesChannel).toBe('joined'));
    await waitFor(() =>
      expect(result.current.todos.isSuccess && result.current.notes.isSuccess).toBe(true),
    );
    // Read again once the table's changes first stream (the first read came before).
    await waitFor(() => expect(fetches).toEqual({ todos: 2, notes: 2 }));
    await sleep(300);
    expect(fetches).toEqual({ todos: 2, notes: 2 });

    await db.query(`insert into todos (title) values ('before')`);
    await waitFor(() => expect(result.current.todos.data?.at(-1)?.title).toBe('before'));

    const port = realtime.server.port;
    await realtime.server.stop();
    await waitFor(() => expect(connection.at(-1)).toBe('reconnecting'));
    // Made while nobody streams: only the refetch can bring it.
    await db.query(`insert into todos (title) values ('during')`);
    await realtime.restart();
    expect(realtime.server.port).toBe(port);
    await waitFor(() => expect(connection.at(-1)).toBe('open'), { timeout: 10_000 });
    await waitFor(() => expect(result.current.todosChannel).toBe('joined'), { timeout: 10_000 });
    await waitFor(() => expect(result.current.notesChannel).toBe('joined'), { timeout: 10_000 });
    await waitFor(() => expect(fetches).toEqual({ todos: 3, notes: 3 }), { timeout: 10_000 });
    await waitFor(() => expect(result.current.todos.data?.at(-1)?.title).toBe('during'));

    await db.query(`insert into todos (title) values ('after')`);
    await waitFor(() => expect(result.current.todos.data?.at(-1)?.title).toBe('after'));
    await sleep(500);
    expect(fetches).toEqual({ todos: 3, notes: 3 });
    expect(connection.slice(-3)).toEqual(['open', 'reconnecting', 'open']);
    const ids = (result.current.todos.data ?? []).map((todo) => todo.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const titles = (result.current.todos.data ?? []).map((todo) => todo.title);
    expect(titles.filter((title) => ['before', 'during', 'after'].includes(title))).toEqual([
      'before',
      'during',
      'after',
    ]);
  }, 30_000);

  it('rejoins transparently when a later consumer needs a new binding, refetching the tied query once', async () => {
    const queries = queryClient();
    let fetches = 0;
    const joinsBefore = realtime.server.stats.joins;
    function Later() {
      const [names, setNames] = useState<string[]>([]);
      usePostgresChanges<{ id: number; name: string }>({
        table: 'tags',
        room: 'inventory',
        onChange: (change) =>
          setNames((list) => [
            ...list,
            String(change.new && 'name' in change.new ? change.new.name : ''),
          ]),
      });
      return <span data-testid="tags">{names.join(',')}</span>;
    }
    function Page() {
      const [later, setLater] = useState(false);
      const items = useRealtimeQuery(
        {
          queryKey: ['items'],
          queryFn: () => (
            fetches++,
            rows<{ id: number; name: string }>('select * from items order by id')
          ),
        },
        { table: 'items', room: 'inventory', apply: 'merge' },
      );
      return (
        <>
          <span data-testid="status">{useChannelStatus('inventory').phase}</span>
          <span data-testid="items">{(items.data ?? []).map((item) => item.name).join(',')}</span>
          <button onClick={() => setLater(true)}>more</button>
          {later && <Later />}
        </>
      );
    }
    const page = render(<Page />, { wrapper: wrapper(await realtime.user('alice'), queries) });
    await waitFor(() => expect(page.getByTestId('status').textContent).toBe('joined'));
    // Read again once the table's changes first stream (the first read came before).
    await waitFor(() => expect(fetches).toBe(2));
    await sleep(300);
    expect(fetches).toBe(2);
    expect(realtime.server.stats.joins - joinsBefore).toBe(1);
    act(() => page.getByText('more').click());
    await waitFor(() => expect(realtime.server.stats.joins - joinsBefore).toBe(2));
    await waitFor(() => expect(page.getByTestId('status').textContent).toBe('joined'));
    await waitFor(() => expect(fetches).toBe(3));
    await db.query(`insert into items (name) values ('bolt')`);
    await db.query(`insert into tags (name) values ('metal')`);
    await waitFor(() => expect(page.getByTestId('items').textContent).toBe('bolt'));
    await waitFor(() => expect(page.getByTestId('tags').textContent).toBe('metal'));
    await sleep(300);
    expect(fetches).toBe(3);
  });
});

describe('usePostgresChanges', () => {
  it('hears only the rows its filter matches, on a room named after the table, event and filter', async () => {
    const titles: string[] = [];
    const { result } = renderHook(
      () => {
        usePostgresChanges<Todo>({
          table: 'todos',
          event: 'INSERT',
          filter: 'title=eq.mine',
          onChange: (change) => titles.push((change.new as Todo).title),
        });
        return useChannelStatus('db:public.todos:INSERT?title=eq.mine').phase;
      },
      { wrapper: wrapper(await realtime.user('alice'), queryClient()) },
    );
    await waitFor(() => expect(result.current).toBe('joined'));
    await sleep(300);
    await db.query(`insert into todos (title) values ('theirs'), ('mine')`);
    await db.query(`insert into todos (title) values ('also theirs'), ('mine')`);
    await waitFor(() => expect(titles).toEqual(['mine', 'mine']));
  });

  it('follows the table of the given schema, on a room named after it', async () => {
    const titles: string[] = [];
    const { result } = renderHook(
      () => {
        usePostgresChanges<Todo>({
          schema: 'app',
          table: 'todos',
          onChange: (change) => titles.push((change.new as Todo).title),
        });
        return useChannelStatus('db:app.todos').phase;
      },
      { wrapper: wrapper(await realtime.user('alice'), queryClient()) },
    );
    await waitFor(() => expect(result.current).toBe('joined'));
    await sleep(300);
    await db.query(`insert into public.todos (title) values ('public one')`);
    await db.query(`insert into app.todos (title) values ('app one')`);
    await db.query(`insert into app.todos (title) values ('app two')`);
    await waitFor(() => expect(titles).toEqual(['app one', 'app two']));
  });
});
