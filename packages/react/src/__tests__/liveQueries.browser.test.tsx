import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page } from 'vitest/browser';
import { jitteredBackoff } from '../core/jitteredBackoff';
import { useDeleteMutation } from '../query/useDeleteMutation';
import { useInsertMutation } from '../query/useInsertMutation';
import { useRealtimeInfiniteQuery } from '../query/useRealtimeInfiniteQuery';
import { useRealtimeQuery } from '../query/useRealtimeQuery';
import { isPendingRow } from '../query/useTableMutation';
import { useUpdateMutation } from '../query/useUpdateMutation';
import { useUpsertMutation } from '../query/useUpsertMutation';
import { RealtimeProvider } from '../RealtimeProvider';
import { useChannelStatus } from '../useChannelStatus';
import { useConnectionStatus } from '../useConnectionStatus';
import type {} from './browserCommands';
import { heldFetch } from './heldFetch';
import { todosLogSql, todosTableSql } from './todosSql';

// Ann and Bob each have their own supabase-js client, query client and provider in one Chromium
// page, on the real @roomkit/server and PostgreSQL; they see lists rendered by the /query hooks.

type Todo = { id: number; list_id: number; title: string };

const clients: SupabaseClient[] = [];
let tables = 0;

afterEach(async () => {
  cleanup();
  await Promise.all(clients.splice(0).map((client) => client.removeAllChannels()));
});

/**
 * A table of todos (list 7 unless given) that refuses empty titles and deleting a row titled
 * 'locked', and logs every row write the database applies, in commit order.
 */
async function todosTable(rows: (string | [string, number])[]): Promise<string> {
  const table = `browser_todos_${Date.now()}_${++tables}`;
  await commands.querySql(todosTableSql(table) + todosLogSql(table));
  for (const row of rows) {
    const [title, list] = typeof row === 'string' ? [row, 7] : row;
    await commands.querySql(`insert into public.${table} (title, list_id) values ($1, $2)`, [
      title,
      list,
    ]);
  }
  await commands.querySql(`truncate public.${table}_log`);
  return table;
}

/** The titles the database holds, by id. */
const stored = async (table: string) =>
  (await commands.querySql(`select title from public.${table} order by id`)).map(
    (row) => row.title,
  );

/** Every write the database applied since the table was filled, as `OP title`. */
const applied = async (table: string) =>
  (await commands.querySql(`select op, title from public.${table}_log order by seq`)).map(
    (row) => `${String(row.op)} ${String(row.title)}`,
  );

/**
 * A real supabase-js client signed in as `user`, whose writes (every request but a read) are
 * counted and can be held back: `hold()` keeps the next ones from leaving until `release()`.
 * `loseAnswers(n)` lets the next n writes reach the database and then fails them as a dropped
 * connection does, so the client never learns they were stored.
 */
async function clientFor(user: string) {
  const { url, anonKey } = await commands.queryServer();
  const token = await commands.queryToken(user);
  const { fetch, ...controls } = heldFetch('Failed to fetch');
  const client = createClient(url, anonKey, {
    accessToken: async () => token,
    auth: {
      persistSession: false,
      autoRefreshToken: false,
      storageKey: `rk-query-${tables}-${user}`,
    },
    realtime: { reconnectAfterMs: jitteredBackoff({ initialMs: 100, maxMs: 500 }) },
    global: { fetch },
  });
  clients.push(client);
  return { client, ...controls };
}

type Client = Awaited<ReturnType<typeof clientFor>>;

/** Each user's hooks as last rendered, for the test to write through. */
type Hooks = ReturnType<typeof useTodoScreen>;
const hooks = new Map<string, Hooks>();
const api = (user: string): Hooks => {
  const current = hooks.get(user);
  if (!current) throw new Error(`${user} has no screen`);
  return current;
};

function useTodoScreen(client: SupabaseClient, table: string) {
  return {
    connection: useConnectionStatus().status,
    channel: useChannelStatus(`db:public.${table}`).phase,
    list: useRealtimeQuery<Todo>(
      {
        queryKey: [table, 7],
        queryFn: async () => {
          const { data, error } = await client.from(table).select().eq('list_id', 7).order('id');
          if (error) throw error;
          return data as Todo[];
        },
      },
      { table, apply: 'merge', filter: 'list_id=eq.7', order: { column: 'id' } },
    ),
    insert: useInsertMutation<Todo>({ table }),
    update: useUpdateMutation<Todo>({ table }),
    upsert: useUpsertMutation<Todo>({ table }),
    remove: useDeleteMutation<Todo>({ table }),
  };
}

