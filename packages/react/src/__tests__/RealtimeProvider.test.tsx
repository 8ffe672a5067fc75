import { render, renderHook, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RealtimeProvider } from '../RealtimeProvider';
import { useBroadcast } from '../useBroadcast';
import { useChannelStatus } from '../useChannelStatus';
import { useConnectionStatus } from '../useConnectionStatus';
import { usePostgresChanges } from '../usePostgresChanges';
import { usePresence } from '../usePresence';
import { usePresenceSelector } from '../usePresenceSelector';
import { provider, sleep, testRealtime } from './helpers';

function Cursor({ id }: { id: number }) {
  useBroadcast('board', `cursor-${id}`, { onMessage: () => {} });
  return null;
}
function Avatars() {
  usePresence('board', { key: 'alice', state: { name: 'Alice' } });
  return null;
}
function Count() {
  const count = usePresenceSelector('board', (users) => users.length);
  return <span>{count}</span>;
}
function Status() {
  return <span data-testid="status">{useChannelStatus('board').phase}</span>;
}
function Board() {
  return (
    <>
      <Cursor id={1} />
      <Cursor id={2} />
      <Avatars />
      <Count />
      <Cursor id={3} />
      <Status />
    </>
  );
}

describe('RealtimeProvider', () => {
  it('joins once over one socket for five components on one room', async () => {
    const realtime = await testRealtime();
    const { getByTestId } = render(<Board />, { wrapper: provider(await realtime.user('alice')) });
    await waitFor(() => expect(getByTestId('status').textContent).toBe('joined'));
    await sleep(200);
    expect(realtime.server.stats.joins).toBe(1);
    expect(realtime.server.stats.connectionsOpened).toBe(1);
    expect(realtime.server.connectionCount()).toBe(1);
  });

  it('does not leak a join under StrictMode', async () => {
    const realtime = await testRealtime();
    const { getByTestId } = render(
      <StrictMode>
        <Board />
      </StrictMode>,
      { wrapper: provider(await realtime.user('alice')) },
    );
    await waitFor(() => expect(getByTestId('status').textContent).toBe('joined'));
    await sleep(200);
    expect(realtime.server.stats.joins).toBe(1);
    expect(realtime.server.connectionCount()).toBe(1);
  });

  it('leaves the channel after its last consumer unmounts and the linger passes', async () => {
    const realtime = await testRealtime();
    const client = await realtime.user('alice');
    const { getByTestId, rerender } = render(<Board />, {
      wrapper: provider(client, { lingerMs: 100 }),
    });
    await waitFor(() => expect(getByTestId('status').textContent).toBe('joined'));
    rerender(<Status />);
    await waitFor(() => expect(getByTestId('status').textContent).toBe('idle'));
    expect(client.getChannels()).toHaveLength(0);
  });

  it('throws one sentence naming the hook when the provider is missing', () => {
    const hooks: Record<string, () => unknown> = {
      useBroadcast: () => useBroadcast('room', 'event'),
      usePresence: () => usePresence('room', { key: 'k' }),
      useConnectionStatus: () => useConnectionStatus(),
      usePostgresChanges: () => usePostgresChanges({ table: 'todos' }),
    };
    const error = console.error;
    console.error = () => {};
    try {
      for (const [name, hook] of Object.entries(hooks)) {
        expect(() => renderHook(hook)).toThrow(
          `\`${name}\` must be used within \`<RealtimeProvider>\``,
        );
      }
    } finally {
      console.error = error;
    }
  });

  it('renders on the server with empty snapshots and no connection', async () => {
    const realtime = await testRealtime();
    const client = await realtime.user('alice');
    function Page() {
      const { status } = useConnectionStatus();
      const { users } = usePresence('board', { key: 'alice', state: { name: 'Alice' } });
      return (
        <p>
          {status} {useChannelStatus('board').phase} {users.length}
        </p>
      );
    }
    const html = renderToString(
      <RealtimeProvider client={client}>
        <Page />
      </RealtimeProvider>,
    );
    expect(html).toBe('<p>idle<!-- --> <!-- -->idle<!-- --> <!-- -->0</p>');
    await sleep(100);
    expect(realtime.server.stats.connectionsOpened).toBe(0);
  });
});
