import { QueryClient, useQuery } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import { syncQueriesWithRealtime } from '../syncQueriesWithRealtime';
import { useBroadcast } from '../useBroadcast';
import { usePresence } from '../usePresence';
import { useChannelStatus } from '../useChannelStatus';
import { useRealtime } from '../useRealtime';
import { provider, sleep, testRealtime } from './helpers';

function queryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
}

describe('syncQueriesWithRealtime', () => {
  it('refetches a tied query once when its channel returns after a socket drop, not on the first join', async () => {
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
        return { scores, status: useChannelStatus('scores') };
      },
      { wrapper: provider(await realtime.user('alice'), { queryClient: queries }) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await sleep(200);
    expect(fetches).toBe(1);
    realtime.server.disconnectAll();
    await waitFor(() => expect(result.current.status).not.toBe('joined'));
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(fetches).toBe(2));
    await sleep(300);
    expect(fetches).toBe(2);
    expect(result.current.scores.data).toBe(2);
  });

  it("invalidates every active query on a return with refetchOnReconnect: 'all'", async () => {
    const realtime = await testRealtime();
    const queries = queryClient();
    let fetches = 0;
    const { result } = renderHook(
      () => {
        useBroadcast('lobby', 'ping');
        const untied = useQuery({ queryKey: ['profile'], queryFn: async () => ++fetches }, queries);
        return { untied, status: useChannelStatus('lobby') };
      },
      {
        wrapper: provider(await realtime.user('alice'), {
          queryClient: queries,
          refetchOnReconnect: 'all',
        }),
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
        const status = useChannelStatus('doc');
        if (statuses.at(-1) !== status) statuses.push(status);
        return presence;
      },
      {
        wrapper: provider(await realtime.user('alice'), {
          queryClient: queries,
          presenceLimit: { maxCalls: 100, windowMs: 1000 },
        }),
      },
    );
    await waitFor(() => expect(statuses.at(-1)).toBe('joined'));
    await sleep(200);
    expect(fetches).toBe(1);
    for (let x = 0; x < 4; x++) {
      result.current.update({ x });
      await sleep(50);
    }
    await waitFor(() => expect(statuses).toContain('closed'));
    await waitFor(() => expect(statuses.at(-1)).toBe('joined'), { timeout: 5000 });
    await waitFor(() => expect(fetches).toBe(2));
    await sleep(300);
    expect(fetches).toBe(2);
    await waitFor(() => expect(result.current.me?.state).toEqual({ x: 3 }));
  });
});

describe('useBroadcast with ack', () => {
  it('resolves send once the server acknowledged it', async () => {
    const realtime = await testRealtime();
    const alice = await realtime.user('alice');
    const { result } = renderHook(
      () => ({
        status: useChannelStatus('acked'),
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