/** Every list a user's screen rendered, pending rows marked with a '*'. */
const history = new Map<string, string[]>();

/** A user's app: list 7 of the table, live, and a line per failed write. */
function TodoScreen({
  user,
  client,
  table,
}: {
  user: string;
  client: SupabaseClient;
  table: string;
}) {
  const screen = useTodoScreen(client, table);
  hooks.set(user, screen);
  const rows = screen.list.data ?? [];
  const shown = rows.map((todo) => (isPendingRow(todo) ? `${todo.title}*` : todo.title)).join();
  const seen = history.get(user) ?? [];
  if (seen.at(-1) !== shown) seen.push(shown);
  history.set(user, seen);
  const errors = [screen.insert, screen.update, screen.upsert, screen.remove]
    .map((mutation) => mutation.error)
    .filter((error) => error !== null);
  return (
    <section
      data-testid={user}
      data-connection={screen.connection}
      data-channel={screen.channel}
      data-loaded={screen.list.isSuccess}
    >
      <ul>
        {rows.map((todo) => (
          <li key={String(todo.id)} data-pending={isPendingRow(todo) || undefined}>
            {todo.title}
          </li>
        ))}
      </ul>
      {errors.map((error) => (
        <p role="alert" key={`${error.code}${error.message}`} data-code={error.code}>
          {error.message}
        </p>
      ))}
    </section>
  );
}

/** One user's query client and realtime provider around `children`. */
function Side({ client, children }: { client: SupabaseClient; children: React.ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: false } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <RealtimeProvider client={client} lingerMs={0}>
        {children}
      </RealtimeProvider>
    </QueryClientProvider>
  );
}

/** Renders Ann's and Bob's screens of `table` and waits until both lists are live. */
async function twoScreens(table: string, ann?: Client, bob?: Client) {
  const users = { ann: ann ?? (await clientFor('ann')), bob: bob ?? (await clientFor('bob')) };
  history.clear();
  render(
    <>
      <Side client={users.ann.client}>
        <TodoScreen user="ann" client={users.ann.client} table={table} />
      </Side>
      <Side client={users.bob.client}>
        <TodoScreen user="bob" client={users.bob.client} table={table} />
      </Side>
    </>,
  );
  for (const user of ['ann', 'bob']) {
    await expect.poll(() => section(user).dataset.channel, { timeout: 20_000 }).toBe('joined');
    await expect.poll(() => section(user).dataset.loaded, { timeout: 20_000 }).toBe('true');
  }
  return users;
}

const section = (user: string) => page.getByTestId(user).element() as HTMLElement;

/** The titles on a user's screen, as the DOM shows them; pending rows end in '*'. */
const titles = (user: string) =>
  [...section(user).querySelectorAll('li')].map(
    (li) => `${li.textContent ?? ''}${li.dataset.pending ? '*' : ''}`,
  );

/** The codes of the write errors on a user's screen. */
const alerts = (user: string) =>
  [...section(user).querySelectorAll('[role="alert"]')].map((alert) =>
    alert.getAttribute('data-code'),
  );

