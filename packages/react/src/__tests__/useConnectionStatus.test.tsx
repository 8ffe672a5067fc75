import { createClient } from '@supabase/supabase-js';
import { render, renderHook, waitFor } from '@testing-library/react';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { useBroadcast } from '../useBroadcast';
import { useConnectionStatus } from '../useConnectionStatus';
import { useLostConnectionListener } from '../useLostConnectionListener';
import { provider, sleep, testRealtime } from './helpers';

describe('useConnectionStatus', () => {
  it('goes from connecting to open and reports the heartbeat latency', async () => {
    const realtime = await testRealtime();
    const statuses: string[] = [];
    const alice = await realtime.user('alice');
    const { result } = renderHook(
      () => {
        useBroadcast('room', 'event', { onMessage: () => {} });
        const connection = useConnectionStatus();
        statuses.push(connection.status);
        return connection;
      },
      { wrapper: provider(alice) },
    );
    await waitFor(() => expect(result.current.status).toBe('open'));
    expect(result.current.latencyMs).toBeNull();
    // The client's own heartbeat (every 25 s by default), sent now.
    await alice.realtime.sendHeartbeat();
    await waitFor(() => expect(result.current.latencyMs).toEqual(expect.any(Number)));
    expect(result.current).toMatchObject({ status: 'open', error: null });
    expect([...new Set(statuses)]).toEqual(['idle', 'connecting', 'open']);
  });

  it('reports reconnecting with the reason when the server drops the socket, then open', async () => {
    const realtime = await testRealtime();
    const seen: string[] = [];
    const { result } = renderHook(
      () => {
        useBroadcast('room', 'event');
        const connection = useConnectionStatus();
        if (seen.at(-1) !== connection.status) seen.push(connection.status);
        return connection;
      },
      { wrapper: provider(await realtime.user('alice')) },
    );
    await waitFor(() => expect(result.current.status).toBe('open'));
    realtime.server.disconnectAll();
    await waitFor(() => expect(result.current.status).toBe('reconnecting'));
    expect(result.current.error?.message).toBe('socket closed: 1012 (server restart)');
    await waitFor(() => expect(result.current.status).toBe('open'));
    expect(result.current.error).toBeNull();
    expect(seen.slice(-3)).toEqual(['open', 'reconnecting', 'open']);
  });

  it('reports reconnecting when the heartbeat times out on a stalled socket, then open', async () => {
    const realtime = await testRealtime({ dev: true });
    const token = await realtime.server.mintToken({ sub: 'stalled', role: 'authenticated' });
    const client = createClient(realtime.server.url, realtime.server.anonKey, {
      accessToken: async () => token,
      realtime: {
        transport: WebSocket as never,
        heartbeatIntervalMs: 300,
        reconnectAfterMs: () => 100,
      },
    });
    const seen: string[] = [];
    const { result, unmount } = renderHook(
      () => {
        useBroadcast('room', 'event');
        const connection = useConnectionStatus();
        if (seen.at(-1) !== connection.status) seen.push(connection.status);
        return connection;
      },
      { wrapper: provider(client) },
    );
    await waitFor(() => expect(result.current.status).toBe('open'));
    // The server stops reading the socket: the client's heartbeat goes unanswered, and the
    // client tears the socket down without a close event from it.
    const stalled = await fetch(`${realtime.server.url}/roomkit/v1/connections/stall`, {
      method: 'POST',
      headers: { apikey: realtime.server.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'stalled' }),
    });
    expect(await stalled.json()).toEqual({ stalled: 1 });
    await waitFor(() => expect(result.current.status).toBe('reconnecting'), { timeout: 10_000 });
    expect(result.current.error?.message).toBe('socket closed: heartbeat timeout');
    await waitFor(() => expect(result.current.status).toBe('open'), { timeout: 10_000 });
    expect(result.current.error).toBeNull();
    expect(seen.slice(-3)).toEqual(['open', 'reconnecting', 'open']);
    unmount();
    await client.removeAllChannels();
  });

  it('reports idle on a page without channels, not connecting', async () => {
    const realtime = await testRealtime();
    const alice = await realtime.user('alice');
    const seen: string[] = [];
    function Status() {
      const { status } = useConnectionStatus();
      if (seen.at(-1) !== status) seen.push(status);
      return null;
    }
    function Join() {
      useBroadcast('room', 'event');
      return null;
    }
    const Wrapper = provider(alice);
    const page = (join: boolean) => (
      <Wrapper>
        <Status />
        {join ? <Join /> : null}
      </Wrapper>
    );
    const { rerender } = render(page(false));
    await sleep(300);
    expect(seen).toEqual(['idle']);
    rerender(page(true));
    await waitFor(() => expect(seen.at(-1)).toBe('open'));
    expect(seen).toEqual(['idle', 'connecting', 'open']);
  });

  it('keeps the snapshot the same object while nothing changes', async () => {
    const realtime = await testRealtime();
    const { result, rerender } = renderHook(() => useConnectionStatus(), {
      wrapper: provider(await realtime.user('alice')),
    });
    const first = result.current;
    rerender();
    expect(result.current).toBe(first);
  });
});

