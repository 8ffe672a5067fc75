import { useRealtimeQuery } from '@roomkit/react/query';
import type { RoomUser } from '@roomkit/ui';
import { useState, type FormEvent } from 'react';
import { supabase } from './supabase';

/** A private note as the `notes` table has it (apps/demo/supabase/migrations/0003_notes.sql). */
interface Note extends Record<string, unknown> {
  id: string;
  body: string;
  created_at: string;
}

/**
 * The signed-in user's own notes: RLS lets each user read only theirs, so after signing out and in
 * as someone else (no reload) the list holds that user's notes only, kept live by postgres changes.
 */
export function MyNotes({ user }: { user: RoomUser }) {
  const notes = useRealtimeQuery<Note>(
    {
      // Keyed by user, so one user's cached rows are never shown to the next.
      queryKey: ['notes', user.id],
      queryFn: async () => {
        const { data, error } = await supabase.from('notes').select('*').order('created_at');
        if (error) throw new Error(error.message);
        return data as Note[];
      },
    },
    { table: 'notes', apply: 'merge', order: { column: 'created_at' } },
  );
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = body.trim();
    if (!text) return;
    setBody('');
    const { error: failed } = await supabase.from('notes').insert({ body: text });
    setError(failed ? `Could not save "${text}": ${failed.message}` : null);
  };
  return (
    <section className="demo-notes" aria-label="My notes">
      <h2>My notes (only you see them)</h2>
      <form className="demo-add" onSubmit={(event) => void submit(event)}>
        <label htmlFor="demo-new-note" className="demo-visually-hidden">
          New note
        </label>
        <input
          id="demo-new-note"
          className="demo-input"
          data-testid="new-note"
          placeholder="A note to yourself"
          value={body}
          maxLength={200}
          onChange={(event) => setBody(event.target.value)}
        />
        <button type="submit" className="demo-button" data-testid="add-note">
          Save
        </button>
      </form>
      {error ? (
        <p role="alert" className="demo-error">
          {error}
        </p>
      ) : null}
      <ul data-testid="notes" data-state={notes.isSuccess ? 'loaded' : 'loading'}>
        {notes.data?.map((note) => (
          <li key={note.id} data-testid="note">
            {note.body}
          </li>
        ))}
      </ul>
    </section>
  );
}