const id = (user: string, title: string) => {
  const row = api(user).list.data?.find((todo) => todo.title === title);
  if (!row) throw new Error(`${user} shows no row titled ${title}`);
  return row.id;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const poll = { timeout: 20_000 };

describe('a filtered live query in Chromium', () => {
  it("adds a row that enters the filter and removes one that leaves it, on the other user's screen", async () => {
    const table = await todosTable(['a', ['b', 8], 'c']);
    await twoScreens(table);
    expect(titles('ann')).toEqual(['a', 'c']);
    // Bob moves b into list 7 and c out of it, writing through the hooks.
    const b = (await commands.querySql(`select id from public.${table} where title = 'b'`))[0]?.id;
    api('bob').update.mutate({ id: b as number, list_id: 7 });
    await expect.poll(() => titles('ann'), poll).toEqual(['a', 'b', 'c']);
    api('bob').update.mutate({ id: id('bob', 'c'), list_id: 8 });
    await expect.poll(() => titles('ann'), poll).toEqual(['a', 'b']);
    await expect.poll(() => titles('bob'), poll).toEqual(['a', 'b']);
    // A row written straight into another list never shows; one into list 7 does.
    await commands.querySql(
      `insert into public.${table} (title, list_id) values ('x', 8), ('d', 7)`,
    );
    await expect.poll(() => titles('ann'), poll).toEqual(['a', 'b', 'd']);
    await sleep(500);
    expect(titles('ann')).toEqual(['a', 'b', 'd']);
    expect(titles('bob')).toEqual(['a', 'b', 'd']);
  });
});

/** Ann's feed: every todo ordered by id, in pages of two, each page its own list. */
function Feed({ client, table }: { client: SupabaseClient; table: string }) {
  const PAGE = 2;
  const feed = useRealtimeInfiniteQuery<Todo, Error, readonly unknown[], number>(
    {
      queryKey: [table, 'pages'],
      initialPageParam: 0,
      queryFn: async ({ pageParam }) => {
        const { data, error } = await client
          .from(table)
          .select()
          .order('id')
          .range(pageParam * PAGE, pageParam * PAGE + PAGE - 1);
        if (error) throw error;
        return data as Todo[];
      },
      getNextPageParam: (last, all) => (last.length < PAGE ? undefined : all.length),
    },
    { table, apply: 'merge', order: { column: 'id' } },
  );
  const channel = useChannelStatus(`db:public.${table}`).phase;
  return (
    <div data-testid="feed" data-channel={channel} data-fetching={feed.isFetching}>
      {feed.data?.pages.map((rows, index) => (
        <ul key={index} aria-label={`page ${index + 1}`}>
          {rows.map((todo) => (
            <li key={todo.id}>{todo.title}</li>
          ))}
        </ul>
      ))}
      <button type="button" disabled={!feed.hasNextPage} onClick={() => void feed.fetchNextPage()}>
        More
      </button>
    </div>
  );
}

describe('an infinite live query in Chromium', () => {
  it("merges another user's insert, edit and delete into the right pages, each row once", async () => {
    const table = await todosTable(['a', 'b', 'c', 'd', 'e']);
    const ann = await clientFor('ann');
    const bob = await clientFor('bob');
    history.clear();
    render(
      <>
        <Side client={ann.client}>
          <Feed client={ann.client} table={table} />
        </Side>
        <Side client={bob.client}>
          <TodoScreen user="bob" client={bob.client} table={table} />
        </Side>
      </>,
    );
    const feed = () => page.getByTestId('feed').element() as HTMLElement;
    const pages = () =>
      [...feed().querySelectorAll('ul')].map((list) =>
        [...list.querySelectorAll('li')].map((li) => li.textContent).join(),
      );
    await expect.poll(() => feed().dataset.channel, poll).toBe('joined');
    await expect.poll(() => section('bob').dataset.channel, poll).toBe('joined');
    // Ann scrolls to the end: three pages. (A click can be cancelled by the refetch the channel's
    // join starts, as react-query cancels a next-page fetch for a refetch: Ann clicks again.)
    const more = () => {
      if (feed().dataset.fetching === 'false') feed().querySelector('button')?.click();
      return pages();
    };
    await expect.poll(more, poll).toEqual(['a,b', 'c,d', 'e']);
    await expect.poll(() => feed().querySelector('button')?.disabled, poll).toBe(true);
    await expect.poll(() => titles('bob'), poll).toEqual(['a', 'b', 'c', 'd', 'e']);

    api('bob').insert.mutate({ title: 'f', list_id: 7 });
    await expect.poll(pages, poll).toEqual(['a,b', 'c,d', 'e,f']);
    api('bob').update.mutate({ id: id('bob', 'c'), title: 'C' });
    await expect.poll(pages, poll).toEqual(['a,b', 'C,d', 'e,f']);
    const b = id('bob', 'b');
    api('bob').remove.mutate({ id: b });
    await expect.poll(pages, poll).toEqual(['a', 'C,d', 'e,f']);
    // A row whose id falls between two pages lands at the end of the earlier one.
    await commands.querySql(`insert into public.${table} (id, title) values ($1, 'b2')`, [b]);
    await expect.poll(pages, poll).toEqual(['a,b2', 'C,d', 'e,f']);
    await sleep(500);
    expect(pages().join().split(',')).toHaveLength(new Set(pages().join().split(',')).size);
    expect(await stored(table)).toEqual(['a', 'b2', 'C', 'd', 'e', 'f']);
  });
});

describe('optimistic writes in Chromium', () => {
  it("shows each write at once as pending on the writer's screen, then the database's row on both", async () => {
    const table = await todosTable(['a', 'b']);
    const ann = await clientFor('ann');
    await twoScreens(table, ann);
    ann.hold();
    api('ann').insert.mutate({ title: 'c', list_id: 7 });
    api('ann').update.mutate({ id: id('ann', 'a'), title: 'A' });
    api('ann').remove.mutate({ id: id('ann', 'b') });
    // Nothing has left Ann's browser yet: her screen shows the writes, Bob's does not.
    await expect.poll(() => titles('ann'), poll).toEqual(['A*', 'c*']);
    expect(titles('bob')).toEqual(['a', 'b']);
    expect(await stored(table)).toEqual(['a', 'b']);
    ann.release();
    await expect.poll(() => titles('ann'), poll).toEqual(['A', 'c']);
    await expect.poll(() => titles('bob'), poll).toEqual(['A', 'c']);
    expect(await stored(table)).toEqual(['A', 'c']);
    expect(await applied(table)).toEqual(['INSERT c', 'UPDATE A', 'DELETE b']);
    // The server's row replaced the pending one: from the first render of c on, exactly one c.
    const shown = history.get('ann') ?? [];
    const fromC = shown.slice(shown.findIndex((list) => list.split(',').includes('c*')));
    const cs = (list: string) => list.split(',').filter((title) => /^c\*?$/.test(title)).length;
    expect(fromC.length).toBeGreaterThan(1);
    expect(fromC.map(cs)).toEqual(fromC.map(() => 1));
  });

  it('rolls back refused writes, each with its PostgREST error, and leaves the other screen alone', async () => {
    const table = await todosTable(['a', 'locked']);
    const ann = await clientFor('ann');
    await twoScreens(table, ann);
    ann.hold();
    api('ann').update.mutate({ id: id('ann', 'a'), title: '' });
    api('ann').remove.mutate({ id: id('ann', 'locked') });
    api('ann').insert.mutate({ title: '', list_id: 7 });
    await expect.poll(() => titles('ann'), poll).toEqual(['*', '*']);
    ann.release();
    // One error per mutation hook: insert, update, delete.
    await expect.poll(() => alerts('ann'), poll).toEqual(['23514', '23514', 'P0001']);
    expect(titles('ann')).toEqual(['a', 'locked']);
    expect(section('ann').textContent).toContain('locked rows stay');
    expect(titles('bob')).toEqual(['a', 'locked']);
    expect(history.get('bob')).toEqual(['', 'a,locked']);
    expect(await applied(table)).toEqual([]);
  });
});

describe('two users editing one row in Chromium', () => {
  it("ends on both screens in the database's final state, the later write winning", async () => {
    const table = await todosTable(['a']);
    const ann = await clientFor('ann');
    await twoScreens(table, ann);
    const row = id('ann', 'a');
    // Ann's edit is made first but reaches the database after Bob's.
    ann.hold();
    api('ann').update.mutate({ id: row, title: 'from ann' });
    await expect.poll(() => titles('ann'), poll).toEqual(['from ann*']);
    api('bob').update.mutate({ id: row, title: 'from bob' });
    await expect.poll(() => titles('bob'), poll).toEqual(['from bob']);
    await expect.poll(() => stored(table), poll).toEqual(['from bob']);
    ann.release();
    await expect.poll(() => stored(table), poll).toEqual(['from ann']);
    await expect.poll(() => titles('ann'), poll).toEqual(['from ann']);
    await expect.poll(() => titles('bob'), poll).toEqual(['from ann']);
    // Ann's answer comes back after Bob's later edit reached her: it is older, and not shown.
    ann.holdAnswers();
    api('ann').update.mutate({ id: row, title: 'ann, answered late' });
    await expect.poll(() => stored(table), poll).toEqual(['ann, answered late']);
    api('bob').update.mutate({ id: row, title: 'bob, after ann' });
    await expect.poll(() => titles('ann'), poll).toEqual(['bob, after ann']);
    ann.release();
    await expect.poll(() => api('ann').update.isSuccess, poll).toBe(true);
    await sleep(300);
    expect(titles('ann')).toEqual(['bob, after ann']);
    expect(titles('bob')).toEqual(['bob, after ann']);
    // Both at once: whichever the database applied last is what both show.
    api('ann').update.mutate({ id: row, title: 'ann again' });
    api('bob').update.mutate({ id: row, title: 'bob again' });
    await expect.poll(() => applied(table).then((log) => log.length), poll).toBe(6);
    const [final] = await stored(table);
    expect(['ann again', 'bob again']).toContain(final);
    await expect.poll(() => titles('ann'), poll).toEqual([final]);
    await expect.poll(() => titles('bob'), poll).toEqual([final]);
  });
});

describe('writes made while the server is down, in Chromium', () => {
  it('wait as pending, then reach the database exactly once each, in order, after a restart', async () => {
    const table = await todosTable(['a', 'b']);
    const ann = await clientFor('ann');
    await twoScreens(table, ann);
    const [a, b] = [id('ann', 'a'), id('ann', 'b')];
    await commands.queryServerStop();
    try {
      await expect.poll(() => section('ann').dataset.connection, poll).toBe('reconnecting');
      const { insert, update, upsert, remove } = api('ann');
      insert.mutate({ title: 'c', list_id: 7 });
      update.mutate({ id: a, title: 'a1' });
      upsert.mutate({ id: b, title: 'b1', list_id: 7 });
      insert.mutate({ id: 900, title: 'd', list_id: 7 });
      update.mutate({ id: a, title: 'a2' });
      // Replayed out of order, this delete would come before the upsert and leave b1 behind.
      remove.mutate({ id: b });
      // c has no id until the database gives it one: it shows last meanwhile.
      await expect.poll(() => titles('ann'), poll).toEqual(['a2*', 'd*', 'c*']);
      await sleep(1500);
      // Waiting for the connection, not failing against a server that is not there.
      expect(titles('ann')).toEqual(['a2*', 'd*', 'c*']);
      expect(alerts('ann')).toEqual([]);
      expect(ann.sent()).toBe(0);
      expect(titles('bob')).toEqual(['a', 'b']);
    } finally {
      await commands.queryServerStart();
    }
    await expect.poll(() => titles('ann'), { timeout: 30_000 }).toEqual(['a2', 'c', 'd']);
    await expect.poll(() => titles('bob'), { timeout: 30_000 }).toEqual(['a2', 'c', 'd']);
    const once = ['INSERT c', 'UPDATE a1', 'UPDATE b1', 'INSERT d', 'UPDATE a2', 'DELETE b1'];
    expect(await applied(table)).toEqual(once);
    expect(ann.sent()).toBe(6);
    // Nothing is sent again as the channels rejoin and refetch.
    await sleep(1500);
    expect(await applied(table)).toEqual(once);
    expect(titles('ann')).toEqual(['a2', 'c', 'd']);
    expect(titles('bob')).toEqual(['a2', 'c', 'd']);
    expect(alerts('ann')).toEqual([]);
  });
});

describe('writes whose answer is lost, in Chromium', () => {
  it('store an insert without its key once, fail it saying so, and show the row once', async () => {
    const table = await todosTable(['a']);
    const ann = await clientFor('ann');
    await twoScreens(table, ann);
    ann.loseAnswers(1);
    api('ann').insert.mutate({ title: 'b', list_id: 7 });
    await expect.poll(() => alerts('ann'), poll).toEqual(['']);
    expect(section('ann').textContent).toContain(
      'No answer from the server: the row may be stored',
    );
    await expect.poll(() => titles('ann'), poll).toEqual(['a', 'b']);
    await expect.poll(() => titles('bob'), poll).toEqual(['a', 'b']);
    await sleep(1500);
    expect(ann.sent()).toBe(1);
    expect(await applied(table)).toEqual(['INSERT b']);
    expect(titles('ann')).toEqual(['a', 'b']);
  });

  it('send an insert with its key again and take the duplicate refusal as the row stored once', async () => {
    const table = await todosTable(['a']);
    const ann = await clientFor('ann');
    await twoScreens(table, ann);
    ann.loseAnswers(1);
    api('ann').insert.mutate({ id: 900, title: 'b', list_id: 7 });
    await expect.poll(() => api('ann').insert.isSuccess, poll).toBe(true);
    expect(api('ann').insert.data).toEqual({ id: 900, list_id: 7, title: 'b' });
    expect(ann.sent()).toBe(2);
    // The second send was refused (23505): the database applied the insert once.
    expect(await applied(table)).toEqual(['INSERT b']);
    await expect.poll(() => titles('ann'), poll).toEqual(['a', 'b']);
    await expect.poll(() => titles('bob'), poll).toEqual(['a', 'b']);
    expect(alerts('ann')).toEqual([]);
  });

  it('send an update again until it is answered: same row, same result each time', async () => {
    const table = await todosTable(['a']);
    const ann = await clientFor('ann');
    await twoScreens(table, ann);
    ann.loseAnswers(2);
    api('ann').update.mutate({ id: id('ann', 'a'), title: 'A' });
    await expect.poll(() => api('ann').update.isSuccess, poll).toBe(true);
    expect(ann.sent()).toBe(3);
    // The database applied it three times, to the same row with the same values.
    expect(await applied(table)).toEqual(['UPDATE A', 'UPDATE A', 'UPDATE A']);
    expect(await stored(table)).toEqual(['A']);
    await expect.poll(() => titles('ann'), poll).toEqual(['A']);
    await expect.poll(() => titles('bob'), poll).toEqual(['A']);
    expect(alerts('ann')).toEqual([]);
  });
});
