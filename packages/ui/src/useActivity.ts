'use client';
import { useEffect, useState } from 'react';

/** A person's activity as shown by avatars. */
export type PresenceStatus = 'online' | 'idle' | 'away';

/**
 * This tab's activity: `away` while hidden, `idle` after `idleMs` without input, else `online`.
 * Changes are rare, so tracking it in presence stays far below the rate limit.
 * @example
 * const status = useActivity(60_000);
 */
export function useActivity(idleMs: number): PresenceStatus {
  const [status, setStatus] = useState<PresenceStatus>('online');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const active = () => {
      clearTimeout(timer);
      if (document.visibilityState === 'hidden') return setStatus('away');
      setStatus('online');
      timer = setTimeout(() => setStatus('idle'), idleMs);
    };
    const events = ['pointerdown', 'keydown', 'pointermove', 'visibilitychange'] as const;
    for (const name of events) document.addEventListener(name, active, { passive: true });
    timer = setTimeout(() => setStatus('idle'), idleMs);
    return () => {
      clearTimeout(timer);
      for (const name of events) document.removeEventListener(name, active);
    };
  }, [idleMs]);
  return status;
}
