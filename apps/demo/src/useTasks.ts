import { useRealtimeQuery } from '@roomkit/react/query';
import type { RoomUser } from '@roomkit/ui';
import { useMutation, useMutationState, useQueryClient } from '@tanstack/react-query';
import { supabase, type Task } from './supabase';
import { putTask, TASKS } from './tasksCache';

const ADD_TASK = ['tasks', 'add'] as const;

async function loadTasks(): Promise<Task[]> {
  const { data, error } = await supabase.from('tasks').select('*').order('created_at');
  if (error) throw new Error(error.message);
  return data as Task[];
}

/**
 * The shared board: rows loaded with `supabase.from('tasks')` and kept live by postgres changes
 * merged into the query (refetched after every reconnect), plus adding. Titles being added show
 * at once as `pending` (from the mutations' variables) until the database returns their rows.
 */
export function useTasks(user: RoomUser) {
  const queryClient = useQueryClient();
  const tasks = useRealtimeQuery<Task>(
    { queryKey: TASKS, queryFn: loadTasks },
    { table: 'tasks', apply: 'merge', order: { column: 'created_at' } },
  );
  const add = useMutation({
    mutationKey: ADD_TASK,
    mutationFn: async (title: string) => {
      const { data, error } = await supabase
        .from('tasks')
        .insert({ title, created_by: user.id, created_by_name: user.name })
        .select()
        .single();
      if (error) throw new Error(error.message);
      return data as Task;
    },
    // The insert event that follows merges into this same row by id.
    onSuccess: (row) => putTask(queryClient, row),
  });
  const adding = useMutationState({
    filters: { mutationKey: ADD_TASK, status: 'pending' },
    select: (mutation) => String(mutation.state.variables),
  });
  return { tasks, add: add.mutateAsync, adding };
}
