import { RealtimeProvider } from '@roomkit/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { supabase } from './supabase';

/** react-query and the realtime provider, sharing one query client. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <RealtimeProvider client={supabase} queryClient={queryClient}>
        {children}
      </RealtimeProvider>
    </QueryClientProvider>
  );
}
