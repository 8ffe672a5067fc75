import { act, render, renderHook, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { RealtimeChannel } from '@supabase/supabase-js';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineRoom } from '../defineRoom';
import { useChannelStatus } from '../useChannelStatus';
import { usePresence } from '../usePresence';
import { usePresenceSelector } from '../usePresenceSelector';
import { provider, sleep, testRealtime } from './helpers';

type Me = { name: string; x?: number };

describe('usePresence', () => {
  it('shows B the user A tracks, with their state', async () => {
    const realtime = await testRealtime();
    renderHook(() => usePresence<Me>('doc', { key: 'alice', state: { name: 'Alice' } }), {
      wrapper: provider(await realtime.user('alice')),
    });
    const b = renderHook(() => usePresence<Me>('doc', { key: 'bob', state: { name: 'Bob' } }), {
      wrapper: provider(await realtime.user('bob')),
    });
    await waitFor(() => expect(b.result.current.others).toHaveLength(1));
    expect(b.result.current.others[0]).toEqual({
      key: 'alice',
      state: { name: 'Alice' },
      connections: 1,
    });
    await waitFor(() => expect(b.result.current.me?.state).toEqual({ name: 'Bob' }));
    expect(b.result.current.users.map((user) => user.key).sort()).toEqual(['alice', 'bob']);
  });

  it("merges every consumer of a room into one person with everyone's fields", async () => {
    const realtime = await testRealtime();
    const a = renderHook(
      () => {
        const app = usePresence('board', { key: 'alice', state: { name: 'Alice' } });
        usePresence('board', { key: 'alice', state: { color: 'teal' } });
        return app;
      },
      { wrapper: provider(await realtime.user('alice')) },
    );
    const b = renderHook(() => usePresence('board', { key: 'bob', state: { name: 'Bob' } }), {
      wrapper: provider(await realtime.user('bob')),
    });
    await waitFor(() =>
      expect(b.result.current.others).toEqual([
        { key: 'alice', state: { name: 'Alice', color: 'teal' }, connections: 1 },
      ]),
    );
    // One consumer's update changes only its own fields.
    act(() => a.result.current.update({ name: 'Alice A.' }));
    await waitFor(() =>
      expect(b.result.current.others[0]?.state).toEqual({ name: 'Alice A.', color: 'teal' }),
    );
  });

  it("drops a consumer's fields when it unmounts, keeping the others'", async () => {
    const realtime = await testRealtime();
    const Alice = provider(await realtime.user('alice'));
    function Name() {
      usePresence('board', { key: 'alice', state: { name: 'Alice' } });
      return null;
    }
    function Badge() {
      usePresence('board', { key: 'alice', state: { badge: 'star' } });
      return null;
    }
    const page = (badge: boolean) => (
      <Alice>
        <Name />
        {badge ? <Badge /> : null}
      </Alice>
    );
    const { rerender } = render(page(true));
    const b = renderHook(() => usePresence('board', { key: 'bob' }), {
      wrapper: provider(await realtime.user('bob')),
    });
    await waitFor(() =>
      expect(b.result.current.others[0]?.state).toEqual({ name: 'Alice', badge: 'star' }),
    );
    rerender(page(false));
    await waitFor(() => expect(b.result.current.others[0]?.state).toEqual({ name: 'Alice' }));
  });

  it("keeps the room's channel snapshot the same object while presence changes", async () => {
    const realtime = await testRealtime();
    const a = renderHook(
      () => ({
        channel: useChannelStatus('snap'),
        ...usePresence<Me>('snap', { key: 'alice', state: { name: 'Alice' } }),
      }),
      { wrapper: provider(await realtime.user('alice')) },
    );
    await waitFor(() => expect(a.result.current.channel.phase).toBe('joined'));
    const joined = a.result.current.channel;
    expect(joined).toEqual({ phase: 'joined', reason: null, since: expect.any(Number) });
    renderHook(() => usePresence<Me>('snap', { key: 'bob', state: { name: 'Bob' } }), {
      wrapper: provider(await realtime.user('bob')),
    });
    await waitFor(() => expect(a.result.current.others).toHaveLength(1));
    expect(a.result.current.channel).toBe(joined);
  });

  it('shows one user with two connections for two tabs of one key', async () => {
    const realtime = await testRealtime();
    for (const tab of [1, 2]) {
      renderHook(() => usePresence<Me>('doc', { key: 'alice', state: { name: `tab ${tab}` } }), {
        wrapper: provider(await realtime.user('alice')),
      });
    }
    const b = renderHook(() => usePresence<Me>('doc', { key: 'bob' }), {
      wrapper: provider(await realtime.user('bob')),
    });
    await waitFor(() => expect(b.result.current.others[0]?.connections).toBe(2));
    expect(b.result.current.others).toHaveLength(1);
    expect(b.result.current.others[0]?.key).toBe('alice');
  });

  it('keeps the result the same object across renders when nobody changed', async () => {
    const realtime = await testRealtime();
    const { result, rerender } = renderHook(
      () => usePresence<Me>('doc', { key: 'alice', state: { name: 'Alice' } }),
      { wrapper: provider(await realtime.user('alice')) },
    );
    await waitFor(() => expect(result.current.me).toBeDefined());
    const first = result.current;
    rerender();
    expect(result.current).toBe(first);
    expect(result.current.update).toBe(first.update);
  });

  it('stays within the presence limit when update is called 100 times in a second', async () => {
    const limit = { maxCalls: 5, windowMs: 3000 };
    const realtime = await testRealtime({
      limits: { clientPresenceMaxCalls: limit.maxCalls, presenceWindowMs: limit.windowMs },
    });
    const a = renderHook(
      () => ({
        status: useChannelStatus('canvas').phase,
        ...usePresence<Me>('canvas', { key: 'alice', state: { name: 'A', x: 0 } }),
      }),
      { wrapper: provider(await realtime.user('alice'), { presenceLimit: limit }) },
    );
    const b = renderHook(() => usePresence<Me>('canvas', { key: 'bob' }), {
      wrapper: provider(await realtime.user('bob'), { presenceLimit: limit }),
    });
    await waitFor(() => expect(a.result.current.status).toBe('joined'));
    const statuses = new Set<string>();
    for (let x = 1; x <= 100; x++) {
      act(() => a.result.current.update({ name: 'A', x }));
      statuses.add(a.result.current.status);
      await sleep(10);
    }
    await waitFor(() => expect(b.result.current.others[0]?.state.x).toBe(100), { timeout: 10_000 });
    await sleep(limit.windowMs);
    // The server closes a channel that goes over the limit; this one never left 'joined'.
    expect([...statuses]).toEqual(['joined']);
    expect(a.result.current.status).toBe('joined');
    expect(realtime.server.stats.joins).toBe(2);
  });

  it('keeps a user who dropped for the grace period, then removes them', async () => {
    const realtime = await testRealtime();
    function Alice() {
      usePresence<Me>('doc', { key: 'alice', state: { name: 'Alice' } });
      return null;
    }
    function Page() {
      const [shown, setShown] = useState(true);
      return (
        <>
          <button onClick={() => setShown(false)}>leave</button>
          {shown && <Alice />}
        </>
      );
    }
    const a = render(<Page />, {
      wrapper: provider(await realtime.user('alice'), { lingerMs: 0 }),
    });
    const b = renderHook(() => usePresence<Me>('doc', { key: 'bob' }), {
      wrapper: provider(await realtime.user('bob'), { presenceGraceMs: 800 }),
    });
    await waitFor(() => expect(b.result.current.others).toHaveLength(1));
    const alice = b.result.current.others[0];
    const left = Date.now();
    act(() => a.getByText('leave').click());
    await sleep(400);
    expect(b.result.current.others[0]).toBe(alice);
    await waitFor(() => expect(b.result.current.others).toHaveLength(0));
    expect(Date.now() - left).toBeGreaterThanOrEqual(800);
  });

  it('does not flicker a user across a reconnect shorter than the grace period', async () => {
    const realtime = await testRealtime();
    renderHook(() => usePresence<Me>('doc', { key: 'alice', state: { name: 'Alice' } }), {
      wrapper: provider(await realtime.user('alice')),
    });
    let seen: number[] = [];
    const b = renderHook(
      () => {
        const result = usePresence<Me>('doc', { key: 'bob' });
        seen.push(result.others.length);
        return result;
      },
      { wrapper: provider(await realtime.user('bob')) },
    );
    await waitFor(() => expect(b.result.current.others).toHaveLength(1));
    seen = [];
    realtime.server.disconnectAll();
    await sleep(1500);
    expect(b.result.current.others).toHaveLength(1);
    expect(seen).not.toContain(0);
  });
});

