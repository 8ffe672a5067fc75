import type { RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import type { RateLimit } from './presenceTracker';
import type { PresenceCheck, PresenceUser } from './presenceUsers';
import type { RoomEvent, RoomPhase, RoomSnapshot } from './roomChannel';

export type { RoomEffect, RoomEvent, RoomPhase, RoomSnapshot } from './roomChannel';

/** @deprecated The phase of a room's channel: use {@link RoomPhase} (`useChannelStatus().phase`). */
export type ChannelStatus = RoomPhase;

/** What `send` resolves to, as Supabase reports it. */
export type SendStatus = 'ok' | 'error' | 'timed out';

/** The row events a postgres-changes binding listens to. */
export type PostgresEvent = '*' | 'INSERT' | 'UPDATE' | 'DELETE';

/** One postgres-changes binding; it must be in the join payload, so it is known before joining. */
export interface PostgresBinding {
  event: PostgresEvent;
  schema: string;
  table: string;
  filter?: string;
}

/** A change as the client delivers it. */
export type PostgresChange<Row extends Record<string, unknown> = Record<string, unknown>> =
  RealtimePostgresChangesPayload<Row>;

/** A broadcast as the client delivers it. */
export interface BroadcastMessage<T = unknown> {
  event: string;
  payload: T;
  meta?: { replayed?: boolean; id: string };
}

/** What one consumer needs in the join payload. */
export interface ChannelNeeds {
  /** Receive presence (a presence binding before the join). */
  presence?: boolean;
  /** The key to track presence under; implies `presence`. The newest consumer's key is joined with. */
  presenceKey?: string;
  /**
   * Checks each user's presence state (the room's first check counts): the state to show, or
   * undefined to drop it. `defineRoom` builds it from `validate.presence`.
   */
  checkPresence?: PresenceCheck;
  /** Ask the server to acknowledge each broadcast. */
  ack?: boolean;
  /** A postgres-changes binding. */
  postgres?: PostgresBinding;
}

/** Options of {@link createChannelRegistry}. */
export interface ChannelRegistryOptions {
  /** The Supabase client whose one socket carries every channel. */
  client: SupabaseClient;
  /** How long a channel stays joined after its last consumer leaves. @default 1000 */
  lingerMs?: number;
  /** How long a user who dropped is still listed. @default 5000 */
  presenceGraceMs?: number;
  /** The server's presence limit per channel. @default { maxCalls: 5, windowMs: 30000 } */
  presenceLimit?: RateLimit;
  /**
   * What joins wait for (a promise, such as the client's first token); asked before each join is
   * sent. @default nothing to wait for
   */
  ready?: () => unknown;
  /** Called with a channel's snapshot each time it changes (undefined once it is gone). */
  onStatus?: (key: string, snapshot: RoomSnapshot | undefined) => void;
  /** Called with a channel's users (undefined once it is gone). */
  onPresence?: (key: string, users: readonly PresenceUser[] | undefined) => void;
}

/** One shared channel: ref-counted consumers, listeners by event, presence and status. */
export interface RoomChannel {
  readonly key: string;
  /** The channel's machine snapshot: the same object until its phase or reason changes. */
  getSnapshot(): RoomSnapshot;
  /**
   * Sends the channel's machine one {@link RoomEvent}; its effects run as for any other event.
   * A seam for tools: `leaveRoom` / `rejoinRoom` of `@roomkit/react/devtools` are built on it.
   */
  dispatch(event: RoomEvent): void;
  /**
   * How many consumers hold the room now (retains not yet released). A seam for tools:
   * `roomConsumers` of `@roomkit/react/devtools` reads it; a registry that does not count its
   * consumers leaves it out. A tab sharing its connection (`acrossTabs`) counts its own.
   */
  consumers?(): number;
  /** Registers a consumer's needs; returns its release. */
  retain(needs: ChannelNeeds): () => void;
  /** Listens to one broadcast event. */
  onBroadcast(
    event: string,
    listener: (message: BroadcastMessage) => void,
    self?: boolean,
  ): () => void;
  /** Listens to one postgres-changes binding. */
  onPostgres(binding: PostgresBinding, listener: (change: PostgresChange) => void): () => void;
  /** Sends a broadcast on the socket; over REST only when `rest` allows it. */
  send(event: string, payload: unknown, rest?: boolean): Promise<SendStatus>;
  /**
   * Sets one consumer's slice of the tracked presence state (null removes it). The client tracks
   * every slice merged into one state, coalesced under the rate limit; with no slice left it
   * untracks. `owner` is any object that stands for the consumer. @default one shared slice
   */
  track(slice: Record<string, unknown> | null, owner?: object): void;
}

/** The provider's registry of shared channels, keyed by room name and private flag. */
export interface ChannelRegistry {
  /** The channel for a room, created (not joined) on first use. */
  room(name: string, isPrivate: boolean): RoomChannel;
  /** The channel for a room if a consumer holds it. */
  find(name: string, isPrivate: boolean): RoomChannel | undefined;
  /**
   * Called with a room's key each time its channel is SUBSCRIBED again after a gap (socket
   * drop, heartbeat timeout, channel error, timeout, server restart, transparent rejoin), and
   * once with `first` true when the room first streams: on its first SUBSCRIBED, or for a room
   * with postgres bindings when the server first streams its changes (`Subscribed to
   * PostgreSQL`). A read made before then (history, a table) may have missed what was sent or
   * changed in between, so it should be read again. A room already joined when a listener
   * subscribes is not reported to it.
   */
  onReturn(listener: (key: string, first?: boolean) => void): () => void;
  /** Whether any channel is in use. */
  active(): boolean;
  /** Leaves presence at once, ahead of the page going away. */
  untrackAll(): void;
  /**
   * Follows the signed-in user (null when signed out): the first report is recorded; signing out
   * leaves every private room (`unauthorized`) and untracks presence; another user rejoins every
   * room with their token.
   */
  setUser(id: string | null): void;
  /** Leaves every room now (the provider moved to another client). */
  dispose(): void;
}
