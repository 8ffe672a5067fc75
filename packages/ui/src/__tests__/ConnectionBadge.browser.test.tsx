import { jitteredBackoff, useConnectionStatus } from '@roomkit/react';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { cleanup, render } from '@testing-library/react';
import { createRef, useEffect } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import { ConnectionBadge } from '../ConnectionBadge';
import { axeViolations, clientFor, closeClients, Side, uuid } from './helpers';

const fastClients: SupabaseClient[] = [];

afterEach(async () => {
  cleanup();
  await closeClients();
  await Promise.all(fastClients.splice(0).map((client) => client.removeAllChannels()));
});

/** A real client whose heartbeat (and so its measured latency) comes every 200 ms, not 25 s. */
async function fastHeartbeatClient(id: string): Promise<SupabaseClient> {
  const { url, anonKey } = await commands.realtimeInfo();
  const token = await commands.realtimeToken(id);
  const client = createClient(url, anonKey, {
    accessToken: async () => token,
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `rk-badge-${uuid()}` },
    realtime: {
      heartbeatIntervalMs: 200,
      reconnectAfterMs: jitteredBackoff({ initialMs: 100, maxMs: 500 }),
    },
  });
  fastClients.push(client);
  return client;
}

describe('ConnectionBadge', () => {
  it('shows open, then reconnecting only after a drop outlasts the delay', async () => {
    const ann = { id: uuid(), name: 'Ann' };
    const a = await clientFor(ann.id);
    render(
      <Side client={a}>
        {/* A joined channel opens the socket. */}
        <Chat room={`status-${uuid()}`} user={ann} />
        <ConnectionBadge delayMs={300} data-testid="status" />
      </Side>,
    );
    const status = page.getByTestId('status');
    await expect.element(status).toHaveAttribute('data-state', 'open');
    expect(await axeViolations(status.element())).toEqual([]);
    await commands.realtimeStop();
    try {
      await expect
        .element(status, { timeout: 10_000 })
        .toHaveAttribute('data-state', 'reconnecting');
    } finally {
      await commands.realtimeStart();
    }
    await expect.element(status, { timeout: 10_000 }).toHaveAttribute('data-state', 'open');
  });

  it('says idle, not connecting, while no channel needs the socket', async () => {
    const a = await clientFor(uuid());
    render(
      <Side client={a}>
        <ConnectionBadge delayMs={0} data-testid="idle-status" />
      </Side>,
    );
    const status = page.getByTestId('idle-status');
    await expect.element(status).toHaveAttribute('data-state', 'idle');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(status.element().getAttribute('data-state')).toBe('idle');
    expect(status.element().textContent).toBe('Idle');
  });

  it('goes from connecting to open, and shows nothing of a drop shorter than the delay', async () => {
    const ann = { id: uuid(), name: 'Ann' };
    const a = await clientFor(ann.id);
    const socket: string[] = [];
    /** Records what the socket really did, which the badge hides during a blip. */
    function SocketLog() {
      const { status } = useConnectionStatus();
      useEffect(() => void socket.push(status), [status]);
      return null;
    }
    render(
      <Side client={a}>
        <SocketLog />
        <Chat room={`status-${uuid()}`} user={ann} />
        <ConnectionBadge delayMs={15_000} data-testid="blip-status" />
      </Side>,
    );
    const badge = page.getByTestId('blip-status').element();
    const shown = [badge.getAttribute('data-state')];
    const observer = new MutationObserver(() => shown.push(badge.getAttribute('data-state')));
    observer.observe(badge, { attributes: true, attributeFilter: ['data-state'] });
    try {
      await expect.poll(() => shown.at(-1)).toBe('open');
      expect(shown).toEqual(['connecting', 'open']);

      const dropAt = socket.length;
      await commands.realtimeStop();
      await commands.realtimeStart();
      await expect.poll(() => socket.slice(dropAt), { timeout: 10_000 }).toContain('reconnecting');
      await expect.poll(() => socket.at(-1), { timeout: 10_000 }).toBe('open');
      expect(shown).toEqual(['connecting', 'open']);
    } finally {
      observer.disconnect();
    }
  });

  it('shows the heartbeat latency while open, in translated labels, and hides it without showLatency', async () => {
    const ann = { id: uuid(), name: 'Ann' };
    const a = await fastHeartbeatClient(ann.id);
    const labels = {
      idle: 'Ruhig',
      connecting: 'Verbindet',
      open: 'Verbunden',
      reconnecting: 'Verbindet neu',
    };
    render(
      <Side client={a}>
        <ConnectionBadge labels={labels} data-testid="latency" />
        <ConnectionBadge labels={{ open: 'Verbunden' }} showLatency={false} data-testid="plain" />
      </Side>,
    );
    const badge = page.getByTestId('latency');
    await expect.element(badge).toHaveTextContent(/^Ruhig$/);
    // A joined channel opens the socket.
    render(
      <Side client={a}>
        <Chat room={`status-${uuid()}`} user={ann} />
      </Side>,
    );
    await expect.element(badge, { timeout: 10_000 }).toHaveTextContent(/^Verbunden · \d+ ms$/);
    // The same socket has a latency by now; this badge leaves it out.
    expect(page.getByTestId('plain').element().textContent).toBe('Verbunden');
    await expect.element(page.getByTestId('plain')).toHaveAttribute('data-state', 'open');
  });

  it('merges className last and forwards its ref to the element', async () => {
    const a = await clientFor(uuid());
    const ref = createRef<HTMLSpanElement>();
    render(
      <Side client={a}>
        <ConnectionBadge ref={ref} className="mine" />
      </Side>,
    );
    await expect.poll(() => ref.current?.dataset.slot).toBe('connection-badge');
    expect(ref.current?.className).toBe('rk-root rk-connection-badge mine');
    expect(ref.current?.getAttribute('role')).toBe('status');
  });
});
