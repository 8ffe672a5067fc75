import { RealtimeProvider } from '@roomkit/react';
import type { RoomUser } from '@roomkit/ui';
import '@roomkit/ui/styles.css';
import type { SupabaseClient } from '@supabase/supabase-js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';

const queryClient = new QueryClient();

/**
 * Signs in anonymously as `name`, then gives `children` a user inside the providers every
 * Roomkit hook and component needs. Make the client once, e.g.
 * `createClient('http://127.0.0.1:54321', LOCAL_ANON_KEY)` for `pnpm start`'s server.
 */
export function App(props: {
  supabase: SupabaseClient;
  name: string;
  children: (user: RoomUser) => ReactNode;
}) {
  const { supabase, name } = props;
  const [user, setUser] = useState<RoomUser | null>(null);
  useEffect(() => {
    void supabase.auth.signInAnonymously({ options: { data: { name } } }).then(({ data }) => {
      if (data.user) setUser({ id: data.user.id, name });
    });
  }, [supabase, name]);
  if (!user) return <p>Signing in…</p>;
  return (
    <QueryClientProvider client={queryClient}>
      <RealtimeProvider client={supabase}>{props.children(user)}</RealtimeProvider>
    </QueryClientProvider>
  );
}
