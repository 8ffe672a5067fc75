import type { RoomUser } from '@roomkit/ui';
import { useState, type FormEvent } from 'react';
import { PendingTask, TaskItem } from './TaskItem';
import { useTasks } from './useTasks';

/**
 * The shared board: a form to add a task, the live list, and the last error (kept until
 * dismissed; a title that could not be added goes back into an empty input).
 */
export function Board({ user }: { user: RoomUser }) {
  const { tasks, add, adding } = useTasks(user);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = title.trim();
    if (!text) return;
    setTitle('');
    setError(null);
    add(text).catch((failed: unknown) => {
      setTitle((current) => current || text);
      setError(
        `Could not add "${text}": ${failed instanceof Error ? failed.message : 'unknown error'}`,
      );
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
      {error ? (
        <p role="alert" className="demo-error" data-testid="board-error">
          {error}
          <button type="button" className="demo-button" onClick={() => setError(null)}>
            Dismiss
          </button>
        </p>
      ) : null}
      {tasks.isPending ? (
        <p className="demo-empty">Loading tasks…</p>
      ) : tasks.isError ? (
        <p role="alert" className="demo-error">
          Could not load the tasks: {tasks.error.message}
          <button type="button" className="demo-button" onClick={() => void tasks.refetch()}>
            Try again
          </button>
        </p>
      ) : tasks.data.length === 0 && adding.length === 0 ? (
        <p className="demo-empty">No tasks yet: add the first one.</p>
      ) : (
        <ul className="demo-task-list" data-testid="task-list" aria-label="Tasks">
          {tasks.data.map((task) => (
            <TaskItem key={task.id} task={task} onError={setError} />
          ))}
          {adding.map((text, index) => (
            <PendingTask key={`${String(index)}:${text}`} title={text} />
          ))}
        </ul>
      )}
    </div>
  );
}
