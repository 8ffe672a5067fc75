// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { act, create, type ReactTestRenderer } from 'react-test-renderer';
import { afterEach, describe, expect, it } from 'vitest';
import type { PageLifecycle } from '../core/pageLifecycle';
import { RealtimeProvider } from '../RealtimeProvider';
import { startTestRealtime, type TestRealtime } from '../testing';
import { useBroadcast } from '../useBroadcast';
import { useChannelStatus } from '../useChannelStatus';
import { useConnectionStatus } from '../useConnectionStatus';
import { useLostConnectionListener } from '../useLostConnectionListener';
import { usePostgresChanges } from '../usePostgresChanges';
import { usePresence } from '../usePresence';
import { usePresenceSelector } from '../usePresenceSelector';

// React outside a browser: Node with no DOM at all (no jsdom), as on a server, in a worker or in
// React Native. react-test-renderer mounts without a DOM, so effects run here as they would there.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function server(): Promise<TestRealtime> {
  const realtime = await startTestRealtime();
  stops.push(() => realtime.stop());
  return realtime;
}

/** Waits until `check` passes, re-trying every 20 ms for up to `ms`. */
async function until(check: () => void, ms = 10_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() - started > ms) throw error;
      await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    }
  }
}

/** A lifecycle the test drives, as a React Native app drives one from AppState. */
function manualLifecycle() {
  const listeners = new Set<() => void>();
  const lifecycle: PageLifecycle = {
    onHide(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return { lifecycle, hide: () => listeners.forEach((listener) => listener()), listeners };
}

function Everything({ name }: { name: string }) {
  const { status } = useConnectionStatus();
  useLostConnectionListener({ onLost: () => undefined });
  const { phase } = useChannelStatus('native');
  useBroadcast('native', 'ping', { onMessage: () => undefined });
  const { users } = usePresence('native', { key: name, state: { name } });
  const count = usePresenceSelector('native', (list) => list.length);
  usePostgresChanges({ table: 'none', room: 'native-db' });
  // Users keep the order they arrived in, and which of two apps mounted together joins first is
  // up to the network: the test reads the keys sorted.
  const keys = users.map((user) => user.key).sort();
  return `${status} ${phase} ${keys.join(',')} ${count}`;
}

describe('runtimes without a DOM', () => {
  it('has no window or document here', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
  });

  it('renders every hook on the server with the same output, connecting nothing', async () => {
    const realtime = await server();
    const client = await realtime.user('ssr');
    const html = renderToString(
      <RealtimeProvider client={client}>
        <Everything name="ssr" />
      </RealtimeProvider>,
    );
    expect(html).toBe('idle idle  0');
    expect(realtime.server.stats.connectionsOpened).toBe(0);
  });

  it('mounts the provider and hooks, joins, shows presence and leaves it on the adapter signal', async () => {
    const realtime = await server();
    const ann = manualLifecycle();
    const bob = manualLifecycle();
    const annClient = await realtime.user('ann');
    const bobClient = await realtime.user('bob');
    let annTree: ReactTestRenderer | undefined;
    let bobTree: ReactTestRenderer | undefined;
    await act(async () => {
      annTree = create(
        <RealtimeProvider client={annClient} lifecycle={ann.lifecycle}>
          <Everything name="ann" />
        </RealtimeProvider>,
      );
      bobTree = create(
        <RealtimeProvider client={bobClient} lifecycle={bob.lifecycle}>
          <Everything name="bob" />
        </RealtimeProvider>,
      );
    });
    await until(() => expect(bobTree?.toJSON()).toBe('open joined ann,bob 2'));
    expect(ann.listeners.size).toBe(1);
    // Ann's app goes to the background: she leaves presence at once, her socket still open.
    act(() => ann.hide());
    // Bob's list keeps a user who left for the presence grace period (5 s) before dropping them.
    await until(() => expect(bobTree?.toJSON()).toBe('open joined bob 1'), 12_000);
    await act(async () => {
      annTree?.unmount();
      bobTree?.unmount();
    });
    expect(ann.listeners.size).toBe(0);
  }, 20_000);
});
