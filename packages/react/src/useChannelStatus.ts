'use client';
import { useStoreSelector } from './useStoreSelector';
import { roomKey, type ChannelStatus } from './core/ChannelRegistry';
import { resolveRoom, type RoomInput } from './defineRoom';
import { useRealtimeContext } from './RealtimeContext';

/**
 * Reads a shared channel's status without joining it: `'idle'` until some hook uses the room.
 * @example
 * const status = useChannelStatus('chat:lobby');
 * return <button disabled={status !== 'joined'}>Send</button>;
 */
export function useChannelStatus(
  room: RoomInput,
  options: { private?: boolean } = {},
): ChannelStatus {
  const { store } = useRealtimeContext('useChannelStatus');
  const { name, isPrivate } = resolveRoom(room, options.private);
  const key = roomKey(name, isPrivate);
  return useStoreSelector(store, (state) => state.channels[key] ?? 'idle');
}
