import { useInsertMutation, useRealtimeQuery } from '@roomkit/react/query';
import type { RoomUser } from '@roomkit/ui';
import { supabase, type Task } from './supabase';

async function loadTasks(): Promise<Task[]> {
  const { data, error } = await supabase.from('tasks').select('*').order('created_at');
  if (error) throw new Error(error.message);
  return data as Task[];
}

/**
 * The shared board: rows loaded with `supabase.from('tasks')` and kept live by postgres changes
 * merged into the query (refetched after every reconnect), plus adding. A task being added shows
 * at once as pending (`isPendingRow`) until the database returns its row; its id is made here so
 * the realtime echo and the answer both land on that one row.
 */
export function useTasks(user: RoomUser) {
  const tasks = useRealtimeQuery<Task>(
    { queryKey: ['tasks'], queryFn: loadTasks },
    { table: 'tasks', apply: 'merge', order: { column: 'created_at' } },
  );
  const insert = useInsertMutation<Task>({ table: 'tasks' });
  const add = (title: string) =>
    insert.mutateAsync({
      id: crypto.randomUUID(),
      title,
      created_by: user.id,
      created_by_name: user.name,
    });
  return { tasks, add };
}
