import { useRealtime } from '@roomkit/react';
import { useRealtimeQuery } from '@roomkit/react/query';
import type { RoomUser } from '@roomkit/ui';

/** A row of the `tasks` table (apps/demo/supabase/migrations). */
interface Task extends Record<string, unknown> {
  id: string;
  title: string;
  done: boolean;
  created_at: string;
}

/** Tasks loaded with `supabase.from()`; everyone's inserts, updates and deletes merge in live. */
export function TaskList({ user }: { user: RoomUser }) {
  const { client } = useRealtime();
  const tasks = useRealtimeQuery<Task>(
    {
      queryKey: ['tasks'],
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
  const add = async () => {
    const title = `From ${user.name} at ${new Date().toLocaleTimeString()}`;
    const { error } = await client.from('tasks').insert({ title, created_by: user.id });
    if (error) throw new Error(error.message);
  };
  return (
    <div>
      <button type="button" onClick={() => void add()}>
        Insert a task
      </button>
      {tasks.isError ? <p role="alert">{tasks.error.message}</p> : null}
      <ol data-testid="tasks">
        {(tasks.data ?? []).map((task) => (
          <li key={task.id}>
            {task.done ? '☑' : '☐'} {task.title}
          </li>
        ))}
      </ol>
    </div>
  );
}
