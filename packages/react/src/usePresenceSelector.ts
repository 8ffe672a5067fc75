'use client';
import { useRef } from './reactApi';
import { useStoreSelector } from './useStoreSelector';
import type { PresenceUser } from './core/presenceUsers';
import {
  type RoomDefinition,
  type RoomInput,
  type RoomPresenceState,
  type RoomSchema,
} from './defineRoom';
import { NO_USERS, usePresenceChannel } from './usePresenceChannel';

/** Options of {@link usePresenceSelector}. */
export interface PresenceSelectorOptions<T> {
  /** Use the room's private channel. @default false, or the room definition's flag */
  private?: boolean;
  /** When two selections count as the same (no re-render). @default Object.is */
  isEqual?: (a: T, b: T) => boolean;
}

/**
 * Reads a slice of a room's presence and re-renders only when that slice changes: a user
 * object stays the same (`===`) until that user's state or connections change.
 * @example
 * const alice = usePresenceSelector('doc:1', (users) => users.find((u) => u.key === 'alice'));
 */
export function usePresenceSelector<R extends RoomDefinition<RoomSchema>, T>(
  room: R,
  selector: (users: readonly PresenceUser<RoomPresenceState<R>>[]) => T,
  options?: PresenceSelectorOptions<T>,
): T;
/**
 * Selects from the presence of a plain room name; type the selector's users to type `S`.
 * @example
 * const count = usePresenceSelector('doc:1', (users) => users.length);
 */
export function usePresenceSelector<T, S extends Record<string, unknown> = Record<string, unknown>>(
  room: string,
  selector: (users: readonly PresenceUser<S>[]) => T,
  options?: PresenceSelectorOptions<T>,
): T;
export function usePresenceSelector<T, S>(
  room: RoomInput,
  selector: (users: readonly PresenceUser<S>[]) => T,
  options: PresenceSelectorOptions<T> = {},
): T {
  const [, store, , , roomId] = usePresenceChannel('usePresenceSelector', room, options.private);
  const isEqual = options.isEqual ?? Object.is;
  // The last selection (boxed: it may be undefined), so an equal result keeps its identity and
  // the store skips the render.
  const lastRef = useRef<[T] | null>(null);
  return useStoreSelector(store, (state) => {
    const next = selector((state.presence[roomId] ?? NO_USERS) as readonly PresenceUser<S>[]);
    if (lastRef.current && isEqual(lastRef.current[0], next)) return lastRef.current[0];
    lastRef.current = [next];
    return next;
  });
}
