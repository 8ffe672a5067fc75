import type { BroadcastMessage, ChannelNeeds, PostgresBinding, SendStatus } from './channelTypes';
import type { PresenceUser } from './presenceUsers';
import type { RoomEvent, RoomSnapshot } from './roomChannel';
import type { ConnectionSnapshot } from './watchConnection';

/** A room as a tab names it: its name and private flag. */
export type TabRoom = readonly [name: string, isPrivate: boolean];

/** Everything one tab needs from the shared connection, sent whole whenever it changes. */
export interface TabWants {
  /** Each consumer's join needs (without the presence check, which stays in its tab), by id. */
  readonly retains: ReadonlyArray<readonly [id: number, room: TabRoom, needs: ChannelNeeds]>;
  /** The broadcast events (`b:<event>`) and postgres bindings (`p:<binding>`) it listens to. */
  readonly listens: ReadonlyArray<
    readonly [room: TabRoom, id: string, binding: PostgresBinding | null]
  >;
  /** Each presence consumer's slice of the tracked state, by owner id. */
  readonly slices: ReadonlyArray<
    readonly [room: TabRoom, owner: number, slice: Record<string, unknown>]
  >;
}

/** What a tab tells the leader. `tab` is the sending tab's id. */
export type TabRequest =
  /** A tab is here and looks for the leader. */
  | { type: 'hello'; tab: string }
  /** The tab's whole wants; they replace the ones it sent before. */
  | { type: 'wants'; tab: string; hub: string; wants: TabWants }
  /** Send a broadcast on the shared channel; answered with `sent`. */
  | {
      type: 'send';
      tab: string;
      hub: string;
      id: number;
      room: TabRoom;
      event: string;
      payload: unknown;
      rest: boolean;
    }
  /** Send the shared room's machine an event (the devtools' leave and rejoin): every tab sees it. */
  | { type: 'dispatch'; tab: string; hub: string; room: TabRoom; event: RoomEvent }
  /** Is the leader still there? Answered with `pong`. */
  | { type: 'ping'; tab: string; hub: string }
  /** The tab goes away (closed, hidden into the back/forward cache, frozen, signed in elsewhere). */
  | { type: 'bye'; tab: string };

/** What the leader tells the tabs. `hub` names the leader's term; `to` narrows it to one tab. */
export type HubNotice =
  /** A leader holds the connection, as it stands: every tab sends its wants (again). */
  | {
      type: 'leader';
      hub: string;
      to?: string;
      connection: ConnectionSnapshot;
      channels: Readonly<Record<string, RoomSnapshot>>;
      presence: Readonly<Record<string, readonly PresenceUser[]>>;
    }
  /** The leader gives up the connection (its page goes away); another takes over. */
  | { type: 'resign'; hub: string }
  /** The connection's snapshot. */
  | { type: 'connection'; hub: string; snapshot: ConnectionSnapshot }
  /** A room's snapshot; undefined once the room is gone. */
  | { type: 'status'; hub: string; key: string; snapshot: RoomSnapshot | undefined }
  /** A room's users, unchecked; undefined once the room is gone. */
  | { type: 'presence'; hub: string; key: string; users: readonly PresenceUser[] | undefined }
  /**
   * A room is back after a gap of the leader's socket, or (`first`) first streams its changes;
   * with `to`, only that tab's listeners of a binding the room already streamed have just been
   * relayed, and what its queries read before may miss a change.
   */
  | { type: 'returned'; hub: string; key: string; first: boolean; to?: string }
  /** A broadcast for `b:<event>` listeners; `from` is the tab that sent it, which heard it already. */
  | { type: 'broadcast'; hub: string; key: string; message: BroadcastMessage; from?: string }
  /** A postgres change for `p:<binding>` listeners. */
  | { type: 'postgres'; hub: string; key: string; id: string; change: unknown }
  /** The answer to a tab's `ping`. */
  | { type: 'pong'; hub: string; to: string }
  /** The answer to a tab's `send`. */
  | { type: 'sent'; hub: string; to: string; id: number; status: SendStatus };

/** Any message on a group's channel. */
export type TabMessage = TabRequest | HubNotice;

const TYPES = new Set([
  'hello',
  'wants',
  'send',
  'bye',
  'dispatch',
  'ping',
  'pong',
  'leader',
  'resign',
  'connection',
  'status',
  'presence',
  'returned',
  'broadcast',
  'postgres',
  'sent',
]);

/**
 * Whether `data` (from another tab of the origin, so possibly another version of the app) is a
 * message of this protocol; anything else is ignored.
 */
export function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false;
  const { type, tab, hub } = data as { type?: unknown; tab?: unknown; hub?: unknown };
  return (
    typeof type === 'string' &&
    TYPES.has(type) &&
    (typeof tab === 'string' || typeof hub === 'string')
  );
}
