import type { RoomUser } from '@roomkit/ui';
import { useEffect, useState } from 'react';
import { Providers } from './Providers';
import { Room } from './Room';
import { supabase, userName } from './supabase';

/** Signs in anonymously, then shows the room. */
export function App() {
  const [user, setUser] = useState<RoomUser | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    supabase.auth.signInAnonymously({ options: { data: { name: userName } } }).then(
      ({ data, error: failed }) => {
        if (failed || !data.user) setError(failed?.message ?? 'no user');
        else setUser({ id: data.user.id, name: userName });
      },
      (failed: unknown) => setError(String(failed)),
    );
  }, []);
  if (error) return <p role="alert">Could not sign in: {error}</p>;
  if (!user) return <p>Signing in…</p>;
  return (
    <Providers>
      <Room user={user} />
    </Providers>
  );
}
