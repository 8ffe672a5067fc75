import { RealtimeProvider } from '@roomkit/react';
import { acrossTabs } from '@roomkit/react/tabs';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { supabase } from './supabase';

/**
 * react-query around the realtime provider: `@roomkit/react/query` finds its client there. The
 * connection is shared across tabs (`@roomkit/react/tabs`), as the React 18 app's is not.
 */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <RealtimeProvider client={supabase} shareConnection={acrossTabs}>
        {children}
      </RealtimeProvider>
    </QueryClientProvider>
  );
}
