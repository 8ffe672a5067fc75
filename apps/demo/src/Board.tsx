import { useRealtimeQuery } from '@roomkit/react/query';
import type { RoomUser } from '@roomkit/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { supabase, type Task } from './supabase';

const TASKS = ['tasks'] as const;

async function loadTasks(): Promise<Task[]> {
  const { data, error } = await supabase.from('tasks').select('*').order('created_at');
  if (error) throw new Error(error.message);
  return data as Task[];
}

/** Puts a row in the list by id: replaces the old copy or appends, keeping created_at order. */
function put(rows: Task[] | undefined, row: Task): Task[] {
  const rest = (rows ?? []).filter((task) => task.id !== row.id);
  return [...rest, row].sort((a, b) => a.created_at.localeCompare(b.created_at));
}

/**
 * The shared board: loaded with `supabase.from('tasks')` and kept live by postgres changes
 * merged into the query (and refetched after every reconnect). Edits are optimistic and roll
 * back, with a message, when the server refuses them.
 */
export function Board({ user }: { user: RoomUser }) {
  const queryClient = useQueryClient();
  const tasks = useRealtimeQuery<Task>(
    { queryKey: TASKS, queryFn: loadTasks },
    { table: 'tasks', apply: 'merge', order: { column: 'created_at' } },
  );
  const [title, setTitle] = useState('');
  // Toggles show at once (a controlled checkbox would otherwise snap back until the cache updates).
  const [toggling, setToggling] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);

  const add = useMutation({
    mutationFn: async (text: string) => {
      const { data, error: failed } = await supabase
        .from('tasks')
        .insert({ title: text, created_by: user.id, created_by_name: user.name })
        .select()
        .single();
      if (failed) throw new Error(failed.message);
      return data as Task;
    },
    onSuccess: (row) => queryClient.setQueryData<Task[]>(TASKS, (rows) => put(rows, row)),
    onError: (failed, text) => {
      setTitle(text);
      setError(`Could not add "${text}": ${failed.message}`);
    },
  });

  const change = useMutation({
    mutationFn: async (next: { task: Task; remove?: boolean }) => {
      const query = next.remove
        ? supabase.from('tasks').delete().eq('id', next.task.id)
        : supabase.from('tasks').update({ done: next.task.done }).eq('id', next.task.id);
      const { error: failed } = await query;
      if (failed) throw new Error(failed.message);
    },
    onMutate: async ({ task, remove }) => {
      await queryClient.cancelQueries({ queryKey: TASKS });
      const before = queryClient.getQueryData<Task[]>(TASKS);
      queryClient.setQueryData<Task[]>(TASKS, (rows) =>
        remove ? (rows ?? []).filter((row) => row.id !== task.id) : put(rows, task),
      );
      return { before };
    },
    onError: (failed, _next, context) => {
      queryClient.setQueryData(TASKS, context?.before);
      setError(`Could not save the change: ${failed.message}`);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = title.trim();
    if (!text) return;
    setTitle('');
    setError(null);
    add.mutate(text);
  };

  return (
    <div className="demo-tasks">
      <form className="demo-add" onSubmit={submit}>
        <label htmlFor="demo-new-task" className="demo-visually-hidden">
          New task
        </label>
        <input
          id="demo-new-task"
          data-testid="new-task"
          placeholder="Add a task…"
          maxLength={200}
          value={title}
          onChange={(event) => setTitle(event.target.value)}
        />
        <button type="submit" data-testid="add-task" disabled={add.isPending}>
          Add
        </button>
      </form>
      {error ? (
        <p role="alert" className="demo-error">
          {error}{' '}
          <button type="button" onClick={() => setError(null)}>
            Dismiss
          </button>
        </p>
      ) : null}
      {tasks.isPending ? (
        <p>Loading tasks…</p>
      ) : tasks.isError ? (
        <p role="alert" className="demo-error">
          Could not load the tasks: {tasks.error.message}{' '}
          <button type="button" onClick={() => void tasks.refetch()}>
            Try again
          </button>
        </p>
      ) : (
        <ul className="demo-task-list" data-testid="task-list">
          {tasks.data.map((task) => (
            <li key={task.id} data-testid="task" data-done={task.done} data-id={task.id}>
              <label>
                <input
                  type="checkbox"
                  checked={toggling[task.id] ?? task.done}
                  onChange={(event) => {
                    const done = event.target.checked;
                    setToggling((current) => ({ ...current, [task.id]: done }));
                    change.mutate(
                      { task: { ...task, done } },
                      {
                        onSettled: () => setToggling(({ [task.id]: _settled, ...rest }) => rest),
                      },
                    );
                  }}
                />
                <span className="demo-task-title">{task.title}</span>
              </label>
              <span className="demo-task-meta">{task.created_by_name ?? ''}</span>
              <button
                type="button"
                aria-label={`Delete "${task.title}"`}
                onClick={() => change.mutate({ task, remove: true })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
