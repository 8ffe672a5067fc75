import { useRealtime } from '@roomkit/react';
import { useRealtimeQuery } from '@roomkit/react/query';
import type { RoomUser } from '@roomkit/ui';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useMutation, useMutationState, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { Users } from '../roomkit';

const meta = {
  title: 'Recipes/Live board',
  parameters: {
    docs: {
      description: {
        component:
          "A shared task board as `apps/demo` builds it: rows loaded with `supabase.from('tasks')` and kept live by `useRealtimeQuery(…, { table: 'tasks', apply: 'merge' })`. Writes are optimistic: a title being added shows at once as pending (from react-query's `useMutationState`) until the database returns its row, which is written into the cache by id, so the insert event that follows merges into the same row. Others see each write through postgres changes, filtered by the table's RLS.",
      },
    },
  },
} satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

/** A row of the `tasks` table (apps/demo/supabase/migrations). */
interface Task extends Record<string, unknown> {
  id: string;
  title: string;
  done: boolean;
  created_at: string;
}

const TASKS = ['recipes', 'tasks'] as const;
const ADD = ['recipes', 'tasks', 'add'] as const;

/** Puts a row the database returned into the cache, replacing any copy by id, in created_at order. */
function putTask(rows: Task[] | undefined, row: Task): Task[] {
  return [...(rows ?? []).filter((task) => task.id !== row.id), row].sort((a, b) =>
    a.created_at.localeCompare(b.created_at),
  );
}

function Board({ user }: { user: RoomUser }) {
  const { client } = useRealtime();
  const queryClient = useQueryClient();
  const tasks = useRealtimeQuery<Task>(
    {
      queryKey: TASKS,
      queryFn: async () => {
        const { data, error } = await client
          .from('tasks')
          .select('id, title, done, created_at')
          .order('created_at');
        if (error) throw new Error(error.message);
        return data as Task[];
      },
    },
    { table: 'tasks', apply: 'merge', order: { column: 'created_at' } },
  );
  const add = useMutation({
    mutationKey: ADD,
    mutationFn: async (title: string) => {
      const { data, error } = await client
        .from('tasks')
        .insert({ title, created_by: user.id, created_by_name: user.name })
        .select('id, title, done, created_at')
        .single();
      if (error) throw new Error(error.message);
      return data as Task;
    },
    onSuccess: (row) => queryClient.setQueryData<Task[]>(TASKS, (rows) => putTask(rows, row)),
  });
  const adding = useMutationState({
    filters: { mutationKey: ADD, status: 'pending' },
    select: (mutation) => String(mutation.state.variables),
  });
  const toggle = useMutation({
    mutationFn: async (task: Task) => {
      const { data, error } = await client
        .from('tasks')
        .update({ done: !task.done })
        .eq('id', task.id)
        .select('id, title, done, created_at')
        .single();
      if (error) throw new Error(error.message);
      return data as Task;
    },
    onSuccess: (row) => queryClient.setQueryData<Task[]>(TASKS, (rows) => putTask(rows, row)),
  });
  const [title, setTitle] = useState('');
  return (
    <div>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (title.trim()) add.mutate(title.trim());
          setTitle('');
        }}
      >
        <input
          aria-label={`${user.name}'s new task`}
          value={title}
          onChange={(event) => setTitle(event.target.value)}
        />{' '}
        <button type="submit">Add</button>
      </form>
      {add.error ? <p role="alert">{add.error.message}</p> : null}
      <ul data-testid="board" style={{ listStyle: 'none', padding: 0 }}>
        {(tasks.data ?? []).map((task) => (
          <li key={task.id} data-state="saved">
            <label>
              <input type="checkbox" checked={task.done} onChange={() => toggle.mutate(task)} />{' '}
              {task.title}
            </label>
          </li>
        ))}
        {adding.map((pending, index) => (
          <li key={`pending-${index}`} data-state="pending" style={{ opacity: 0.5 }}>
            <label>
              <input type="checkbox" disabled /> {pending}
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Ann adds a task (pending at once, then saved); Bob sees it live and ticks it; Ann sees the tick. */
export const TwoUsers: Story = {
  render: () => <Users count={2}>{({ user }) => <Board user={user} />}</Users>,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const ann = await canvas.findByTestId('user-Ann', {}, { timeout: 15_000 });
    const bob = await canvas.findByTestId('user-Bob', {}, { timeout: 15_000 });
    await within(bob).findByTestId('board', {}, { timeout: 15_000 });
    const input = await within(ann).findByLabelText("Ann's new task", {}, { timeout: 15_000 });
    // Bob's board follows changes once his channel is joined: add until one reaches him.
    const title = `Water the plants ${Math.random().toString(36).slice(2, 6)}`;
    let attempt = 0;
    await waitFor(
      async () => {
        if (!within(bob).queryByText(new RegExp(title))) {
          await userEvent.type(input, `${title} #${++attempt}{Enter}`);
        }
        await waitFor(() =>
          expect(within(bob).getAllByText(new RegExp(title)).length).toBeGreaterThan(0),
        );
      },
      { timeout: 20_000, interval: 2000 },
    );
    const seen = within(bob).getAllByText(new RegExp(title))[0]?.textContent?.trim() ?? '';
    const label = new RegExp(`${seen}$`);
    // Ann's own row is the database's, shown once: the insert event merged into it by id.
    await waitFor(
      () =>
        expect(
          within(ann)
            .getAllByText(label)
            .map((node) => node.closest('li')?.getAttribute('data-state')),
        ).toEqual(['saved']),
      { timeout: 15_000 },
    );
    await userEvent.click(within(bob).getByRole('checkbox', { name: label }));
    const annsBox = within(ann).getByRole('checkbox', { name: label });
    await waitFor(() => expect(annsBox).toBeChecked(), { timeout: 15_000 });
  },
};
