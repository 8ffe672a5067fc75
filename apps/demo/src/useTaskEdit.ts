import { isPendingRow, useDeleteMutation, useUpdateMutation } from '@roomkit/react/query';
import { useState } from 'react';
import type { Task } from './supabase';

/**
 * Completing and deleting one task, both optimistic through `@roomkit/react/query`: the change
 * shows at once, a refusal is rolled back and `onError` says why.
 */
export function useTaskEdit(task: Task, onError: (message: string) => void) {
  // Set in the change event itself: the optimistic row reaches React a tick later, and a
  // controlled checkbox would flip back in between.
  const [asked, setAsked] = useState<boolean | null>(null);
  const update = useUpdateMutation<Task>({ table: 'tasks' });
  const remove = useDeleteMutation<Task>({ table: 'tasks' });
  return {
    done: asked ?? task.done,
    saving: asked !== null || isPendingRow(task),
    setDone: (done: boolean) => {
      setAsked(done);
      // Only the latest call's callbacks run, which is the one whose value is shown.
      update.mutate(
        { id: task.id, done },
        {
          onError: (failed) => onError(`Could not update "${task.title}": ${failed.message}`),
          onSettled: () => setAsked(null),
        },
      );
    },
    remove: () =>
      remove.mutate(
        { id: task.id },
        { onError: (failed) => onError(`Could not delete "${task.title}": ${failed.message}`) },
      ),
  };
}
