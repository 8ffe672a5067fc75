import type { ChannelRegistry } from '@roomkit/react';

// Read pointers are not broadcast: a chat that marks a room read tells the unread counts of the
// same provider (keyed by its registry) itself.
const readers = new WeakMap<ChannelRegistry, Set<(room: string) => void>>();

/** Calls `listener` with a room each time a chat of this provider marks it read. */
export function onRoomRead(registry: ChannelRegistry, listener: (room: string) => void) {
  const set = readers.get(registry) ?? new Set();
  readers.set(registry, set);
  set.add(listener);
  return () => void set.delete(listener);
}

/** Tells this provider's unread counts that `room` was marked read. */
export function announceRoomRead(registry: ChannelRegistry, room: string) {
  readers.get(registry)?.forEach((listener) => listener(room));
}
