'use client';
import { useRealtimeContext, type RealtimeContextValue } from './RealtimeContext';

/**
 * Returns the provider's client, store and channel registry, for code that drives channels
 * directly, such as `syncQueriesWithRealtime`.
 * @example
 * const { registry } = useRealtime();
 * useEffect(() => syncQueriesWithRealtime({ queryClient, registry, room: 'todos', queryKey: ['todos'] }), []);
 */
export function useRealtime(): RealtimeContextValue {
  return useRealtimeContext('useRealtime');
}
