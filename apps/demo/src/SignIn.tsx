import { useState, type FormEvent } from 'react';
import { supabase } from './supabase';

/** Anonymous sign-in with a chosen name: no e-mail, no password. */
export function SignIn() {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const chosen = name.trim();
    if (!chosen) return setError('Choose a name first.');
    setBusy(true);
    setError(null);
    const display = chosen.slice(0, 40);
    const { data, error: failed } = await supabase.auth.signInAnonymously({
      options: { data: { name: display } },
    });
    setBusy(false);
    if (failed || !data.user)
      return setError(`Could not sign in: ${failed?.message ?? 'no user came back'}`);
    // The chat's profile: the name beside messages and in "Seen by" (a reader is named only by a
    // profile or their own messages in the room, never by sign-up metadata). The room is already
    // showing; if this fails, messages still show the sign-up name and readers show 'Anonymous'.
    const { error: unnamed } = await supabase
      .from('chat_profiles')
      .upsert({ id: data.user.id, display_name: display });
    if (unnamed) console.warn(`Could not save the chat profile: ${unnamed.message}`);
  };
  return (
    <main className="demo-card demo-sign-in">
      <h1>Roomkit demo</h1>
      <p>A task board, a chat and live cursors, shared by everyone who opens this page.</p>
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor="demo-name">Your name</label>
        <input
          id="demo-name"
          className="demo-input"
          data-testid="sign-in-name"
          value={name}
          maxLength={40}
          autoComplete="nickname"
          autoFocus
          onChange={(event) => setName(event.target.value)}
        />
        <button
          type="submit"
          className="demo-button"
          data-variant="primary"
          data-testid="sign-in-submit"
          disabled={busy}
        >
          {busy ? 'Joining…' : 'Join the board'}
        </button>
        {error ? (
          <p role="alert" className="demo-error">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
