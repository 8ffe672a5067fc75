import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, waitFor, within } from 'storybook/test';
import { Users, type StoryUserContext } from '../../../.storybook/roomkit';
import { TaskList } from '../../../.storybook/snippets/useRealtimeQuery';
import usage from '../../../.storybook/snippets/useRealtimeQuery.tsx?raw';
import { useRealtimeQuery } from './query/useRealtimeQuery';

interface Args {
  users: number;
}

const meta = {
  title: 'react/useRealtimeQuery',
  args: { users: 2 },
  argTypes: { users: { control: { type: 'range', min: 1, max: 3 } } },
  parameters: {
    docs: {
      description: {
        component:
          "`useRealtimeQuery(queryOptions, { table, apply, order })` from `@roomkit/react/query` is react-query's `useQuery` kept live by postgres changes: `apply: 'merge'` merges each insert, update and delete into the cached rows, and the query is refetched once each time its channel returns after a gap. Rows reach each user only if RLS lets them read them.",
      },
    },
  },
} satisfies Meta<Args>;
export default meta;
type Story = StoryObj<Args>;

const row = { fontFamily: 'ui-monospace, monospace', fontSize: 13 } as const;

/** Bob inserts a task into the seeded `tasks` table; it merges into Ann's list without a refetch. */
export const TwoUsers: Story = {
  parameters: {
    docs: { source: { code: usage, language: 'tsx' }, canvas: { sourceState: 'shown' } },
  },
  render: (args) => <Users count={args.users}>{({ user }) => <TaskList user={user} />}</Users>,
  play: async ({ canvasElement, args }) => {
    if (args.users < 2) return;
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    const list = await within(ann).findByTestId('tasks', {}, { timeout: 15_000 });
    await waitFor(() => expect(list.children.length).toBeGreaterThan(0), { timeout: 15_000 });
    const insert = await within(bob).findByRole('button', { name: 'Insert a task' });
    // Until Ann's channel is subscribed an insert is not live for her: insert until one arrives.
    await waitFor(
      async () => {
        if (!within(ann).queryByText(/From Bob/)) insert.click();
        await waitFor(() => expect(within(ann).getAllByText(/From Bob/).length).toBeGreaterThan(0));
      },
      { timeout: 15_000, interval: 1500 },
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
    // The first read, then one more once the table's changes stream (none falls in between).
    await waitFor(() => expect(fetches.textContent).toBe('fetches: 2'), { timeout: 15_000 });
    // A dropped connection: the channel comes back and the query is fetched exactly once more.
    within(ann).getByRole('button', { name: 'Drop connection' }).click();
    await waitFor(() => expect(fetches.textContent).toBe('fetches: 3'), { timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fetches.textContent).toBe('fetches: 3');
    const before = feed.children.length;
    if (args.users < 2) return;
    const bob = await canvas.findByTestId('user-Bob');
    // Bob's channel must be subscribed before his insert counts as live.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    within(bob).getByRole('button', { name: 'Insert a task' }).click();
    await waitFor(() => expect(feed.children.length).toBe(before + 1), { timeout: 15_000 });
  },
};
