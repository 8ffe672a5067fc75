/** The shape of a room's typed events and presence state. */
export interface RoomSchema {
  /** Broadcast event names mapped to their payload types. */
  events?: Record<string, unknown>;
  /** The presence state each user tracks in the room. */
  presence?: Record<string, unknown>;
}

/** A room name that carries its event and presence types to every hook it is passed to. */
export interface RoomDefinition<S extends RoomSchema = RoomSchema> {
  /** The channel name, without the `realtime:` prefix. */
  readonly name: string;
  /** Whether the room is a private channel, authorized by RLS on `realtime.messages`. */
  readonly private: boolean;
  /** Type-only marker; never set at runtime. */
  readonly __schema?: S;
}

/**
 * Declares a room once so its events and presence are typed end to end.
 * @example
 * const lobby = defineRoom<{ events: { message: { text: string } } }>('chat:lobby');
 */
export function defineRoom<S extends RoomSchema = RoomSchema>(
  name: string,
  options: { private?: boolean } = {},
): RoomDefinition<S> {
  if (name.length === 0) throw new Error('defineRoom needs a non-empty room name.');
  return Object.freeze({ name, private: options.private ?? false });
}
