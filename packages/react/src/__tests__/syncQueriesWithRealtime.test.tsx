import { QueryClient, useQuery } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import { useEffect } from 'react';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { syncQueriesWithRealtime } from '../query/syncQueriesWithRealtime';
import { useBroadcast } from '../useBroadcast';
import { usePresence } from '../usePresence';
import { useChannelStatus } from '../useChannelStatus';
import { useRealtime } from '../useRealtime';
import { useRefetchAllOnReconnect } from '../query/useRefetchAllOnReconnect';
import { provider, sleep, testRealtime, withQueries } from './helpers';

function queryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
}

describe('syncQueriesWithRealtime', () => {
  it('calls an apply function of your own with the cached data and each change', async () => {
    const realtime = await testRealtime({ db: 'embedded' });
    const db = new pg.Client({ connectionString: realtime.server.dbUrl ?? '' });
    await db.connect();
    await db.query(`
      create table public.visits (id serial primary key, page text not null);
      alter publication supabase_realtime add table public.visits;
    `);
    const queries = queryClient();
    const seen: unknown[] = [];
    const { result } = renderHook(
      () => {
        const { registry } = useRealtime();
        useEffect(
          () =>
            syncQueriesWithRealtime({
              queryClient: queries,
              registry,
              room: 'visits',
              queryKey: ['visits'],
              table: 'visits',
              apply: (data, change) => {
                seen.push(data);
                return (data as number) + (change.eventType === 'INSERT' ? 1 : 0);
              },
            }),
          [registry],
        );
        const visits = useQuery({ queryKey: ['visits'], queryFn: async () => 10 }, queries);
        return { visits, status: useChannelStatus('visits').phase };
      },
      { wrapper: withQueries(await realtime.user('alice'), queries) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(result.current.visits.data).toBe(10));
    await db.query(`insert into visits (page) values ('/'), ('/about')`);
    await waitFor(() => expect(result.current.visits.data).toBe(12));
    expect(seen).toEqual([10, 11]);
    await db.end();
  });

  it('refetches a tied query once on its first join and once when its channel returns after a socket drop', async () => {
    const realtime = await testRealtime();
    const queries = queryClient();
    let fetches = 0;
    const { result } = renderHook(
      () => {
        const { registry } = useRealtime();
        // Two ties on one key: still one fetch.
        useEffect(
          () =>
            syncQueriesWithRealtime({
              queryClient: queries,
              registry,
              room: 'scores',
              queryKey: ['scores'],
            }),
          [registry],
        );
        useEffect(
          () =>
            syncQueriesWithRealtime({
              queryClient: queries,
              registry,
              room: 'scores',
              queryKey: ['scores'],
            }),
          [registry],
        );
        const scores = useQuery({ queryKey: ['scores'], queryFn: async () => ++fetches }, queries);
        return { scores, status: useChannelStatus('scores').phase };
      },
      { wrapper: withQueries(await realtime.user('alice'), queries) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    // The first read went out before the join: a message in between would be in neither.
    await waitFor(() => expect(fetches).toBe(2));
    await sleep(200);
    expect(fetches).toBe(2);
    realtime.server.disconnectAll();
    await waitFor(() => expect(result.current.status).not.toBe('joined'));
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(fetches).toBe(3));
    await sleep(300);
    expect(fetches).toBe(3);
    expect(result.current.scores.data).toBe(3);
  });

  it('invalidates every active query on a return with useRefetchAllOnReconnect', async () => {
    const realtime = await testRealtime();
    const queries = queryClient();
    let fetches = 0;
    const { result } = renderHook(
      () => {
        useBroadcast('lobby', 'ping');
        useRefetchAllOnReconnect();
        const untied = useQuery({ queryKey: ['profile'], queryFn: async () => ++fetches }, queries);
        return { untied, status: useChannelStatus('lobby').phase };
      },
      {
        wrapper: withQueries(await realtime.user('alice'), queries),
      },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await sleep(200);
    expect(fetches).toBe(1);
    realtime.server.disconnectAll();
    await waitFor(() => expect(fetches).toBe(2));
    await sleep(300);
    expect(fetches).toBe(2);
  });

  it('invalidates the queries of the query client given to useRefetchAllOnReconnect, with no provider of one', async () => {
    const realtime = await testRealtime();
    const given = queryClient();
    let fetches = 0;
    const { result } = renderHook(
      () => {
        useBroadcast('lobby', 'ping');
        useRefetchAllOnReconnect(given);
        const untied = useQuery({ queryKey: ['profile'], queryFn: async () => ++fetches }, given);
        return { untied, status: useChannelStatus('lobby').phase };
      },
      { wrapper: provider(await realtime.user('alice')) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await sleep(200);
    expect(fetches).toBe(1);
    realtime.server.disconnectAll();
    await waitFor(() => expect(fetches).toBe(2));
    await sleep(300);
    expect(fetches).toBe(2);
  });
});

describe('a channel the server closes', () => {
  it('is joined again, and its tied query refetched once', async () => {
    // A provider told the wrong limit makes the server close the channel for too many presence calls.
    const realtime = await testRealtime({
      limits: { clientPresenceMaxCalls: 2, presenceWindowMs: 60_000 },
    });
    const queries = queryClient();
    let fetches = 0;
    const statuses: string[] = [];
    const { result } = renderHook(
      () => {
        const { registry } = useRealtime();
        useEffect(
          () =>
            syncQueriesWithRealtime({
              queryClient: queries,
              registry,
              room: 'doc',
              queryKey: ['doc'],
            }),
          [registry],
        );
        useQuery({ queryKey: ['doc'], queryFn: async () => ++fetches }, queries);
        const presence = usePresence('doc', { key: 'alice' });
        const status = useChannelStatus('doc').phase;
        if (statuses.at(-1) !== status) statuses.push(status);
        return presence;
      },
      {
        wrapper: withQueries(await realtime.user('alice'), queries, {
          presenceLimit: { maxCalls: 100, windowMs: 1000 },
        }),
      },
    );
    await waitFor(() => expect(statuses.at(-1)).toBe('joined'));
    // Once read, once more on the first join.
    await waitFor(() => expect(fetches).toBe(2));
    await sleep(200);
    expect(fetches).toBe(2);
    for (let x = 0; x < 4; x++) {
      result.current.update({ x });
      await sleep(50);
    }
    await waitFor(() => expect(statuses).toContain('gap'));
    await waitFor(() => expect(statuses.at(-1)).toBe('joined'), { timeout: 10_000 });
    await waitFor(() => expect(fetches).toBe(3));
    await sleep(300);
    expect(fetches).toBe(3);
    await waitFor(() => expect(result.current.me?.state).toEqual({ x: 3 }));
  });
});

describe('useBroadcast with ack', () => {
  it('resolves send once the server acknowledged it', async () => {
    const realtime = await testRealtime();
    const alice = await realtime.user('alice');
    const { result } = renderHook(
      () => ({
        status: useChannelStatus('acked').phase,
        ...useBroadcast('acked', 'note', { ack: true }),
      }),
      { wrapper: provider(alice) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    const before = realtime.server.stats.broadcasts;
    await expect(result.current.send({ n: 1 })).resolves.toBe('ok');
    expect(realtime.server.stats.broadcasts).toBe(before + 1);
    expect(alice.getChannels()[0]?.params.config.broadcast).toMatchObject({
      ack: true,
      self: false,
    });
  });
});
