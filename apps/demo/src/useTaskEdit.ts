import { useMutation, useQueryClient } from '@tanstack/react-query';
import { supabase, type Task } from './supabase';
import { dropTask, putTask } from './tasksCache';

/**
 * Completing and deleting one task. Both are optimistic through the mutation's own state (the
 * checkbox shows the value being saved, a task being deleted is hidden), so a refusal needs no
 * rollback: the row simply shows what the database holds again, and `onError` says why.
 */
export function useTaskEdit(task: Task, onError: (message: string) => void) {
  const queryClient = useQueryClient();
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
    done: toggle.isPending && toggle.variables !== undefined ? toggle.variables : task.done,
    saving: toggle.isPending,
    removing: remove.isPending,
    setDone: (done: boolean) => toggle.mutate(done),
    remove: () => remove.mutate(),
  };
}
