'use client';
import type { QueryClient } from '@tanstack/react-query';
import { useQueryClient } from './reactQueryApi';
import { useEffect } from '../reactApi';
import { useRealtimeContext } from '../RealtimeContext';
import { scheduleRefetch } from './syncQueriesWithRealtime';

/**
 * Invalidates every active query whenever any channel of the provider returns after a gap (one
 * batch however many channels return together), for data that realtime does not cover. Uses the
 * given query client, else the nearest `QueryClientProvider`'s.
 * @example
 * import { useRefetchAllOnReconnect } from '@roomkit/react/query';
 * useRefetchAllOnReconnect();
 */
export function useRefetchAllOnReconnect(queryClient?: QueryClient): void {
  const { registry } = useRealtimeContext('useRefetchAllOnReconnect');
  const client = useQueryClient(queryClient);
  useEffect(
    // A room's first stream start is no reconnect: only the queries tied to it refetch.
    () => registry.onReturn((_, first) => first || scheduleRefetch(client, 'all')),
    [registry, client],
  );
}
