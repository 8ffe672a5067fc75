'use client';
import { useStoreSelector } from './useStoreSelector';
import type { ConnectionSnapshot } from './core/watchConnection';
import { useRealtimeContext } from './RealtimeContext';

/**
 * Reads the socket's status, its heartbeat latency and the last error. The snapshot is the same
 * object until one of them changes.
 * @example
 * const { status, latencyMs } = useConnectionStatus();
 * return <span data-state={status}>{latencyMs ?? '–'} ms</span>;
 */
export function useConnectionStatus(): ConnectionSnapshot {
  const { store } = useRealtimeContext('useConnectionStatus');
  return useStoreSelector(store, (state) => state.connection);
}
