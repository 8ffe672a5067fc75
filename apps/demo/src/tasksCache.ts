import type { QueryClient } from '@tanstack/react-query';
import type { Task } from './supabase';

/** The board's query key. */
export const TASKS = ['tasks'] as const;

/** Writes a row the database returned: replaces the cached copy by id, keeping created_at order. */
export function putTask(queryClient: QueryClient, row: Task): void {
  queryClient.setQueryData<Task[]>(TASKS, (rows) =>
    [...(rows ?? []).filter((task) => task.id !== row.id), row].sort((a, b) =>
      a.created_at.localeCompare(b.created_at),
    ),
  );
  refetchIfStale(queryClient);
}

/** Removes a deleted row from the cache. */
export function dropTask(queryClient: QueryClient, id: string): void {
  queryClient.setQueryData<Task[]>(TASKS, (rows) => rows?.filter((task) => task.id !== id));
  refetchIfStale(queryClient);
}

// A fetch already in flight read the table before this write and would put the old row back
// when it lands; fetching again (which cancels it) keeps what was just written.
function refetchIfStale(queryClient: QueryClient): void {
  if (queryClient.isFetching({ queryKey: TASKS }) > 0) {
    void queryClient.invalidateQueries({ queryKey: TASKS, exact: true });
  }
}
