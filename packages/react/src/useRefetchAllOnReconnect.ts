'use client';
import type { QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useRealtimeContext } from './RealtimeContext';
import { scheduleRefetch } from './syncQueriesWithRealtime';
import { useResolvedQueryClient } from './useRealtimeQuery';

/**
 * Invalidates every active query whenever any channel of the provider returns after a gap (one
 * batch however many channels return together), for data that realtime does not cover. Uses the
 * given query client, else the provider's, else the nearest `QueryClientProvider`'s.
 * @example
 * import { useRefetchAllOnReconnect } from '@roomkit/react/query';
 * useRefetchAllOnReconnect();
 */
export function useRefetchAllOnReconnect(queryClient?: QueryClient): void {
  const { registry } = useRealtimeContext('useRefetchAllOnReconnect');
  const client = useResolvedQueryClient('useRefetchAllOnReconnect', queryClient);
  if (!client) {
    throw new Error(
      '`useRefetchAllOnReconnect` needs a QueryClient: pass one, give one to <RealtimeProvider>, or render it inside a <QueryClientProvider>.',
    );
  }
  useEffect(() => registry.onReturn(() => scheduleRefetch(client, 'all')), [registry, client]);
}
