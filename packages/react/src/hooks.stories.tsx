import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { Users, useStoryRoom, type StoryUserContext } from '../../../.storybook/roomkit';
import { defineRoom } from './defineRoom';
import { useBroadcast } from './useBroadcast';
import { useChannelStatus } from './useChannelStatus';
import { useConnectionStatus } from './useConnectionStatus';
import { usePresence } from './usePresence';
import { useRealtimeQuery } from './useRealtimeQuery';

interface Args {
  users: number;
}

/** The hooks' live state, each user in their own column with their own client and provider. */
const meta = {
  title: 'react/Hooks',
  args: { users: 2 },
  argTypes: { users: { control: { type: 'range', min: 1, max: 3 } } },
} satisfies Meta<Args>;
export default meta;
type Story = StoryObj<Args>;

const row = { fontFamily: 'ui-monospace, monospace', fontSize: 13 } as const;

function Connection({ room }: { room: string }) {
  const connection = useConnectionStatus();
  const channel = useChannelStatus(room).phase;
  // A channel is what opens the socket: join the room's presence.
  usePresence(room, { key: 'watcher' });
  return (
    <dl style={row} data-testid="connection">
      <dt>useConnectionStatus()</dt>
      <dd data-status={connection.status}>
        {connection.status}
        {connection.latencyMs === null ? '' : `, ${connection.latencyMs} ms`}
        {connection.error ? `, ${connection.error.message}` : ''}
      </dd>
      <dt>useChannelStatus(room).phase</dt>
      <dd data-channel={channel}>{channel}</dd>
    </dl>
  );
}

/** Connection and channel status; "Drop connection" shows reconnecting, then open and joined. */
export const ConnectionStatus: Story = {
  render: (args) => {
    const Room = () => {
      const room = useStoryRoom('stories:connection');
      return <Users count={args.users}>{() => <Connection room={room} />}</Users>;
    };
    return <Room />;
  },
  play: async ({ canvasElement }) => {
    const ann = await within(canvasElement).findByTestId('user-Ann', {}, { timeout: 15_000 });
    const status = () => ann.querySelector('[data-status]')?.getAttribute('data-status');
    await waitFor(() => expect(status()).toBe('open'), { timeout: 15_000 });
    within(ann).getByRole('button', { name: 'Drop connection' }).click();
    await waitFor(() => expect(status()).toBe('reconnecting'), { timeout: 10_000 });
    await waitFor(() => expect(status()).toBe('open'), { timeout: 15_000 });
  },
};

function PresenceListDemo({ room, context }: { room: string; context: StoryUserContext }) {
  const [mood, setMood] = useState('👋');
  const { users, update } = usePresence<{ name: string; mood: string }>(room, {
    key: context.user.id,
    state: { name: context.user.name, mood },
  });
  return (
    <div style={row}>
      <label>
        Mood{' '}
        <input
          aria-label={`${context.user.name}'s mood`}
          value={mood}
          onChange={(event) => {
            setMood(event.target.value);
            update({ name: context.user.name, mood: event.target.value });
          }}
        />
      </label>
      <ul data-testid="presence">
        {users.map((user) => (
          <li key={user.key}>
            {user.state.name} {user.state.mood} ({user.connections} connection
            {user.connections === 1 ? '' : 's'})
          </li>
        ))}
      </ul>
    </div>
  );
}

/** usePresence: one entry per person with a connection count; state updates are coalesced. */
export const PresenceList: Story = {
  render: (args) => {
    const Room = () => {
      const room = useStoryRoom('stories:presence');
      return (
        <Users count={args.users}>
          {(context) => <PresenceListDemo room={room} context={context} />}
        </Users>
      );
    };
    return <Room />;
  },
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    await waitFor(
      () => expect(within(ann).getByTestId('presence').children).toHaveLength(args.users),
      { timeout: 15_000 },
    );
    if (args.users < 2) return;
    const bob = await canvas.findByTestId('user-Bob');
    const input = await within(bob).findByLabelText("Bob's mood");
    await userEvent.clear(input);
    await userEvent.type(input, 'busy');
    await waitFor(
      () => expect(within(ann).getByTestId('presence').textContent).toContain('Bob busy'),
      {
        timeout: 15_000,
      },
    );
  },
};

