'use client';
import { useEffect } from './reactApi';
import { roomKey } from './core/ChannelRegistry';
import type { PresenceUser } from './core/presenceUsers';
import { resolveRoom, type RoomInput } from './defineRoom';
import { useRealtimeContext } from './RealtimeContext';

/** The users of a room nobody is in yet; shared, so readers compare it with `===`. */
export const NO_USERS: readonly PresenceUser[] = [];

/**
 * Holds a room's presence for a presence hook: a binding before the join, under `key` when the
 * hook tracks, checked by the room's presence check. Returns the provider and the room's
 * resolved name and store key.
 */
export function usePresenceChannel(
  hook: string,
  room: RoomInput,
  isPrivateOption: boolean | undefined,
  key?: string,
) {
  const { registry, store } = useRealtimeContext(hook);
  const [name, isPrivate, , checkPresence] = resolveRoom(room, isPrivateOption);
  useEffect(
    () =>
      registry.room(name, isPrivate).retain({ presence: true, presenceKey: key, checkPresence }),
    [registry, name, isPrivate, key, checkPresence],
  );
  return [registry, store, name, isPrivate, roomKey(name, isPrivate)] as const;
}