describe('usePresence with a room presence schema', () => {
  const board = defineRoom<{ presence: { name: string } }>('board', {
    validate: { presence: z.object({ name: z.string() }) },
  });

  it('does not list a user whose state fails the schema until they send a valid one', async () => {
    const realtime = await testRealtime();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // Alice's client has no schema: nothing stops her from sending a bad state.
    const alice = renderHook(
      () => usePresence<{ name: unknown }>('board', { key: 'alice', state: { name: 42 } }),
      { wrapper: provider(await realtime.user('alice')) },
    );
    renderHook(() => usePresence('board', { key: 'carol', state: { name: 'Carol' } }), {
      wrapper: provider(await realtime.user('carol')),
    });
    const b = renderHook(() => usePresence(board, { key: 'bob' }), {
      wrapper: provider(await realtime.user('bob')),
    });
    await waitFor(() => expect(b.result.current.others.map((user) => user.key)).toEqual(['carol']));
    await waitFor(() => expect(alice.result.current.others).toHaveLength(1));
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('presence state of "alice" that failed validation'),
      expect.anything(),
    );
    expect(b.result.current.others.map((user) => user.key)).toEqual(['carol']);
    act(() => alice.result.current.update({ name: 'Alice' }));
    await waitFor(() => expect(b.result.current.others).toHaveLength(2));
    expect(b.result.current.others.find((user) => user.key === 'alice')?.state).toEqual({
      name: 'Alice',
    });
    warn.mockRestore();
  });

  it('keeps the last valid state of a user who then sends an invalid one', async () => {
    const realtime = await testRealtime();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const dave = renderHook(
      () => usePresence<{ name: unknown }>('board', { key: 'dave', state: { name: 'Dave' } }),
      { wrapper: provider(await realtime.user('dave')) },
    );
    const b = renderHook(() => usePresence(board, { key: 'bob' }), {
      wrapper: provider(await realtime.user('bob')),
    });
    await waitFor(() => expect(b.result.current.others[0]?.state).toEqual({ name: 'Dave' }));
    const valid = b.result.current.others[0];
    act(() => dave.result.current.update({ name: null }));
    await waitFor(() =>
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('presence state of "dave" that failed validation'),
        expect.anything(),
      ),
    );
    // The bad state reached Bob's client and was dropped there.
    expect(b.result.current.others).toHaveLength(1);
    expect(b.result.current.others[0]).toBe(valid);
    warn.mockRestore();
  });

  it('shows the schema’s output and keeps each user the same object while they do not change', async () => {
    const realtime = await testRealtime();
    const styled = defineRoom<{ presence: { name: string; color: string; x?: number } }>('board', {
      validate: {
        presence: z.object({
          name: z.string(),
          color: z.string().default('gray'),
          x: z.number().optional(),
        }),
      },
    });
    renderHook(() => usePresence('board', { key: 'erin', state: { name: 'Erin' } }), {
      wrapper: provider(await realtime.user('erin')),
    });
    const carol = renderHook(
      () => usePresence('board', { key: 'carol', state: { name: 'Carol', x: 0 } }),
      { wrapper: provider(await realtime.user('carol')) },
    );
    const b = renderHook(() => usePresence(styled, { key: 'bob' }), {
      wrapper: provider(await realtime.user('bob')),
    });
    await waitFor(() => expect(b.result.current.others).toHaveLength(2));
    const erin = b.result.current.others.find((user) => user.key === 'erin');
    expect(erin?.state).toEqual({ name: 'Erin', color: 'gray' });
    act(() => carol.result.current.update({ name: 'Carol', x: 5 }));
    await waitFor(() =>
      expect(b.result.current.others.find((user) => user.key === 'carol')?.state).toEqual({
        name: 'Carol',
        color: 'gray',
        x: 5,
      }),
    );
    // Erin's raw state did not change, so the sync that brought Carol's kept Erin as she was.
    expect(b.result.current.others.find((user) => user.key === 'erin')).toBe(erin);
  });
});

