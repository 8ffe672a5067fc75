import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { supabase, type Task } from './supabase';
import { dropTask, putTask } from './tasksCache';

/**
 * Completing and deleting one task. Both are optimistic without touching the cache (the checkbox
 * shows the value being saved, a task being deleted is hidden), so a refusal needs no rollback:
 * the row simply shows what the database holds again, and `onError` says why.
 */
export function useTaskEdit(task: Task, onError: (message: string) => void) {
  const queryClient = useQueryClient();
  // Set in the change event itself: the mutation's pending state reaches React a tick later, and
  // a controlled checkbox would flip back in between.
  const [asked, setAsked] = useState<boolean | null>(null);
  const toggle = useMutation({
    mutationFn: async (done: boolean) => {
      const { data, error } = await supabase
        .from('tasks')
        .update({ done })
        .eq('id', task.id)
        .select()
        .maybeSingle();
      if (error) throw new Error(error.message);
      return data as Task | null;
    },
    // Written to the cache before the mutation settles, so the checkbox never flips back; no row
    // means someone deleted the task meanwhile.
    onSuccess: (row) => (row ? putTask(queryClient, row) : dropTask(queryClient, task.id)),
    onError: (failed) => onError(`Could not update "${task.title}": ${failed.message}`),
  });
  const remove = useMutation({
    mutationFn: async () => {
      const { error } = await supabase.from('tasks').delete().eq('id', task.id);
      if (error) throw new Error(error.message);
    },
    onSuccess: () => dropTask(queryClient, task.id),
    onError: (failed) => onError(`Could not delete "${task.title}": ${failed.message}`),
  });
  return {
    done: asked ?? task.done,
    saving: asked !== null,
    removing: remove.isPending,
    setDone: (done: boolean) => {
      setAsked(done);
      // Only the latest call's onSettled runs, which is the one whose value is shown.
      toggle.mutate(done, { onSettled: () => setAsked(null) });
    },
    remove: () => remove.mutate(),
  };
}
