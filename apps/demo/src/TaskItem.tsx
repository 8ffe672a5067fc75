import type { Task } from './supabase';
import { useTaskEdit } from './useTaskEdit';

/** One task: a labelled checkbox, who added it, and a delete button. */
export function TaskItem({ task, onError }: { task: Task; onError: (message: string) => void }) {
  const { done, saving, setDone, remove } = useTaskEdit(task, onError);
  return (
    <li
      className="demo-card demo-task"
      data-testid="task"
      data-id={task.id}
      data-done={done}
      data-state={saving ? 'saving' : 'saved'}
    >
      <label>
        <input type="checkbox" checked={done} onChange={(event) => setDone(event.target.checked)} />
        <span data-testid="task-title">{task.title}</span>
      </label>
      {task.created_by_name ? <span className="demo-task-meta">{task.created_by_name}</span> : null}
      <button
        type="button"
        className="demo-delete"
        data-testid="delete-task"
        aria-label={`Delete "${task.title}"`}
        title="Delete"
        onClick={remove}
      >
        ×
      </button>
    </li>
  );
}

/** A task still being added: shown at once, greyed, until the database returns its row. */
export function PendingTask({ title }: { title: string }) {
  return (
    <li className="demo-card demo-task" data-testid="pending-task" data-state="pending">
      <label>
        <input type="checkbox" checked={false} disabled readOnly />
        <span>{title}</span>
      </label>
      <span className="demo-task-meta">Saving…</span>
    </li>
  );
}