describe('usePresence on pagehide', () => {
  it('untracks before the client closes its socket, so others see the tab leave at once', async () => {
    const realtime = await testRealtime();
    const alice = renderHook(
      () => usePresence<Me>('doc', { key: 'alice', state: { name: 'Alice' } }),
      {
        wrapper: provider(await realtime.user('alice')),
      },
    );
    await waitFor(() => expect(alice.result.current.me).toBeDefined());
    const untrack = vi.spyOn(RealtimeChannel.prototype, 'untrack');
    const opened = realtime.server.stats.connectionsOpened;
    window.dispatchEvent(new Event('pagehide'));
    expect(untrack).toHaveBeenCalledTimes(1);
    untrack.mockRestore();
    // A newcomer (its socket opened after the page hid) finds nobody in the room.
    const bob = renderHook(() => usePresence<Me>('doc', { key: 'bob', state: { name: 'Bob' } }), {
      wrapper: provider(await realtime.user('bob')),
    });
    await waitFor(() => expect(bob.result.current.me).toBeDefined());
    expect(realtime.server.stats.connectionsOpened).toBeGreaterThan(opened);
    expect(bob.result.current.others).toEqual([]);
  });
});

describe('usePresenceSelector', () => {
  it('does not render when another user moves', async () => {
    const realtime = await testRealtime();
    const alice = renderHook(
      () => usePresence<Me>('doc', { key: 'alice', state: { name: 'Alice', x: 0 } }),
      {
        wrapper: provider(await realtime.user('alice')),
      },
    );
    const carol = renderHook(
      () => usePresence<Me>('doc', { key: 'carol', state: { name: 'Carol', x: 0 } }),
      {
        wrapper: provider(await realtime.user('carol')),
      },
    );
    let renders = 0;
    const b = renderHook(
      () => {
        renders++;
        return usePresenceSelector('doc', (users: readonly { key: string; state: Me }[]) =>
          users.find((user) => user.key === 'alice'),
        );
      },
      { wrapper: provider(await realtime.user('bob')) },
    );
    await waitFor(() => expect(b.result.current?.state.x).toBe(0));
    await sleep(300);
    const selected = b.result.current;
    const before = renders;
    act(() => carol.result.current.update({ name: 'Carol', x: 5 }));
    await sleep(300);
    expect(renders).toBe(before);
    expect(b.result.current).toBe(selected);
    act(() => alice.result.current.update({ name: 'Alice', x: 9 }));
    await waitFor(() => expect(b.result.current?.state.x).toBe(9));
    expect(renders).toBe(before + 1);
  });

  it('renders only when isEqual says the selection changed, keeping the first equal result', async () => {
    const realtime = await testRealtime();
    const alice = renderHook(
      () => usePresence<Me>('doc', { key: 'alice', state: { name: 'Alice', x: 0 } }),
      { wrapper: provider(await realtime.user('alice')) },
    );
    let renders = 0;
    const b = renderHook(
      () => {
        renders++;
        // A new array on every call: only isEqual keeps it from rendering on each presence sync.
        return usePresenceSelector('doc', (users) => users.map((user) => user.key).sort(), {
          isEqual: (a, b) => a.join() === b.join(),
        });
      },
      { wrapper: provider(await realtime.user('bob')) },
    );
    await waitFor(() => expect(b.result.current).toEqual(['alice']));
    await sleep(300);
    const selected = b.result.current;
    const before = renders;
    act(() => alice.result.current.update({ name: 'Alice', x: 5 }));
    await sleep(500);
    expect(renders).toBe(before);
    expect(b.result.current).toBe(selected);
    renderHook(() => usePresence<Me>('doc', { key: 'carol', state: { name: 'Carol' } }), {
      wrapper: provider(await realtime.user('carol')),
    });
    await waitFor(() => expect(b.result.current).toEqual(['alice', 'carol']));
    expect(renders).toBe(before + 1);
  });

  it('reads the private room of that name with private, not the public one', async () => {
    const realtime = await testRealtime();
    renderHook(
      () => usePresence<Me>('doc', { key: 'alice', state: { name: 'Alice' }, private: true }),
      { wrapper: provider(await realtime.user('alice')) },
    );
    renderHook(() => usePresence<Me>('doc', { key: 'carol', state: { name: 'Carol' } }), {
      wrapper: provider(await realtime.user('carol')),
    });
    const secret = renderHook(
      () => ({
        keys: usePresenceSelector('doc', (users) => users.map((user) => user.key).join(), {
          private: true,
        }),
        status: useChannelStatus('doc', { private: true }).phase,
      }),
      { wrapper: provider(await realtime.user('bob')) },
    );
    const open = renderHook(
      () => usePresenceSelector('doc', (users) => users.map((user) => user.key).join()),
      { wrapper: provider(await realtime.user('dave')) },
    );
    await waitFor(() => expect(secret.result.current.keys).toBe('alice'));
    await waitFor(() => expect(open.result.current).toBe('carol'));
    expect(secret.result.current).toEqual({ keys: 'alice', status: 'joined' });
  });
});
