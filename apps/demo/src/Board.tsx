import type { RoomUser } from '@roomkit/ui';
import { useCallback, useState, type FormEvent } from 'react';
import { isPendingRow } from '@roomkit/react/query';
import { PendingTask, TaskItem } from './TaskItem';
import { useTasks } from './useTasks';

/** How many refusals stay on screen; older ones give way to newer ones. */
const MAX_ERRORS = 3;
let nextErrorId = 0;

/**
 * The shared board: a form to add a task, the live list, and what the server refused (each kept
 * until dismissed; a title that could not be added goes back into an empty input).
 */
export function Board({ user }: { user: RoomUser }) {
  const { tasks, add } = useTasks(user);
  const [title, setTitle] = useState('');
  const [errors, setErrors] = useState<{ id: number; message: string }[]>([]);
  const report = useCallback((message: string) => {
    const id = nextErrorId++;
    setErrors((current) => [...current, { id, message }].slice(-MAX_ERRORS));
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = title.trim();
    if (!text) return;
    setTitle('');
    add(text).catch((failed: { message?: string }) => {
      setTitle((current) => current || text);
      report(`Could not add "${text}": ${failed.message ?? 'unknown error'}`);
    });
  };

  return (
    <div className="demo-tasks">
      <form className="demo-add" onSubmit={submit}>
        <label htmlFor="demo-new-task" className="demo-visually-hidden">
          New task
        </label>
        <input
          id="demo-new-task"
          className="demo-input"
          data-testid="new-task"
          placeholder="Add a task…"
          maxLength={200}
          value={title}
          onChange={(event) => setTitle(event.target.value)}
        />
        <button type="submit" className="demo-button" data-variant="primary" data-testid="add-task">
          Add
        </button>
      </form>
      {errors.map((error) => (
        <p key={error.id} role="alert" className="demo-error" data-testid="board-error">
          {error.message}
          <button
            type="button"
            className="demo-button"
            onClick={() => setErrors((current) => current.filter((item) => item !== error))}
          >
            Dismiss
          </button>
        </p>
      ))}
      {tasks.isPending ? (
        <p className="demo-empty">Loading tasks…</p>
      ) : tasks.isError ? (
        <p role="alert" className="demo-error">
          Could not load the tasks: {tasks.error.message}
          <button type="button" className="demo-button" onClick={() => void tasks.refetch()}>
            Try again
          </button>
        </p>
      ) : tasks.data.length === 0 ? (
        <p className="demo-empty">No tasks yet: add the first one.</p>
      ) : (
        <ul className="demo-task-list" data-testid="task-list" aria-label="Tasks">
          {tasks.data.map((task) =>
            // A task the database has not created yet (no created_at); an edit in flight stays a
            // TaskItem, whose mutation reports a refusal.
            isPendingRow(task) && task.created_at === undefined ? (
              <PendingTask key={task.id} title={task.title} />
            ) : (
              <TaskItem key={task.id} task={task} onError={report} />
            ),
          )}
        </ul>
      )}
    </div>
  );
}