describe('useLostConnectionListener', () => {
  it('ignores a drop shorter than the delay', async () => {
    const realtime = await testRealtime();
    const events: string[] = [];
    const { result } = renderHook(
      () => {
        useBroadcast('room', 'event');
        useLostConnectionListener({
          delayMs: 2000,
          onLost: () => events.push('lost'),
          onRestored: () => events.push('restored'),
        });
        return useConnectionStatus().status;
      },
      { wrapper: provider(await realtime.user('alice')) },
    );
    await waitFor(() => expect(result.current).toBe('open'));
    realtime.server.disconnectAll();
    await waitFor(() => expect(result.current).toBe('reconnecting'));
    await waitFor(() => expect(result.current).toBe('open'));
    await sleep(100);
    expect(events).toEqual([]);
  });

  it('calls onLost after the delay and onRestored when the server is back', async () => {
    const realtime = await testRealtime();
    const events: string[] = [];
    const { result } = renderHook(
      () => {
        useBroadcast('room', 'event');
        useLostConnectionListener({
          delayMs: 200,
          onLost: () => events.push('lost'),
          onRestored: () => events.push('restored'),
        });
        return useConnectionStatus().status;
      },
      { wrapper: provider(await realtime.user('alice')) },
    );
    await waitFor(() => expect(result.current).toBe('open'));
    const port = realtime.server.port;
    await realtime.server.stop();
    await waitFor(() => expect(events).toEqual(['lost']));
    await realtime.restart();
    expect(realtime.server.port).toBe(port);
    await waitFor(() => expect(result.current).toBe('open'), { timeout: 10_000 });
    expect(events).toEqual(['lost', 'restored']);
  });

  it('calls onRestored when the socket goes idle after a long drop', async () => {
    const realtime = await testRealtime();
    const events: string[] = [];
    const seen: string[] = [];
    function Listener() {
      useLostConnectionListener({
        delayMs: 200,
        onLost: () => events.push('lost'),
        onRestored: () => events.push('restored'),
      });
      const { status } = useConnectionStatus();
      if (seen.at(-1) !== status) seen.push(status);
      return null;
    }
    function Join() {
      useBroadcast('room', 'event');
      return null;
    }
    const Wrapper = provider(await realtime.user('alice'));
    const page = (join: boolean) => (
      <Wrapper>
        <Listener />
        {join ? <Join /> : null}
      </Wrapper>
    );
    const { rerender } = render(page(true));
    await waitFor(() => expect(seen.at(-1)).toBe('open'));
    await realtime.server.stop();
    await waitFor(() => expect(events).toEqual(['lost']));
    // The last channel leaves while the server is away: nothing needs the socket any more.
    rerender(page(false));
    await waitFor(() => expect(seen.at(-1)).toBe('idle'), { timeout: 10_000 });
    expect(events).toEqual(['lost', 'restored']);
  });

  it('keeps following a drop when delayMs changes during it', async () => {
    const realtime = await testRealtime();
    const events: string[] = [];
    const { result, rerender } = renderHook(
      ({ delayMs }: { delayMs: number }) => {
        useBroadcast('room', 'event');
        useLostConnectionListener({
          delayMs,
          onLost: () => events.push('lost'),
          onRestored: () => events.push('restored'),
        });
        return useConnectionStatus().status;
      },
      { wrapper: provider(await realtime.user('alice')), initialProps: { delayMs: 200 } },
    );
    await waitFor(() => expect(result.current).toBe('open'));
    await realtime.server.stop();
    await waitFor(() => expect(events).toEqual(['lost']));
    rerender({ delayMs: 300 });
    await realtime.restart();
    await waitFor(() => expect(result.current).toBe('open'), { timeout: 10_000 });
    expect(events).toEqual(['lost', 'restored']);
  });

  it('calls nothing once unmounted during a drop shorter than the delay so far', async () => {
    const realtime = await testRealtime();
    const events: string[] = [];
    const seen: string[] = [];
    function Listener() {
      useLostConnectionListener({ delayMs: 300, onLost: () => events.push('lost') });
      return null;
    }
    function Join() {
      useBroadcast('room', 'event');
      const { status } = useConnectionStatus();
      if (seen.at(-1) !== status) seen.push(status);
      return null;
    }
    const Wrapper = provider(await realtime.user('alice'));
    const page = (listen: boolean) => (
      <Wrapper>
        <Join />
        {listen ? <Listener /> : null}
      </Wrapper>
    );
    const { rerender } = render(page(true));
    await waitFor(() => expect(seen.at(-1)).toBe('open'));
    await realtime.server.stop();
    await waitFor(() => expect(seen.at(-1)).toBe('reconnecting'));
    rerender(page(false));
    await sleep(600);
    expect(seen.at(-1)).toBe('reconnecting');
    expect(events).toEqual([]);
  });
});
