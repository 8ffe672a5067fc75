import type { BroadcastMessage } from './core/channelTypes';
import type { PresenceCheck } from './core/presenceUsers';
import { presenceCheck, validateIncoming, type StandardSchemaV1 } from './core/standardSchema';

/** The shape of a room's typed events and presence state. */
export interface RoomSchema {
  /** Broadcast event names mapped to their payload types. */
  events?: Record<string, unknown>;
  /** The presence state each user tracks in the room. */
  presence?: Record<string, unknown>;
}

/** The event map of a schema, or any event when it declares none. */
export type SchemaEvents<S> = S extends { events: infer E extends Record<string, unknown> }
  ? E
  : Record<string, unknown>;

/** The presence state of a schema, or any map when it declares none. */
export type SchemaPresence<S> = S extends { presence: infer P extends Record<string, unknown> }
  ? P
  : Record<string, unknown>;

/** Optional runtime validators (zod, valibot, any Standard Schema) for a room's incoming data. */
export interface RoomValidators<S extends RoomSchema> {
  /** One schema per event; an incoming payload that fails is dropped with a development warning. */
  events?: { [E in keyof SchemaEvents<S>]?: StandardSchemaV1<unknown, SchemaEvents<S>[E]> };
  /** A synchronous schema for each user's presence state; a state that fails it is not shown. */
  presence?: StandardSchemaV1<unknown, SchemaPresence<S>>;
}

/** A room name that carries its event and presence types to every hook it is passed to. */
export interface RoomDefinition<S extends RoomSchema = RoomSchema> {
  /** The channel name, without the `realtime:` prefix. */
  readonly name: string;
  /** Whether the room is a private channel, authorized by RLS on `realtime.messages`. */
  readonly private: boolean;
  /** Runtime validators for incoming payloads. */
  readonly validate?: RoomValidators<S>;
  /**
   * Set by {@link defineRoom} when `validate.events` is given: hands `deliver` an incoming
   * broadcast with its parsed payload, or drops it (development warning) when its event's schema
   * rejects it. Events without a schema pass unchanged. The hooks call it, so apps that never
   * validate do not bundle the validation code.
   */
  readonly checkEvent?: (
    event: string,
    message: BroadcastMessage,
    deliver: (payload: unknown, message: BroadcastMessage) => void,
  ) => void;
  /** Set by {@link defineRoom} when `validate.presence` is given: each user's state, checked. */
  readonly checkPresence?: PresenceCheck;
  /** Type-only marker; never set at runtime. */
  readonly __schema?: S;
}

/** What the hooks accept as a room: a plain name or a {@link defineRoom} definition. */
export type RoomInput = string | RoomDefinition<RoomSchema>;

/** The event names of a room input. */
export type RoomEventName<R> =
  R extends RoomDefinition<infer S> ? keyof SchemaEvents<S> & string : string;

/** The payload type of one event of a room input. */
export type RoomEventPayload<R, E extends string> =
  R extends RoomDefinition<infer S> ? SchemaEvents<S>[E] : unknown;

/** The presence state type of a room input. */
export type RoomPresenceState<R> =
  R extends RoomDefinition<infer S> ? SchemaPresence<S> : Record<string, unknown>;

/**
 * Declares a room once so its events and presence are typed end to end, optionally validated.
 * @example
 * const lobby = defineRoom<{ events: { message: { text: string } } }>('chat:lobby');
 */
export function defineRoom<S extends RoomSchema = RoomSchema>(
  name: string,
  options: { private?: boolean; validate?: RoomValidators<S> } = {},
): RoomDefinition<S> {
  const { validate } = options;
  const events: Record<string, StandardSchemaV1 | undefined> | undefined = validate?.events;
  return {
    name,
    private: options.private ?? false,
    validate,
    checkEvent:
      events &&
      ((event, message, deliver) => {
        const schema = events[event];
        if (!schema) return deliver(message.payload, message);
        validateIncoming(schema, message.payload, event, (payload) =>
          deliver(payload, { ...message, payload }),
        );
      }),
    checkPresence: validate?.presence && presenceCheck(validate.presence),
  };
}

/** Reads a room input: its name, private flag (an explicit option wins) and checks. */
export function resolveRoom(
  room: RoomInput,
  isPrivate?: boolean,
): [
  name: string,
  isPrivate: boolean,
  checkEvent?: RoomDefinition['checkEvent'],
  checkPresence?: RoomDefinition['checkPresence'],
] {
  return typeof room === 'string'
    ? [room, isPrivate ?? false]
    : [room.name, isPrivate ?? room.private, room.checkEvent, room.checkPresence];
}
