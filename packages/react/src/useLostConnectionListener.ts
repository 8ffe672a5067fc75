'use client';
import { useEffect } from './reactApi';
import { useRealtimeContext } from './RealtimeContext';
import { useLatest } from './useLatest';

/** Options of {@link useLostConnectionListener}. */
export interface LostConnectionOptions {
  /** Called once the connection has been down for `delayMs`. */
  onLost?: () => void;
  /**
   * Called when the drop ends, only after `onLost` fired: the socket is open again, or no channel
   * needs it any more (`idle`).
   */
  onRestored?: () => void;
  /** Drops shorter than this are ignored; a new value applies from the next drop. @default 2000 */
  delayMs?: number;
}

/**
 * Calls `onLost` when the connection has been dropped for longer than `delayMs`, and
 * `onRestored` when the drop ends; blips shorter than the delay call neither. Never re-renders.
 * @example
 * useLostConnectionListener({ onLost: () => toast('Reconnecting…'), onRestored: () => toast('Back online') });
 */
export function useLostConnectionListener(options: LostConnectionOptions): void {
  const { store } = useRealtimeContext('useLostConnectionListener');
  const callbacks = useLatest(options);
  // The delay is read as a drop starts, so changing it never forgets a drop under way.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lost = false;
    const stop = store.subscribe(({ connection: { status } }) => {
      if (status === 'reconnecting') {
        timer ??= setTimeout(() => {
          lost = true;
          callbacks.current.onLost?.();
        }, callbacks.current.delayMs ?? 2000);
      } else if (status !== 'connecting') {
        clearTimeout(timer);
        timer = undefined;
        if (lost) callbacks.current.onRestored?.();
        lost = false;
      }
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [store, callbacks]);
}
