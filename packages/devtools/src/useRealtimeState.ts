import { useRealtime, type RealtimeState } from '@roomkit/react';
import { useSyncExternalStore } from 'react';

/** Reads one part of the provider's store without joining anything. */
export function useRealtimeState<T>(select: (state: RealtimeState) => T): T {
  const { store } = useRealtime();
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getState()),
    () => select(store.getState()),
  );
}
