import { RealtimeProvider } from '@roomkit/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { supabase } from './supabase';

/** react-query around the realtime provider: `@roomkit/react/query` finds its client there. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <RealtimeProvider client={supabase}>{children}</RealtimeProvider>
    </QueryClientProvider>
  );
}
