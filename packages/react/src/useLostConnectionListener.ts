'use client';
import { useEffect } from './reactApi';
import { useRealtimeContext } from './RealtimeContext';
import { useLatest } from './useLatest';

/** Options of {@link useLostConnectionListener}. */
export interface LostConnectionOptions {
  /** Called once the connection has been down for `delayMs`. */
  onLost?: () => void;
  /** Called when it is back, only after `onLost` fired. */
  onRestored?: () => void;
  /** Drops shorter than this are ignored. @default 2000 */
  delayMs?: number;
}

/**
 * Calls `onLost` when the connection has been dropped for longer than `delayMs`, and
 * `onRestored` when it returns; blips shorter than the delay call neither. Never re-renders.
 * @example
 * useLostConnectionListener({ onLost: () => toast('Reconnecting…'), onRestored: () => toast('Back online') });
 */
export function useLostConnectionListener(options: LostConnectionOptions): void {
  const { store } = useRealtimeContext('useLostConnectionListener');
  const callbacks = useLatest(options);
  const delayMs = options.delayMs ?? 2000;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lost = false;
    // Every store change lands here; the timer starts once per drop and ends with it.
    return store.subscribe(({ connection: { status } }) => {
      if (status === 'reconnecting') {
        timer ??= setTimeout(() => {
          lost = true;
          callbacks.current.onLost?.();
        }, delayMs);
      } else if (status !== 'connecting') {
        clearTimeout(timer);
        timer = undefined;
        if (lost && status === 'open') callbacks.current.onRestored?.();
        lost = false;
      }
    });
  }, [store, delayMs, callbacks]);
}
