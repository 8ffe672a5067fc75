'use client';
import { useRealtimeContext, type RealtimeContextValue } from './RealtimeContext';

/**
 * Returns the provider's client, store and channel registry, for code that drives channels
 * directly (as `@roomkit/react/query` does).
 * @example
 * const { registry } = useRealtime();
 * useEffect(() => registry.onReturn((room, first) => first || console.log(room, 'is back')), [registry]);
 */
export function useRealtime(): RealtimeContextValue {
  return useRealtimeContext('useRealtime');
}
