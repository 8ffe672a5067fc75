import { QueryClient } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LEFT_ON_REQUEST, leaveRoom, rejoinRoom, roomConsumers, tiedQueries } from '../devtools';
import { useRealtimeQuery } from '../query/useRealtimeQuery';
import { useBroadcast } from '../useBroadcast';
import { useChannelStatus } from '../useChannelStatus';
import { usePresence } from '../usePresence';
import { useRealtime } from '../useRealtime';
import { provider, sleep, testRealtime, withQueries } from './helpers';

describe('leaveRoom', () => {
  it("closes the room for its consumers and takes the user out of others' presence", async () => {
    const realtime = await testRealtime();
    const a = renderHook(
      () => ({
        status: useChannelStatus('lobby'),
        presence: usePresence('lobby', { key: 'alice', state: { name: 'Alice' } }),
        realtime: useRealtime(),
      }),
      { wrapper: provider(await realtime.user('alice')) },
    );
    const b = renderHook(() => usePresence('lobby', { key: 'bob' }), {
      wrapper: provider(await realtime.user('bob'), { presenceGraceMs: 0 }),
    });
    await waitFor(() => expect(b.result.current.others.map((user) => user.key)).toEqual(['alice']));
    await waitFor(() => expect(a.result.current.status.phase).toBe('joined'));

    let found = false;
    act(() => void (found = leaveRoom(a.result.current.realtime.registry, 'lobby')));
    expect(found).toBe(true);
    await waitFor(() =>
      expect(a.result.current.status).toMatchObject({ phase: 'errored', reason: LEFT_ON_REQUEST }),
    );
    expect(a.result.current.realtime.client.realtime.getChannels()).toHaveLength(0);
    await waitFor(() => expect(b.result.current.others).toEqual([]));
  });

  it('stays out until rejoinRoom, then the same consumers are back in presence and hear broadcasts', async () => {
    const realtime = await testRealtime();
    const heard: string[] = [];
    const a = renderHook(
      () => ({
        status: useChannelStatus('lobby'),
        presence: usePresence('lobby', { key: 'alice', state: { name: 'Alice' } }),
        wave: useBroadcast<string>('lobby', 'wave', { onMessage: (text) => heard.push(text) }),
        realtime: useRealtime(),
      }),
      { wrapper: provider(await realtime.user('alice')) },
    );
    const b = renderHook(
      () => ({
        presence: usePresence('lobby', { key: 'bob' }),
        wave: useBroadcast<string>('lobby', 'wave'),
      }),
      { wrapper: provider(await realtime.user('bob'), { presenceGraceMs: 0 }) },
    );
    await waitFor(() => expect(b.result.current.presence.others).toHaveLength(1));
    const { registry } = a.result.current.realtime;
    act(() => void leaveRoom(registry, 'lobby'));
    await waitFor(() => expect(b.result.current.presence.others).toEqual([]));
    // Left means left: nothing brings the room back on its own, and sends fail.
    expect(await a.result.current.wave.send('hello?')).toBe('error');
    expect(a.result.current.status.phase).toBe('errored');

    let found = false;
    act(() => void (found = rejoinRoom(registry, 'lobby')));
    expect(found).toBe(true);
    await waitFor(() => expect(a.result.current.status).toMatchObject({ phase: 'joined' }));
    await waitFor(() =>
      expect(b.result.current.presence.others).toEqual([
        { key: 'alice', state: { name: 'Alice' }, connections: 1 },
      ]),
    );
    await b.result.current.wave.send('welcome back');
    await waitFor(() => expect(heard).toEqual(['welcome back']));
  });

  it('answers false for a room no consumer holds', async () => {
    const realtime = await testRealtime();
    const a = renderHook(() => useRealtime(), { wrapper: provider(await realtime.user('alice')) });
    expect(leaveRoom(a.result.current.registry, 'nowhere')).toBe(false);
    expect(rejoinRoom(a.result.current.registry, 'nowhere', true)).toBe(false);
  });
});

describe('tiedQueries', () => {
  it('lists each tied query key with its room, and counts the refetches its gaps caused', async () => {
    const realtime = await testRealtime();
    const queries = new QueryClient({
      defaultOptions: { queries: { retry: false, staleTime: Infinity } },
    });
    let fetches = 0;
    const a = renderHook(
      () => {
        const todos = useRealtimeQuery(
          { queryKey: ['todos', 7], queryFn: async () => [{ id: ++fetches }] },
          { room: 'board' },
        );
        return { todos, status: useChannelStatus('board'), realtime: useRealtime() };
      },
      { wrapper: withQueries(await realtime.user('alice'), queries) },
    );
    const { registry } = a.result.current.realtime;
    await waitFor(() => expect(a.result.current.status.phase).toBe('joined'));
    // The first read went out before the join: the join's gap refetches it once.
    await waitFor(() => expect(fetches).toBe(2));
    expect(tiedQueries(registry)).toEqual([
      {
        room: 'public:board',
        table: undefined,
        queryKey: ['todos', 7],
        queryClient: queries,
        gapRefetches: 1,
      },
    ]);

    // A rejoin is a gap like any other: the room returns and its query refetches once.
    act(() => void rejoinRoom(registry, 'board'));
    await waitFor(() => expect(fetches).toBe(3));
    expect(tiedQueries(registry)[0]?.gapRefetches).toBe(2);

    a.unmount();
    expect(tiedQueries(registry)).toEqual([]);
  });

  it('is empty for a registry no query was ever tied to', async () => {
    const realtime = await testRealtime();
    const a = renderHook(() => useRealtime(), { wrapper: provider(await realtime.user('alice')) });
    expect(tiedQueries(a.result.current.registry)).toEqual([]);
  });
});

describe('roomConsumers', () => {
  it('counts the hooks holding a room: each one, fewer as they unmount, 0 once none is left', async () => {
    const realtime = await testRealtime();
    const { result, rerender, unmount } = renderHook(
      ({ both }: { both: boolean }) => {
        useBroadcast('lobby', 'message');
        // A presence hook holds its room once, as a broadcast hook does.
        usePresence(both ? 'lobby' : 'elsewhere', { key: 'alice' });
        return { status: useChannelStatus('lobby').phase, realtime: useRealtime() };
      },
      {
        wrapper: provider(await realtime.user('alice'), { lingerMs: 200 }),
        initialProps: { both: true },
      },
    );
    const { registry } = result.current.realtime;
    expect(roomConsumers(registry, 'lobby')).toBe(2);
    await waitFor(() => expect(result.current.status).toBe('joined'));
    expect(roomConsumers(registry, 'lobby')).toBe(2);
    rerender({ both: false });
    expect(roomConsumers(registry, 'lobby')).toBe(1);
    expect(roomConsumers(registry, 'elsewhere')).toBe(1);
    unmount();
    // Lingering: the room is still there, held by no one.
    expect(roomConsumers(registry, 'lobby')).toBe(0);
    await sleep(400);
    expect(registry.find('lobby', false)).toBeUndefined();
    expect(roomConsumers(registry, 'lobby')).toBe(0);
    expect(roomConsumers(registry, 'lobby', true)).toBe(0);
  });
});
