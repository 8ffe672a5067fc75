import {
  RealtimeProvider,
  useBroadcast,
  useChannelStatus,
  useConnectionStatus,
} from '@roomkit/react';
import { acrossTabs, useTabLeader } from '@roomkit/react/tabs';
import { useRealtimeQuery } from '@roomkit/react/query';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { RoomkitDevtools, type RoomkitDevtoolsProps } from '../index';
import { axeViolations, clientFor, closeClients, Member, Roster, Side, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
});

/** The shadow root the panel lives in. */
const panelRoot = (): ShadowRoot => {
  const root = document.querySelector('[data-roomkit-devtools]')?.shadowRoot;
  if (!root) throw new Error('The devtools host has no shadow root.');
  return root;
};

/** The text of one cell of a public room's row in the Channels tab, by its slot. */
const cellOf = (room: string, slot: 'consumers' | 'joins') => () =>
  panelRoot().querySelector(`tr[data-room="public:${room}"] [data-slot="${slot}"]`)?.textContent;

/** Ann (with the devtools) and Bob in one room. */
async function twoUsers(devtools: RoomkitDevtoolsProps = {}) {
  const room = `dev-${uuid()}`;
  const ann = { id: `ann-${uuid()}`, name: 'Ann' };
  const bob = { id: `bob-${uuid()}`, name: 'Bob' };
  const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bob.id)]);
  render(
    <>
      <Side client={a}>
        <Member room={room} {...ann} />
        <RoomkitDevtools {...devtools} />
      </Side>
      <Side client={b}>
        <Member room={room} {...bob} />
      </Side>
    </>,
  );
  return { room, ann, bob, a, b };
}

