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
    const { error: failed } = await supabase.auth.signInAnonymously({
      options: { data: { name: chosen.slice(0, 40) } },
    });
    setBusy(false);
    if (failed) setError(`Could not sign in: ${failed.message}`);
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
