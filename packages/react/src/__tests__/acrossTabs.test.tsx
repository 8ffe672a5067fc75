import { renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { acrossTabs, canShareAcrossTabs } from '../acrossTabs';
import { useBroadcast } from '../useBroadcast';
import { useChannelStatus } from '../useChannelStatus';
import { useTabLeader } from '../useTabLeader';
import { provider, testRealtime } from './helpers';

// jsdom has no Web Locks: the fallback. Sharing itself runs in Chromium (acrossTabs.browser.test.ts).

describe('acrossTabs', () => {
  it('falls back to a connection per tab where the browser has no Web Locks', async () => {
    expect(canShareAcrossTabs()).toBe(false);
    const realtime = await testRealtime();
    const received: unknown[] = [];
    const a = renderHook(
      () => ({
        role: useTabLeader(),
        status: useChannelStatus('chat').phase,
        ...useBroadcast<{ text: string }>('chat', 'message'),
      }),
      { wrapper: provider(await realtime.user('a'), { shareConnection: acrossTabs }) },
    );
    const b = renderHook(
      () => {
        useBroadcast<{ text: string }>('chat', 'message', { onMessage: (p) => received.push(p) });
        return useChannelStatus('chat').phase;
      },
      { wrapper: provider(await realtime.user('b'), { shareConnection: acrossTabs }) },
    );
    expect(a.result.current.role).toBe('unshared');
    await waitFor(() => expect(a.result.current.status).toBe('joined'));
    await waitFor(() => expect(b.result.current).toBe('joined'));
    await expect(a.result.current.send({ text: 'hi' })).resolves.toBe('ok');
    await waitFor(() => expect(received).toEqual([{ text: 'hi' }]));
  });

  it('reports unshared from useTabLeader under a provider that does not share', async () => {
    const realtime = await testRealtime();
    const { result } = renderHook(() => useTabLeader(), {
      wrapper: provider(await realtime.user('a')),
    });
    expect(result.current).toBe('unshared');
  });

  it('names both sides when useTabLeader has no provider', () => {
    expect(() => renderHook(() => useTabLeader())).toThrow(
      '`useTabLeader` must be used within `<RealtimeProvider>`',
    );
  });
});
