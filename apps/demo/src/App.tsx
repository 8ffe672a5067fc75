import type { Session } from '@supabase/supabase-js';
import { useEffect, useState } from 'react';
import { Room } from './Room';
import { SignIn } from './SignIn';
import { supabase } from './supabase';

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
  if (session === undefined) return <p className="demo-loading">Loading…</p>;
  if (session === null) return <SignIn />;
  const name = (session.user.user_metadata as { name?: unknown }).name;
  return (
    <Room user={{ id: session.user.id, name: typeof name === 'string' && name ? name : 'Guest' }} />
  );
}
