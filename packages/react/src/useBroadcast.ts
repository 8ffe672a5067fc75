'use client';
import { useEffect, useMemo } from './reactApi';
import type { BroadcastMessage, SendStatus } from './core/ChannelRegistry';
import {
  resolveRoom,
  type RoomEventName,
  type RoomEventPayload,
  type RoomInput,
} from './defineRoom';
import { useRealtimeContext } from './RealtimeContext';
import { useLatest } from './useLatest';

/** Options of {@link useBroadcast}. */
export interface BroadcastOptions<T> {
  /** Called with each payload of the event sent by others (and by this client with `self`). */
  onMessage?: (payload: T, message: BroadcastMessage<T>) => void;
  /** Also receive what this client sends: at once, or once the server acknowledged it with `ack`. @default false */
  self?: boolean;
  /** Resolve `send` only when the server acknowledged it (joins the channel with `ack`). @default false */
  ack?: boolean;
  /** Use the room's private channel. @default false, or the room definition's flag */
  private?: boolean;
  /** When the channel is not joined, send over REST instead of resolving `'error'`. @default false */
  rest?: boolean;
}

/** What {@link useBroadcast} returns. */
export interface Broadcaster<T> {
  /** Sends one payload (JSON or binary); the function is stable across renders. */
  send(payload: T): Promise<SendStatus>;
}

/**
 * Sends and receives one broadcast event on a shared room channel, typed by the room.
 * @example
 * const chat = defineRoom<{ events: { message: { text: string } } }>('chat');
 * const { send } = useBroadcast(chat, 'message', { onMessage: (m) => console.log(m.text) });
 */
export function useBroadcast<R extends RoomInput, E extends RoomEventName<R>>(
  room: R,
  event: E,
  options?: BroadcastOptions<RoomEventPayload<R, E>>,
): Broadcaster<RoomEventPayload<R, E>>;
/**
 * Sends and receives one broadcast event of a plain room name, typed by `T`.
 * @example
 * const { send } = useBroadcast<{ x: number }>('canvas', 'cursor');
 */
export function useBroadcast<T>(
  room: string,
  event: string,
  options?: BroadcastOptions<T>,
): Broadcaster<T>;
export function useBroadcast(
  room: RoomInput,
  event: string,
  options: BroadcastOptions<unknown> = {},
): Broadcaster<unknown> {
  const { registry } = useRealtimeContext('useBroadcast');
  const [name, isPrivate, checkEvent] = resolveRoom(room, options.private);
  // Each defaults to false where it is used.
  const { self, ack, rest } = options;
  const onMessage = useLatest(options.onMessage);
  const listening = options.onMessage !== undefined;
  useEffect(() => {
    const channel = registry.room(name, isPrivate);
    const release = channel.retain({ ack });
    const deliver = (payload: unknown, message: BroadcastMessage) =>
      onMessage.current?.(payload, message);
    // No allocation per message: the unvalidated path is the hot one (cursors).
    const off = listening
      ? channel.onBroadcast(
          event,
          (message) =>
            checkEvent ? checkEvent(event, message, deliver) : deliver(message.payload, message),
          self,
        )
      : undefined;
    return () => {
      off?.();
      release();
    };
  }, [registry, name, isPrivate, event, ack, self, listening, checkEvent, onMessage]);
  return useMemo(
    () => ({
      send: async (payload: unknown): Promise<SendStatus> =>
        (await registry.find(name, isPrivate)?.send(event, payload, rest)) ?? 'error',
    }),
    [registry, name, isPrivate, event, rest],
  );
}
