'use client';
import { useStoreSelector } from './useStoreSelector';
import { roomKey } from './core/ChannelRegistry';
import { IDLE_ROOM, type RoomSnapshot } from './core/roomChannel';
import { resolveRoom, type RoomInput } from './defineRoom';
import { useRealtimeContext } from './RealtimeContext';

/**
 * Reads a room channel's snapshot (`{ phase, reason, since }`) without joining it: phase
 * `'idle'` until some hook uses the room. The object is the same until the phase or reason changes.
 * @example
 * const { phase, reason } = useChannelStatus('chat:lobby');
 * return <button disabled={phase !== 'joined'} title={reason ?? undefined}>Send</button>;
 */
export function useChannelStatus(
  room: RoomInput,
  options: { private?: boolean } = {},
): RoomSnapshot {
  const { store } = useRealtimeContext('useChannelStatus');
  const [name, isPrivate] = resolveRoom(room, options.private);
  const key = roomKey(name, isPrivate);
  return useStoreSelector(store, (state) => state.channels[key] ?? IDLE_ROOM);
}
