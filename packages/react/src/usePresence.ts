'use client';
import { useEffect, useMemo } from './reactApi';
import { useStoreSelector } from './useStoreSelector';
import type { PresenceUser } from './core/presenceUsers';
import {
  type RoomDefinition,
  type RoomInput,
  type RoomPresenceState,
  type RoomSchema,
} from './defineRoom';
import { NO_USERS, usePresenceChannel } from './usePresenceChannel';

/** Options of {@link usePresence}. */
export interface PresenceOptions<S> {
  /** This user's presence key; tabs sharing a key show as one user. */
  key: string;
  /**
   * This hook's part of the state to show: merged with the fields of every other consumer of the
   * room on this client (an `<AvatarStack>`, say) into one tracked state, and re-sent (coalesced
   * under the rate limit) whenever it changes.
   */
  state?: S;
  /** Use the room's private channel. @default false, or the room definition's flag */
  private?: boolean;
}

/** What {@link usePresence} returns; the same object until the users change. */
export interface PresenceResult<S> {
  /** Everyone in the room, one entry per key, in the order they arrived. */
  users: readonly PresenceUser<S>[];
  /** This user (all their tabs), once the server has shown them. */
  me: PresenceUser<S> | undefined;
  /** Everyone but this user. */
  others: readonly PresenceUser<S>[];
  /** Shows a new state; safe to call on every render or mouse move. Stable. */
  update(state: S): void;
}

/**
 * Joins a room's presence as `key` and lists who is there.
 * @example
 * const { others, update } = usePresence('doc:1', { key: user.id, state: { name: user.name } });
 */
export function usePresence<R extends RoomDefinition<RoomSchema>>(
  room: R,
  options: PresenceOptions<RoomPresenceState<R>>,
): PresenceResult<RoomPresenceState<R>>;
/**
 * Joins the presence of a plain room name, with the state typed by `S`.
 * @example
 * const { users } = usePresence<{ name: string }>('doc:1', { key: 'u1', state: { name: 'Ann' } });
 */
export function usePresence<S extends Record<string, unknown> = Record<string, unknown>>(
  room: string,
  options: PresenceOptions<S>,
): PresenceResult<S>;
export function usePresence<S extends Record<string, unknown>>(
  room: RoomInput,
  options: PresenceOptions<S>,
): PresenceResult<S> {
  const { key, state } = options;
  const [registry, store, name, isPrivate, roomId] = usePresenceChannel(
    'usePresence',
    room,
    options.private,
    key,
  );
  // Stable per room: sets (or, with null, removes) this hook's slice of the room's one tracked
  // state, owned by the function itself; other consumers hold their own.
  const track = useMemo(() => {
    const own = (next: S | null) => registry.find(name, isPrivate)?.track(next, own);
    return own;
  }, [registry, name, isPrivate]);
  // Runs after every render that passes a new state object (or a new key: another user signed
  // in); the tracker drops equal states.
  useEffect(() => {
    if (state !== undefined) track(state);
  }, [track, key, state]);
  useEffect(() => () => track(null), [track]);
  const users = useStoreSelector(
    store,
    (s) => s.presence[roomId] ?? NO_USERS,
  ) as readonly PresenceUser<S>[];
  return useMemo(
    () => ({
      users,
      me: users.find((user) => user.key === key),
      others: users.filter((user) => user.key !== key),
      update: track,
    }),
    [users, key, track],
  );
}
