import type { Session } from '@supabase/supabase-js';
import { lazy, Suspense, useEffect, useState } from 'react';
import { SignIn } from './SignIn';
import { supabase } from './supabase';

// The room (chat, cursors, react-query) loads as its own chunk while the sign-in screen shows.
const Room = lazy(() => import('./Room'));

const loading = <p className="demo-card demo-loading">Loading…</p>;

/** Signed out: choose a name. Signed in (the session persists per browser): the shared room. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void supabase.auth.getSession().then(({ data }) => {
      if (live) setSession(data.session);
    });
    const { data } = supabase.auth.onAuthStateChange((_event, next) => setSession(next));
    return () => {
      live = false;
      data.subscription.unsubscribe();
    };
  }, []);
  if (session === undefined) return loading;
  if (session === null) return <SignIn />;
  const name = (session.user.user_metadata as { name?: unknown }).name;
  return (
    <Suspense fallback={loading}>
      <Room
        user={{ id: session.user.id, name: typeof name === 'string' && name ? name : 'Guest' }}
      />
    </Suspense>
  );
}
