'use client';
import { useBroadcast } from '@roomkit/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RoomUser } from './types';

/** Options of {@link useTyping}. */
export interface TypingOptions {
  /** This user; omit to only read who is typing. */
  user?: Pick<RoomUser, 'id' | 'name'>;
  /** At most one "typing" event per this many ms. @default 1500 */
  throttleMs?: number;
  /** A typist disappears this long after their last event. @default 4000 */
  expireMs?: number;
  /** Use the room's private channel (RLS on `realtime.messages` decides who may join). @default false */
  private?: boolean;
}

interface TypingPayload {
  id: string;
  name: string;
  stop?: boolean;
}

const isTyping = (value: unknown): value is TypingPayload =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as TypingPayload).id === 'string' &&
  typeof (value as TypingPayload).name === 'string';

const NOBODY: readonly string[] = [];

/**
 * Who is typing in a room, over broadcast (throttled, expiring) rather than presence, whose
 * rate limit is strict. `notify` is stable and cheap to call on every keystroke.
 * @example
 * const { typing, notify } = useTyping('room:1', { user });
 */
export function useTyping(room: string, options: TypingOptions = {}) {
  const { user, throttleMs = 1500, expireMs = 4000 } = options;
  const [typing, setTyping] = useState<readonly string[]>(NOBODY);
  const expiries = useRef(
    new Map<string, { name: string; timer: ReturnType<typeof setTimeout> }>(),
  );
  const publish = useCallback(() => {
    const names = [...expiries.current.values()].map((entry) => entry.name);
    setTyping(names.length ? names : NOBODY);
  }, []);
  const { send } = useBroadcast<TypingPayload>(room, 'typing', {
    private: options.private ?? false,
    onMessage: (payload) => {
      if (!isTyping(payload) || payload.id === user?.id) return;
      const map = expiries.current;
      clearTimeout(map.get(payload.id)?.timer);
      if (payload.stop) map.delete(payload.id);
      else
        map.set(payload.id, {
          name: payload.name,
          timer: setTimeout(() => {
            map.delete(payload.id);
            publish();
          }, expireMs),
        });
      publish();
    },
  });
  useEffect(() => {
    const map = expiries.current;
    return () => map.forEach((entry) => clearTimeout(entry.timer));
  }, []);
  const last = useRef(0);
  const id = user?.id;
  const name = user?.name;
  const notify = useCallback(
    (stop = false) => {
      if (id === undefined || name === undefined) return;
      const now = Date.now();
      if (!stop && now - last.current < throttleMs) return;
      last.current = stop ? 0 : now;
      void send({ id, name, ...(stop ? { stop } : {}) });
    },
    [id, name, throttleMs, send],
  );
  return { typing, notify };
}