interface Task extends Record<string, unknown> {
  id: string;
  title: string;
  done: boolean;
  created_at: string;
}

function TaskFeed({ context }: { context: StoryUserContext }) {
  // Counts the query's fetches, to watch the one refetch after a dropped connection.
  const [fetches, setFetches] = useState(0);
  const tasks = useRealtimeQuery<Task>(
    {
      queryKey: ['stories', 'tasks'],
      queryFn: async () => {
        setFetches((count) => count + 1);
        const { data, error } = await context.client
          .from('tasks')
          .select('id, title, done, created_at')
          .order('created_at');
        if (error) throw new Error(error.message);
        return data as Task[];
      },
    },
    { table: 'tasks', apply: 'merge', order: { column: 'created_at' } },
  );
  const add = async () => {
    await context.client.from('tasks').insert({
      title: `From ${context.user.name} at ${new Date().toLocaleTimeString()}`,
      created_by: context.user.id,
    });
  };
  return (
    <div style={row}>
      <button type="button" onClick={() => void add()}>
        Insert a task
      </button>{' '}
      <span data-testid="fetches">fetches: {fetches}</span>
      {tasks.isError ? <p role="alert">{tasks.error.message}</p> : null}
      <ol data-testid="feed">
        {(tasks.data ?? []).map((task) => (
          <li key={task.id}>
            {task.done ? '☑' : '☐'} {task.title}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** useRealtimeQuery on the seeded `tasks` table: inserts merge in live; a drop refetches once. */
export const PostgresChangesFeed: Story = {
  render: (args) => <Users count={args.users}>{(context) => <TaskFeed context={context} />}</Users>,
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const feed = await within(ann).findByTestId('feed', {}, { timeout: 15_000 });
    await waitFor(() => expect(feed.children.length).toBeGreaterThan(0), { timeout: 15_000 });
    const fetches = within(ann).getByTestId('fetches');
    await waitFor(() => expect(fetches.textContent).toBe('fetches: 1'));
    // A dropped connection: the channel comes back and the query is fetched exactly once more.
    within(ann).getByRole('button', { name: 'Drop connection' }).click();
    await waitFor(() => expect(fetches.textContent).toBe('fetches: 2'), { timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fetches.textContent).toBe('fetches: 2');
    const before = feed.children.length;
    if (args.users < 2) return;
    const bob = await canvas.findByTestId('user-Bob');
    // Bob's channel must be subscribed before his insert counts as live.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    within(bob).getByRole('button', { name: 'Insert a task' }).click();
    await waitFor(() => expect(feed.children.length).toBe(before + 1), { timeout: 15_000 });
  },
};

/** One declaration types the room's events end to end. */
const lobby = defineRoom<{ events: { wave: { from: string; at: number } } }>('stories:typed');

function Waves({ context }: { context: StoryUserContext }) {
  const [waves, setWaves] = useState<string[]>([]);
  const { send } = useBroadcast(lobby, 'wave', {
    onMessage: (payload) => setWaves((list) => [...list.slice(-4), `${payload.from} waved`]),
  });
  const [result, setResult] = useState('');
  return (
    <div style={row}>
      <button
        type="button"
        onClick={() =>
          void send({ from: context.user.name, at: Date.now() }).then((status) => setResult(status))
        }
      >
        Wave
      </button>{' '}
      <span data-testid="send-result">{result}</span>
      <ul data-testid="waves">
        {waves.map((wave, index) => (
          <li key={index}>{wave}</li>
        ))}
      </ul>
    </div>
  );
}

/** useBroadcast with `defineRoom`: `send` only takes `{ from, at }`; others see each wave. */
export const TypedBroadcast: Story = {
  render: (args) => <Users count={args.users}>{(context) => <Waves context={context} />}</Users>,
  play: async ({ canvasElement, args }) => {
    if (args.users < 2) return;
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    const wave = await within(ann).findByRole('button', { name: 'Wave' }, { timeout: 15_000 });
    await within(bob).findByRole('button', { name: 'Wave' }, { timeout: 15_000 });
    await waitFor(
      async () => {
        wave.click();
        await waitFor(() =>
          expect(within(bob).getByTestId('waves').textContent).toContain('Ann waved'),
        );
      },
      { timeout: 15_000, interval: 1000 },
    );
  },
};
