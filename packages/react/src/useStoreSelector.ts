'use client';
import { useSyncExternalStore } from './reactApi';
import type { StoreApi } from 'zustand/vanilla';

/**
 * Reads a slice of a provider's store and re-renders only when the slice changes (`Object.is`);
 * on the server it reads the initial state.
 * @example
 * const connection = useStoreSelector(store, (state) => state.connection);
 */
export function useStoreSelector<S, T>(store: StoreApi<S>, selector: (state: S) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => selector(store.getState()),
    () => selector(store.getInitialState()),
  );
}
