import { act, render, renderHook, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineRoom } from '../defineRoom';
import { useBroadcast } from '../useBroadcast';
import { useChannelStatus } from '../useChannelStatus';
import { provider, sleep, testRealtime } from './helpers';

describe('useBroadcast', () => {
  it('delivers what user A sends to user B', async () => {
    const realtime = await testRealtime();
    const received: unknown[] = [];
    const a = renderHook(
      () => ({
        status: useChannelStatus('chat').phase,
        ...useBroadcast<{ text: string }>('chat', 'message'),
      }),
      { wrapper: provider(await realtime.user('a')) },
    );
    const b = renderHook(
      () => {
        useBroadcast<{ text: string }>('chat', 'message', { onMessage: (p) => received.push(p) });
        return useChannelStatus('chat').phase;
      },
      { wrapper: provider(await realtime.user('b')) },
    );
    await waitFor(() => expect(a.result.current.status).toBe('joined'));
    await waitFor(() => expect(b.result.current).toBe('joined'));
    await expect(a.result.current.send({ text: 'hi' })).resolves.toBe('ok');
    await waitFor(() => expect(received).toEqual([{ text: 'hi' }]));
  });

  it('keeps send the same function across renders', async () => {
    const realtime = await testRealtime();
    const { result, rerender } = renderHook(() => useBroadcast('chat', 'message'), {
      wrapper: provider(await realtime.user('a')),
    });
    const first = result.current;
    rerender();
    expect(result.current).toBe(first);
    expect(result.current.send).toBe(first.send);
  });

  it('resolves error instead of falling back to REST while the channel is not joined', async () => {
    const realtime = await testRealtime();
    const warn = vi.spyOn(console, 'warn');
    const { result } = renderHook(() => useBroadcast('chat', 'message'), {
      wrapper: provider(await realtime.user('a')),
    });
    const broadcasts = realtime.server.stats.broadcasts;
    await expect(result.current.send({ n: 1 })).resolves.toBe('error');
    await sleep(50);
    expect(realtime.server.stats.broadcasts).toBe(broadcasts);
    expect(warn).not.toHaveBeenCalledWith(expect.stringContaining('falling back to REST'));
    warn.mockRestore();
  });

  it('sends over REST only when the rest option allows it', async () => {
    const realtime = await testRealtime();
    const received: unknown[] = [];
    renderHook(() => useBroadcast('chat', 'message', { onMessage: (p) => received.push(p) }), {
      wrapper: provider(await realtime.user('b')),
    });
    const alice = await realtime.user('a');
    const a = renderHook(
      () => ({
        status: useChannelStatus('chat').phase,
        ...useBroadcast('chat', 'message', { rest: true }),
      }),
      { wrapper: provider(alice) },
    );
    await waitFor(() => expect(a.result.current.status).toBe('joined'));
    await sleep(100);
    await alice.realtime.disconnect();
    await waitFor(() => expect(a.result.current.status).not.toBe('joined'));
    await expect(a.result.current.send({ via: 'rest' })).resolves.toBe('ok');
    await waitFor(() => expect(received).toContainEqual({ via: 'rest' }));
  });

  it('delivers to its own listener after the server acknowledged, with ack and self', async () => {
    const realtime = await testRealtime();
    const heard: unknown[] = [];
    const { result } = renderHook(
      () => ({
        status: useChannelStatus('acked-self').phase,
        ...useBroadcast('acked-self', 'note', {
          self: true,
          ack: true,
          onMessage: (payload) => heard.push(payload),
        }),
      }),
      { wrapper: provider(await realtime.user('alice')) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    const sent = result.current.send({ n: 1 });
    // Nothing yet: the server has not acknowledged it.
    expect(heard).toEqual([]);
    await expect(sent).resolves.toBe('ok');
    expect(heard).toEqual([{ n: 1 }]);
  });

  it('delivers to its own listener at once without ack, before the server has it', async () => {
    const realtime = await testRealtime();
    const heard: unknown[] = [];
    const { result } = renderHook(
      () => ({
        status: useChannelStatus('unacked-self').phase,
        ...useBroadcast('unacked-self', 'note', {
          self: true,
          onMessage: (payload) => heard.push(payload),
        }),
      }),
      { wrapper: provider(await realtime.user('alice')) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    void result.current.send({ n: 1 });
    expect(heard).toEqual([{ n: 1 }]);
  });

  it('carries binary payloads', async () => {
    const realtime = await testRealtime();
    const received: ArrayBuffer[] = [];
    const b = renderHook(
      () => {
        useBroadcast<ArrayBuffer>('bytes', 'chunk', { onMessage: (p) => received.push(p) });
        return useChannelStatus('bytes').phase;
      },
      { wrapper: provider(await realtime.user('b')) },
    );
    const a = renderHook(
      () => ({
        status: useChannelStatus('bytes').phase,
        ...useBroadcast<ArrayBuffer>('bytes', 'chunk'),
      }),
      { wrapper: provider(await realtime.user('a')) },
    );
    await waitFor(() => expect(a.result.current.status).toBe('joined'));
    await waitFor(() => expect(b.result.current).toBe('joined'));
    await a.result.current.send(new Uint8Array([1, 2, 255]).buffer);
    await waitFor(() => expect(received).toHaveLength(1));
    expect([...new Uint8Array(received[0] ?? new ArrayBuffer(0))]).toEqual([1, 2, 255]);
  });

  it('delivers to its own listeners only with self', async () => {
    const realtime = await testRealtime();
    const own: unknown[] = [];
    const silent: unknown[] = [];
    const { result } = renderHook(
      () => {
        useBroadcast('chat', 'message', { onMessage: (p) => silent.push(p) });
        return {
          status: useChannelStatus('chat').phase,
          ...useBroadcast('chat', 'message', { self: true, onMessage: (p) => own.push(p) }),
        };
      },
      { wrapper: provider(await realtime.user('a')) },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await result.current.send({ n: 1 });
    await waitFor(() => expect(own).toEqual([{ n: 1 }]));
    // The same frame reaches both listeners, if it reaches either: none of it is still coming.
    await sleep(100);
    expect(silent).toEqual([]);
  });

  it('drops a payload that fails the room schema, with a development warning', async () => {
    const realtime = await testRealtime();
    const room = defineRoom<{ events: { message: { text: string } } }>('typed', {
      validate: { events: { message: z.object({ text: z.string() }) } },
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const received: unknown[] = [];
    const b = renderHook(
      () => {
        useBroadcast(room, 'message', { onMessage: (p) => received.push(p) });
        return useChannelStatus(room).phase;
      },
      { wrapper: provider(await realtime.user('b')) },
    );
    const a = renderHook(
      () => ({
        status: useChannelStatus('typed').phase,
        ...useBroadcast<unknown>('typed', 'message'),
      }),
      { wrapper: provider(await realtime.user('a')) },
    );
    await waitFor(() => expect(a.result.current.status).toBe('joined'));
    await waitFor(() => expect(b.result.current).toBe('joined'));
    await a.result.current.send({ text: 42 });
    await a.result.current.send({ text: 'valid' });
    await waitFor(() => expect(received).toEqual([{ text: 'valid' }]));
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('failed validation'),
      expect.anything(),
    );
    warn.mockRestore();
  });

  it('keeps delivering to one component when another on the same room unmounts', async () => {
    const realtime = await testRealtime();
    const first: unknown[] = [];
    const second: unknown[] = [];
    function First() {
      useBroadcast('room', 'tick', { onMessage: (p) => first.push(p) });
      return null;
    }
    function Second() {
      useBroadcast('room', 'tick', { onMessage: (p) => second.push(p) });
      return null;
    }
    function Page() {
      const [showFirst, setShowFirst] = useState(true);
      const status = useChannelStatus('room').phase;
      return (
        <>
          <button onClick={() => setShowFirst(false)}>hide</button>
          <span data-testid="status">{status}</span>
          {showFirst && <First />}
          <Second />
        </>
      );
    }
    const b = render(<Page />, { wrapper: provider(await realtime.user('b')) });
    const a = renderHook(
      () => ({ status: useChannelStatus('room').phase, ...useBroadcast('room', 'tick') }),
      { wrapper: provider(await realtime.user('a')) },
    );
    await waitFor(() => expect(b.getByTestId('status').textContent).toBe('joined'));
    await waitFor(() => expect(a.result.current.status).toBe('joined'));
    await a.result.current.send(1);
    await waitFor(() => expect(second).toEqual([1]));
    act(() => b.getByText('hide').click());
    await sleep(1200); // past the linger, so a wrongly released channel would be gone
    await a.result.current.send(2);
    await waitFor(() => expect(second).toEqual([1, 2]));
    expect(first).toEqual([1]);
    expect(b.getByTestId('status').textContent).toBe('joined');
  });

  it('does not render a component listening to x when y arrives', async () => {
    const realtime = await testRealtime();
    let renders = 0;
    function ListensToX() {
      const [last, setLast] = useState<unknown>(null);
      useBroadcast('events', 'x', { onMessage: setLast });
      renders++;
      return <span data-testid="x">{JSON.stringify(last)}</span>;
    }
    const b = render(
      <StrictMode>
        <ListensToX />
      </StrictMode>,
      { wrapper: provider(await realtime.user('b')) },
    );
    const a = renderHook(
      () => ({
        status: useChannelStatus('events').phase,
        x: useBroadcast('events', 'x'),
        y: useBroadcast('events', 'y'),
      }),
      { wrapper: provider(await realtime.user('a')) },
    );
    await waitFor(() => expect(a.result.current.status).toBe('joined'));
    await sleep(100);
    const before = renders;
    for (let i = 0; i < 5; i++) await a.result.current.y.send(i);
    await a.result.current.x.send('hello');
    await waitFor(() => expect(b.getByTestId('x').textContent).toBe('"hello"'));
    // One render (twice in StrictMode) for x; none for the five y's.
    expect(renders - before).toBe(2);
  });
});