describe('RoomkitDevtools', () => {
  it('opens from its button, moves focus to the first tab, and Escape closes it back to the button', async () => {
    await twoUsers();
    const toggle = page.getByRole('button', { name: 'Roomkit' });
    await expect.element(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle);
    const dialog = page.getByRole('dialog', { name: 'Roomkit devtools' });
    await expect.element(dialog).toBeVisible();
    await expect.element(toggle).toHaveAttribute('aria-expanded', 'true');
    // Focus inside a shadow root shows on the root; the document sees its host.
    await expect.poll(() => panelRoot().activeElement?.textContent).toBe('Connection');
    expect(await axeViolations(panelRoot().querySelector('.rkd') as Element)).toEqual([]);
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog).not.toBeInTheDocument();
    await expect.poll(() => panelRoot().activeElement).toBe(toggle.element());
  });

  it('passes axe on every tab while two users share a room', async () => {
    await twoUsers({ initialIsOpen: true });
    await expect
      .element(page.getByTestId('rkd-status'), { timeout: 10_000 })
      .toHaveAttribute('data-state', 'open');
    for (const tab of ['Connection', 'Channels', 'Presence', 'Events', 'Queries']) {
      await userEvent.click(page.getByRole('tab', { name: tab }));
      await expect
        .element(page.getByRole('tab', { name: tab }))
        .toHaveAttribute('aria-selected', 'true');
      expect(await axeViolations(panelRoot().querySelector('.rkd') as Element), tab).toEqual([]);
    }
  });

  it('starts open without taking focus when initialIsOpen is set', async () => {
    const input = document.createElement('input');
    input.setAttribute('aria-label', 'App field');
    document.body.append(input);
    try {
      input.focus();
      await twoUsers({ initialIsOpen: true, theme: 'dark', position: 'top-left' });
      const dialog = page.getByRole('dialog', { name: 'Roomkit devtools' });
      await expect.element(dialog).toBeVisible();
      await expect.element(dialog).toHaveAttribute('data-position', 'top-left');
      expect(panelRoot().querySelector('.rkd')?.getAttribute('data-theme')).toBe('dark');
      expect(document.activeElement).toBe(input);
    } finally {
      input.remove();
    }
  });

  it('keeps its styles in a shadow root, away from the app', async () => {
    await twoUsers({ initialIsOpen: true });
    const host = document.querySelector('[data-roomkit-devtools]');
    expect(host?.shadowRoot?.querySelector('style')?.textContent).toContain('.rkd-panel');
    expect(
      [...document.head.querySelectorAll('style')].some((s) =>
        s.textContent?.includes('.rkd-panel'),
      ),
    ).toBe(false);
  });

  it('shows the connection: status, latency once a heartbeat returns, and the token claims', async () => {
    const { ann } = await twoUsers({ initialIsOpen: true });
    await expect
      .element(page.getByTestId('rkd-status'), { timeout: 10_000 })
      .toHaveAttribute('data-state', 'open');
    await expect.element(page.getByText(ann.id)).toBeVisible();
    await expect.element(page.getByText('authenticated')).toBeVisible();
    await expect.element(page.getByText(/^\d+ ms$/), { timeout: 10_000 }).toBeVisible();
    await expect.element(page.getByText(/\(in \d/)).toBeVisible();
  });

  it('lists the room with its phase, privacy, bindings and one join', async () => {
    const { room } = await twoUsers({ initialIsOpen: true });
    await userEvent.click(page.getByRole('tab', { name: 'Channels' }));
    const row = page.getByRole('row').filter({ hasText: room });
    await expect.element(row.getByText('joined'), { timeout: 10_000 }).toBeVisible();
    await expect.element(row.getByText('public')).toBeVisible();
    await expect.element(row.getByText('broadcast *')).toBeVisible();
    await expect.element(row.getByText('presence sync')).toBeVisible();
    expect(cellOf(room, 'joins')()).toBe('1');
  });

  it('counts the consumers of a room: two components, then one when the other unmounts', async () => {
    const room = `dev-${uuid()}`;
    const a = await clientFor(`ann-${uuid()}`);
    /** One consumer of the room: a broadcast listener. */
    function Listener() {
      useBroadcast(room, 'wave');
      return null;
    }
    const app = (both: boolean) => (
      <Side client={a}>
        <Listener />
        {both && <Listener />}
        <RoomkitDevtools initialIsOpen />
      </Side>
    );
    const view = render(app(true));
    await userEvent.click(page.getByRole('tab', { name: 'Channels' }));
    const row = page.getByRole('row').filter({ hasText: room });
    await expect.element(row.getByText('joined'), { timeout: 10_000 }).toBeVisible();
    await expect.poll(cellOf(room, 'consumers')).toBe('2');
    view.rerender(app(false));
    await expect.poll(cellOf(room, 'consumers'), { timeout: 3000 }).toBe('1');
    await expect.element(row.getByText('joined')).toBeVisible();
  });

  it('counts the consumers in its own tab when the tab follows another tab’s connection', async () => {
    const room = `dev-${uuid()}`;
    const id = `ann-${uuid()}`;
    // Two tabs of Ann's in one page: each has its own client and shares the connection.
    const [first, second] = await Promise.all([clientFor(id), clientFor(id)]);
    /** One consumer of the room: a broadcast listener. */
    function Listener() {
      useBroadcast(room, 'wave');
      return null;
    }
    /** The tab's part in sharing, shown for the test. */
    function Role(props: { tab: string }) {
      return <output aria-label={`Role of ${props.tab}`}>{useTabLeader()}</output>;
    }
    const app = (listeners: number) => (
      <>
        <RealtimeProvider client={first} shareConnection={acrossTabs}>
          <Role tab="leader" />
          <Listener />
        </RealtimeProvider>
        {listeners > 0 && (
          <RealtimeProvider client={second} shareConnection={acrossTabs}>
            <Role tab="follower" />
            {Array.from({ length: listeners }, (_, i) => (
              <Listener key={i} />
            ))}
            <RoomkitDevtools initialIsOpen />
          </RealtimeProvider>
        )}
      </>
    );
    // The first tab leads before the second one opens.
    const view = render(app(0));
    await expect
      .element(page.getByRole('status', { name: 'Role of leader' }), { timeout: 10_000 })
      .toHaveTextContent('leading');
    view.rerender(app(2));
    await expect
      .element(page.getByRole('status', { name: 'Role of follower' }), { timeout: 10_000 })
      .toHaveTextContent('following');
    await userEvent.click(page.getByRole('tab', { name: 'Channels' }));
    const row = page.getByRole('row').filter({ hasText: room });
    await expect.element(row.getByText('joined'), { timeout: 10_000 }).toBeVisible();
    // This tab's two listeners, not the leader tab's one nor the three of them together.
    await expect.poll(cellOf(room, 'consumers')).toBe('2');
    view.rerender(app(1));
    await expect.poll(cellOf(room, 'consumers'), { timeout: 3000 }).toBe('1');
    await expect.element(row.getByText('joined')).toBeVisible();
  });

  it('shows both people in the room with their merged state', async () => {
    const { room, ann, bob } = await twoUsers({ initialIsOpen: true });
    await userEvent.click(page.getByRole('tab', { name: 'Presence' }));
    const section = page.getByRole('region', { name: `Presence in ${room}` });
    await expect.element(section.getByText('2 people'), { timeout: 10_000 }).toBeVisible();
    await expect.element(section.getByText(ann.id)).toBeVisible();
    await expect.element(section.getByText(bob.id)).toBeVisible();
    await expect.element(section.getByText(/"name": "Bob"/)).toBeVisible();
  });

  it("logs Bob's broadcast and the presence diffs, filters them, pauses and clears", async () => {
    const { room } = await twoUsers({ initialIsOpen: true });
    await userEvent.click(page.getByRole('tab', { name: 'Events' }));
    const events = page.getByRole('list', { name: 'Events' });
    await expect
      .element(events.getByText('presence_state').first(), { timeout: 10_000 })
      .toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Wave as Bob' }));
    const wave = events.getByRole('listitem').filter({ hasText: 'wave' });
    await expect.element(wave).toBeVisible();
    await expect.element(wave.getByText(room)).toBeVisible();
    await userEvent.click(wave.getByText('wave', { exact: true }));
    await expect.element(wave.getByText(/"from": "Bob"/)).toBeVisible();

    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Kind' }), 'broadcast');
    await expect.element(events.getByText('presence_state')).not.toBeInTheDocument();
    await expect.element(wave).toBeVisible();

    await userEvent.click(page.getByRole('button', { name: 'Pause' }));
    await expect
      .element(page.getByRole('button', { name: 'Pause' }))
      .toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(page.getByRole('button', { name: 'Wave as Bob' }));
    // Ann's app receives the second wave while her paused log stays as it was.
    await expect
      .element(page.getByRole('status', { name: 'Waves Ann received' }))
      .toHaveTextContent('2');
    expect(wave.elements()).toHaveLength(1);

    await userEvent.click(page.getByRole('button', { name: 'Clear' }));
    await expect.element(page.getByTestId('rkd-event-count')).toHaveTextContent('0 of 0');
  });

  it('keeps only the newest events up to its limit', async () => {
    await twoUsers({ initialIsOpen: true, eventLimit: 3 });
    await userEvent.click(page.getByRole('tab', { name: 'Events' }));
    for (let i = 0; i < 5; i++)
      await userEvent.click(page.getByRole('button', { name: 'Wave as Bob' }));
    await expect
      .element(page.getByTestId('rkd-event-count'), { timeout: 10_000 })
      .toHaveTextContent(/^3 of 3 \(\d+ older let go\)$/);
  });

  it('drops the connection, records the reconnect with its duration, and rejoins', async () => {
    await twoUsers({ initialIsOpen: true });
    await expect
      .element(page.getByTestId('rkd-status'), { timeout: 10_000 })
      .toHaveAttribute('data-state', 'open');
    await userEvent.click(page.getByRole('button', { name: 'Drop connection' }));
    const reconnects = page.getByRole('table', { name: 'Reconnects' });
    await expect.element(reconnects.getByText(/socket closed/), { timeout: 10_000 }).toBeVisible();
    await expect
      .element(reconnects.getByText(/^\d+(\.\d)? m?s$/), { timeout: 10_000 })
      .toBeVisible();
    await expect.element(page.getByTestId('rkd-status')).toHaveAttribute('data-state', 'open');
  });

  it('drops the socket from the server with the --dev endpoint', async () => {
    await twoUsers({ initialIsOpen: true });
    await expect
      .element(page.getByTestId('rkd-status'), { timeout: 10_000 })
      .toHaveAttribute('data-state', 'open');
    await userEvent.click(page.getByRole('button', { name: 'Drop on server (--dev)' }));
    await expect
      .element(page.getByText(/^The server dropped/))
      .toHaveTextContent('The server dropped 1 socket(s).');
    const reconnects = page.getByRole('table', { name: 'Reconnects' });
    await expect
      .element(reconnects.getByText(/^\d+(\.\d)? m?s$/), { timeout: 10_000 })
      .toBeVisible();
  });

  it("leaves a room: Ann's components see it left, Bob sees her go, and Rejoin brings her back", async () => {
    const room = `dev-${uuid()}`;
    /** What Ann's app shows of the room, as a status badge would. */
    function Badge() {
      const { phase, reason } = useChannelStatus(room);
      return <output aria-label="Ann's room">{`${phase} ${reason ?? ''}`.trim()}</output>;
    }
    const [a, b] = await Promise.all([clientFor(`ann-${uuid()}`), clientFor(`bob-${uuid()}`)]);
    render(
      <>
        <Side client={a}>
          <Member room={room} id="ann" name="Ann" />
          <Badge />
          <RoomkitDevtools initialIsOpen />
        </Side>
        <Side client={b} presenceGraceMs={0}>
          <Member room={room} id="bob" name="Bob" />
          <Roster room={room} label="Bob's room" />
        </Side>
      </>,
    );
    const roster = page.getByRole('status', { name: "Bob's room" });
    await expect.element(roster, { timeout: 10_000 }).toHaveTextContent('ann bob');
    await userEvent.click(page.getByRole('tab', { name: 'Channels' }));
    const row = page.getByRole('row').filter({ hasText: room });
    await expect.element(row.getByText('joined'), { timeout: 10_000 }).toBeVisible();

    await userEvent.click(row.getByRole('button', { name: `Leave ${room}` }));
    await expect
      .element(page.getByRole('status', { name: "Ann's room" }))
      .toHaveTextContent('errored left on request');
    await expect.element(row.getByText('errored')).toBeVisible();
    await expect.element(roster, { timeout: 10_000 }).toHaveTextContent('bob');
    await expect.element(row.getByRole('button', { name: `Leave ${room}` })).toBeDisabled();

    await userEvent.click(row.getByRole('button', { name: `Rejoin ${room}` }));
    await expect
      .element(page.getByRole('status', { name: "Ann's room" }), { timeout: 10_000 })
      .toHaveTextContent('joined');
    await expect.element(roster, { timeout: 10_000 }).toHaveTextContent('ann bob');
    await userEvent.click(page.getByRole('button', { name: 'Wave as Bob' }));
    await expect
      .element(page.getByRole('status', { name: 'Waves Ann received' }))
      .toHaveTextContent('1');
    await expect.poll(cellOf(room, 'joins')).toBe('2');
  });

  it('rejoins a room from scratch: rejoining, then joined, and the join count goes up', async () => {
    const { room } = await twoUsers({ initialIsOpen: true });
    await userEvent.click(page.getByRole('tab', { name: 'Channels' }));
    const row = page.getByRole('row').filter({ hasText: room });
    await expect.poll(cellOf(room, 'joins'), { timeout: 10_000 }).toBe('1');
    await userEvent.click(row.getByRole('button', { name: `Rejoin ${room}` }));
    await expect.poll(cellOf(room, 'joins'), { timeout: 10_000 }).toBe('2');
    await expect.element(row.getByText('joined')).toBeVisible();
  });

  it('stalls the socket from the server with the --dev endpoint: heartbeats go unanswered and the room comes back', async () => {
    const { room } = await twoUsers({ initialIsOpen: true });
    await userEvent.click(page.getByRole('tab', { name: 'Channels' }));
    const row = page.getByRole('row').filter({ hasText: room });
    await expect.poll(cellOf(room, 'joins'), { timeout: 10_000 }).toBe('1');
    await userEvent.click(page.getByRole('tab', { name: 'Connection' }));
    await userEvent.click(page.getByRole('button', { name: 'Stall on server (--dev)' }));
    await expect
      .element(page.getByText(/^The server stalled/))
      .toHaveTextContent('The server stalled 1 socket(s).');
    // The client notices when a heartbeat goes unanswered (one a second here), then rejoins on
    // a new socket.
    await userEvent.click(page.getByRole('tab', { name: 'Channels' }));
    await expect
      .element(row.getByText('last: heartbeat timeout'), { timeout: 15_000 })
      .toBeVisible();
    await expect.poll(cellOf(room, 'joins'), { timeout: 15_000 }).toBe('2');
    await expect.element(row.getByText('joined')).toBeVisible();
  });

  it('shows a person who left in the grace period, then no longer', async () => {
    const room = `dev-${uuid()}`;
    const [a, b] = await Promise.all([clientFor(`ann-${uuid()}`), clientFor(`bob-${uuid()}`)]);
    const app = (withBob: boolean) => (
      <>
        <Side client={a} presenceGraceMs={4000}>
          <Member room={room} id="ann" name="Ann" />
          <RoomkitDevtools initialIsOpen />
        </Side>
        <Side client={b}>{withBob && <Member room={room} id="bob" name="Bob" />}</Side>
      </>
    );
    const { rerender } = render(app(true));
    await userEvent.click(page.getByRole('tab', { name: 'Presence' }));
    const section = page.getByRole('region', { name: `Presence in ${room}` });
    await expect.element(section.getByText('2 people'), { timeout: 10_000 }).toBeVisible();
    const bob = section.getByRole('listitem').filter({ hasText: 'bob' });
    await expect.element(bob).toHaveAttribute('data-state', 'present');

    rerender(app(false));
    await expect.element(bob, { timeout: 4_000 }).toHaveAttribute('data-state', 'grace');
    await expect
      .element(bob.getByText(/^left \d+(\.\d)? m?s ago; listed until the grace period ends$/))
      .toBeVisible();
    await expect.element(section.getByText('1 person'), { timeout: 10_000 }).toBeVisible();
    await expect.element(bob).not.toBeInTheDocument();
  });

  it('lists the queries tied to a room and counts the refetches its first join and a rejoin caused', async () => {
    const room = `dev-${uuid()}`;
    const a = await clientFor(`ann-${uuid()}`);
    const queryClient = new QueryClient({
      defaultOptions: { queries: { retry: false, staleTime: Infinity } },
    });
    let fetches = 0;
    /** A list kept live by the room: refetched each time the room comes back. */
    function Todos() {
      const todos = useRealtimeQuery(
        { queryKey: ['todos', room], queryFn: async () => [{ id: ++fetches }] },
        { room },
      );
      return <output aria-label="Fetches">{todos.data?.[0]?.id ?? 0}</output>;
    }
    render(
      <QueryClientProvider client={queryClient}>
        <Side client={a}>
          <Todos />
          <RoomkitDevtools initialIsOpen />
        </Side>
      </QueryClientProvider>,
    );
    // Read on mount, and once more on the room's first join: the first read went out before it.
    await expect
      .element(page.getByRole('status', { name: 'Fetches' }), { timeout: 10_000 })
      .toHaveTextContent('2');
    await userEvent.click(page.getByRole('tab', { name: 'Queries' }));
    const row = page.getByRole('table', { name: 'Queries' }).getByRole('row').filter({
      hasText: room,
    });
    await expect.element(row.getByText(JSON.stringify(['todos', room]))).toBeVisible();
    await expect.element(row.getByText('success')).toBeVisible();
    await expect.element(row.getByRole('cell', { name: '1', exact: true })).toBeVisible();

    await userEvent.click(page.getByRole('tab', { name: 'Channels' }));
    const channel = page.getByRole('row').filter({ hasText: room });
    await expect.element(channel.getByText('joined'), { timeout: 10_000 }).toBeVisible();
    await userEvent.click(channel.getByRole('button', { name: `Rejoin ${room}` }));
    await expect
      .element(page.getByRole('status', { name: 'Fetches' }), { timeout: 10_000 })
      .toHaveTextContent('3');
    await userEvent.click(page.getByRole('tab', { name: 'Queries' }));
    await expect.element(row.getByRole('cell', { name: '2', exact: true })).toBeVisible();
  });

  it('says no query is tied to a room in an app without react-query', async () => {
    await twoUsers({ initialIsOpen: true });
    await userEvent.click(page.getByRole('tab', { name: 'Queries' }));
    await expect.element(page.getByText(/No query is tied to a room/)).toBeVisible();
  });

  it('tells the panels of two providers apart by their labels', async () => {
    const room = `dev-${uuid()}`;
    const bob = `bob-${uuid()}`;
    const [a, b] = await Promise.all([clientFor(`ann-${uuid()}`), clientFor(bob)]);
    render(
      <>
        <Side client={a}>
          <Member room={room} id="ann" name="Ann" />
          <RoomkitDevtools label="Ann" />
        </Side>
        <Side client={b}>
          <Member room={room} id="bob" name="Bob" />
          <RoomkitDevtools label="Bob" position="bottom-left" />
        </Side>
      </>,
    );
    await userEvent.click(page.getByRole('button', { name: 'Bob', exact: true }));
    const dialog = page.getByRole('dialog', { name: 'Bob devtools' });
    await expect.element(dialog.getByText(bob)).toBeVisible();
    await expect
      .element(page.getByRole('dialog', { name: 'Ann devtools' }))
      .not.toBeInTheDocument();
  });

  it("adds no renders to the app's components while it is used", async () => {
    const renders = { count: 0 };
    /** An app component that reads the connection, as a status bar would. */
    function StatusBar() {
      renders.count++;
      return <span data-testid="app-status">{useConnectionStatus().status}</span>;
    }
    const room = `dev-${uuid()}`;
    const ann = { id: `ann-${uuid()}`, name: 'Ann' };
    // No heartbeat during the test: a new latency would render the status bar, panel or not.
    const a = await clientFor(ann.id, { heartbeatIntervalMs: 60_000 });
    render(
      <Side client={a}>
        <Member room={room} {...ann} />
        <StatusBar />
        <RoomkitDevtools />
      </Side>,
    );
    await expect
      .element(page.getByTestId('app-status'), { timeout: 10_000 })
      .toHaveTextContent('open');
    const before = renders.count;
    await userEvent.click(page.getByRole('button', { name: 'Roomkit' }));
    for (const tab of ['Channels', 'Presence', 'Events', 'Queries', 'Connection']) {
      await userEvent.click(page.getByRole('tab', { name: tab }));
    }
    await userEvent.click(page.getByRole('tab', { name: 'Events' }));
    await userEvent.click(page.getByRole('button', { name: 'Pause' }));
    await userEvent.click(page.getByRole('button', { name: 'Clear' }));
    await userEvent.keyboard('{Escape}');
    expect(renders.count).toBe(before);
  });

  it('logs each message once under StrictMode', async () => {
    const room = `dev-${uuid()}`;
    const [a, b] = await Promise.all([clientFor(`ann-${uuid()}`), clientFor(`bob-${uuid()}`)]);
    render(
      <StrictMode>
        <Side client={a}>
          <Member room={room} id="ann" name="Ann" />
          <RoomkitDevtools initialIsOpen />
        </Side>
        <Side client={b}>
          <Member room={room} id="bob" name="Bob" />
        </Side>
      </StrictMode>,
    );
    await userEvent.click(page.getByRole('tab', { name: 'Events' }));
    await expect
      .element(page.getByRole('status', { name: 'Waves Ann received' }))
      .toHaveTextContent('0');
    await expect
      .element(page.getByRole('list', { name: 'Events' }).getByText('presence_state').first(), {
        timeout: 10_000,
      })
      .toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Wave as Bob' }));
    await expect
      .element(page.getByRole('status', { name: 'Waves Ann received' }))
      .toHaveTextContent('1');
    const waves = page.getByRole('list', { name: 'Events' }).getByText('wave', { exact: true });
    await expect.element(waves).toBeVisible();
    expect(waves.elements()).toHaveLength(1);
  });

  it('goes offline for the chosen seconds, then reconnects, and the reconnect lasted at least that long', async () => {
    await twoUsers({ initialIsOpen: true });
    const status = page.getByTestId('rkd-status');
    await expect.element(status, { timeout: 10_000 }).toHaveAttribute('data-state', 'open');
    await userEvent.fill(page.getByRole('spinbutton', { name: /Offline for/ }), '2');
    await userEvent.click(page.getByRole('button', { name: 'Go offline' }));
    await expect.element(status).toHaveAttribute('data-state', 'reconnecting');
    await expect
      .element(page.getByText('Back online after 2.0 s.'), { timeout: 10_000 })
      .toBeVisible();
    await expect.element(status, { timeout: 10_000 }).toHaveAttribute('data-state', 'open');
    const down = page.getByRole('table', { name: 'Reconnects' }).getByText(/^\d+(\.\d)? s$/);
    await expect.element(down).toBeVisible();
    expect(Number.parseFloat(down.element().textContent ?? '')).toBeGreaterThanOrEqual(2);
  });
});
