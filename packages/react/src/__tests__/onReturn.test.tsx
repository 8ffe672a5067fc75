import type { SupabaseClient } from '@supabase/supabase-js';
import { renderHook, waitFor } from '@testing-library/react';
import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import { useBroadcast } from '../useBroadcast';
import { useChannelStatus } from '../useChannelStatus';
import { useRealtime } from '../useRealtime';
import { provider, sleep, testRealtime } from './helpers';

/** One consumer of the room `lobby`, with every `onReturn` report of its registry. */
function lobbyWithReports(client: SupabaseClient) {
  const reports: { key: string; first: boolean }[] = [];
  const { result } = renderHook(
    () => {
      const { registry } = useRealtime();
      useEffect(
        () => registry.onReturn((key, first) => void reports.push({ key, first: !!first })),
        [registry],
      );
      useBroadcast('lobby', 'message');
      return useChannelStatus('lobby');
    },
    { wrapper: provider(client) },
  );
  return { reports, result };
}

describe('registry.onReturn', () => {
  it('tells of the first join of a room without postgres bindings once, when it has joined', async () => {
    const realtime = await testRealtime();
    const a = renderHook(
      () => ({
        status: useChannelStatus('lobby').phase,
        ...useBroadcast<{ text: string }>('lobby', 'message'),
      }),
      { wrapper: provider(await realtime.user('a')) },
    );
    await waitFor(() => expect(a.result.current.status).toBe('joined'));

    // B listens to the registry before its consumer of the room, as a history reader does: A
    // sends the moment B is told, and B must hear it live.
    const reports: { key: string; first: boolean; phase: string | undefined }[] = [];
    const received: string[] = [];
    renderHook(
      () => {
        const { registry } = useRealtime();
        useEffect(
          () =>
            registry.onReturn((key, first) => {
              reports.push({
                key,
                first: first === true,
                phase: registry.find('lobby', false)?.getSnapshot().phase,
              });
              void a.result.current.send({ text: 'sent when B was told' });
            }),
          [registry],
        );
        useBroadcast<{ text: string }>('lobby', 'message', {
          onMessage: ({ text }) => received.push(text),
        });
      },
      { wrapper: provider(await realtime.user('b')) },
    );
    await waitFor(() => expect(received).toEqual(['sent when B was told']));
    await sleep(300);
    expect(reports).toEqual([{ key: 'public:lobby', first: true, phase: 'joined' }]);
  });

  it('tells of a return after a gap without first, and no first again', async () => {
    const realtime = await testRealtime();
    const { reports, result } = lobbyWithReports(await realtime.user('b'));
    await waitFor(() => expect(reports).toEqual([{ key: 'public:lobby', first: true }]));
    await realtime.restart();
    await waitFor(
      () =>
        expect(reports).toEqual([
          { key: 'public:lobby', first: true },
          { key: 'public:lobby', first: false },
        ]),
      { timeout: 10_000 },
    );
    expect(result.current.phase).toBe('joined');
  });

  it('tells of the first join once even when the socket dropped before it', async () => {
    const realtime = await testRealtime();
    const client = await realtime.user('b');
    await realtime.server.stop();
    const { reports, result } = lobbyWithReports(client);
    // Still the first join, retried after the drop.
    await waitFor(() => expect(result.current.reason).not.toBeNull(), { timeout: 10_000 });
    expect(result.current.phase).toBe('joining');
    await realtime.restart();
    await waitFor(() => expect(result.current.phase).toBe('joined'), { timeout: 10_000 });
    await sleep(300);
    expect(reports).toEqual([{ key: 'public:lobby', first: true }]);
  });
});
