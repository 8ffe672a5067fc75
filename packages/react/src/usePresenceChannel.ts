'use client';
import { useEffect } from './reactApi';
import { roomKey } from './core/ChannelRegistry';
import { resolveRoom, type RoomInput } from './defineRoom';
import { useRealtimeContext } from './RealtimeContext';

/**
 * Holds a room's presence for a presence hook: a binding before the join, under `key` when the
 * hook tracks, checked by the room's presence schema. Returns the provider and the room's
 * resolved name and store key.
 */
export function usePresenceChannel(
  hook: string,
  room: RoomInput,
  isPrivateOption: boolean | undefined,
  key?: string,
) {
  const { registry, store } = useRealtimeContext(hook);
  const { name, isPrivate, validate } = resolveRoom(room, isPrivateOption);
  const presenceSchema = validate?.presence;
  useEffect(
    () =>
      registry.room(name, isPrivate).retain({ presence: true, presenceKey: key, presenceSchema }),
    [registry, name, isPrivate, key, presenceSchema],
  );
  return { registry, store, name, isPrivate, roomId: roomKey(name, isPrivate) };
}
