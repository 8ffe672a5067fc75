import { roomKey } from './ChannelRegistry';
import type { ChannelRegistry, SendStatus } from './channelTypes';
import { createPresenceUsers, type PresenceUser } from './presenceUsers';
import { stableHash } from './stableHash';
import { IDLE_ROOM, type RoomSnapshot } from './roomChannel';
import type { HubNotice, TabRequest, TabWants } from './tabMessages';
import { createTabRoom, type TabRoomChannel, type TabRoomLink } from './tabRoom';
import { IDLE_SOCKET, type ConnectionSnapshot } from './watchConnection';

/** Options of {@link createTabRegistry}. */
export interface TabRegistryOptions {
  /** This tab's id. */
  tab: string;
  /** Sends a request to the leader (in whichever tab it is). */
  post(request: TabRequest): void;
  /** Called with a room's snapshot each time it changes (undefined once it is gone). */
  onStatus(key: string, snapshot: RoomSnapshot | undefined): void;
  /** Called with a room's users, checked by this tab (undefined once it is gone). */
  onPresence(key: string, users: readonly PresenceUser[] | undefined): void;
  /** Called with the shared connection's snapshot, as this tab should show it. */
  onConnection(snapshot: ConnectionSnapshot): void;
  /** Called when this tab's consumers report another user (the group to share with changes). */
  onUser(id: string | null): void;
}

/** As the registry's: the first stream of a room's changes may never be reported (an old server). */
const READY_TIMEOUT_MS = 5000;
const LEFT = 'the leader tab left';

/**
 * A tab's registry when the connection is shared across tabs: the same contract as
 * `createChannelRegistry`, but the channels live in the leader tab. Consumers' needs, listeners
 * and presence slices become this tab's wants, sent whole to the leader whenever they change;
 * the leader's notices come back through `receive`. A handover shows as a gap: each room this
 * tab had joined returns once (tied queries refetch once) when the new leader has joined it.
 * @example
 * const registry = createTabRegistry({ tab, post: bus.post, onStatus, onPresence, onConnection, onUser });
 * bus.onNotice((notice) => registry.receive(notice));
 */
export function createTabRegistry(options: TabRegistryOptions) {
  const { tab, post } = options;
  const rooms = new Map<string, TabRoomChannel>();
  const returnListeners = new Set<(key: string, first?: boolean) => void>();
  const pending = new Map<number, (status: SendStatus) => void>();
  let hub: string | undefined;
  let connection = IDLE_SOCKET;
  // Between a leader leaving and the next one's socket opening, the connection shows reconnecting.
  let handingOver = false;
  let ids = 0;
  let queued = false;
  // When the leader last said anything: a leader that stops answering pings is replaced.
  let heard = 0;
  // The slices as they were when the page went away: left out of the wants until one of them
  // changes or a new leader joins (as one client's presence comes back with a new state or a
  // rejoin, never with the same state sent again).
  let hidden: string | undefined;

  const wants = (): TabWants => {
    const result: { [K in keyof TabWants]: TabWants[K][number][] } = {
      retains: [],
      listens: [],
      slices: [],
    };
    for (const room of rooms.values()) {
      for (const [id, needs] of room.retains) result.retains.push([id, room.tabRoom, needs]);
      for (const [id, set] of room.listeners) {
        if (set.size > 0 && !id.startsWith('s:')) {
          result.listens.push([room.tabRoom, id, room.bindings.get(id) ?? null]);
        }
      }
      for (const [id, slice] of room.slices.values()) result.slices.push([room.tabRoom, id, slice]);
    }
    if (hidden !== undefined && hidden !== stableHash(result.slices)) hidden = undefined;
    return hidden === undefined ? result : { ...result, slices: [] };
  };

  // Consumers of one commit change their wants one after another: one message carries them all.
  const changed = (): void => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      if (hub) post({ type: 'wants', tab, hub, wants: wants() });
    });
  };

  const setConnection = (next: ConnectionSnapshot): void => {
    if (next.status === 'open') handingOver = false;
    else if (handingOver) next = { ...next, status: 'reconnecting' };
    if (
      next.status !== connection.status ||
      next.latencyMs !== connection.latencyMs ||
      next.error !== connection.error
    ) {
      options.onConnection((connection = next));
    }
  };

  const emitReturn = (room: TabRoomChannel, first = false): void => {
    clearTimeout(room.awaiting);
    room.awaiting = undefined;
    for (const listener of returnListeners) listener(room.key, first);
  };

  const setStatus = (room: TabRoomChannel, snapshot: RoomSnapshot | undefined): void => {
    if (!snapshot) {
      if (room.refs > 0) snapshot = IDLE_ROOM;
      else {
        rooms.delete(room.key);
        clearTimeout(room.awaiting);
        options.onStatus(room.key, undefined);
        options.onPresence(room.key, undefined);
        return;
      }
    } else if (room.returning) {
      // The new leader's first join is this tab's rejoin, and its success is this tab's return.
      if (snapshot.phase === 'joining') snapshot = { ...snapshot, phase: 'rejoining' };
      if (snapshot.phase === 'joined') {
        room.returning = false;
        // Tied queries refetch once the server streams the room's changes, as after any gap:
        // the new leader's first stream (its room's `first` return) completes this return.
        if ([...room.bindings.keys()].some((id) => room.listeners.get(id)?.size)) {
          room.awaiting = setTimeout(() => emitReturn(room), READY_TIMEOUT_MS);
        } else emitReturn(room);
      }
    }
    if (snapshot === room.snapshot) return;
    room.snapshot = snapshot;
    options.onStatus(room.key, snapshot);
  };

  const setUsers = (room: TabRoomChannel, users: readonly PresenceUser[] | undefined): void => {
    // The leader lists users as the server has them; this tab checks them with its own schema.
    room.users ??= createPresenceUsers(0, (list) => options.onPresence(room.key, list));
    const raw: Record<string, Array<Record<string, unknown>>> = {};
    for (const user of users ?? []) {
      raw[user.key] = [
        ...Array<Record<string, unknown>>(user.connections - 1).fill({}),
        user.state,
      ];
    }
    room.users.sync(raw, room.checkPresence);
  };

  // The leader is gone: every joined room is in a gap until the next leader joins it.
  const lose = (): void => {
    hub = undefined;
    if (connection.status !== 'idle') {
      handingOver = true;
      setConnection({ ...connection, status: 'reconnecting' });
    }
    for (const resolve of pending.values()) resolve('error');
    pending.clear();
    for (const room of rooms.values()) {
      const { phase } = room.snapshot;
      if (phase !== 'joined' && phase !== 'gap' && phase !== 'rejoining') continue;
      room.returning = true;
      setStatus(room, { phase: 'gap', reason: LEFT, since: Date.now() });
    }
  };

  const link: TabRoomLink = {
    tab,
    post,
    changed,
    pending,
    hub: () => hub,
    nextId: () => ++ids,
  };
  const create = (name: string, isPrivate: boolean) => createTabRoom(name, isPrivate, link);

  const registry: ChannelRegistry = {
    room(name, isPrivate) {
      const key = roomKey(name, isPrivate);
      let room = rooms.get(key);
      if (!room) rooms.set(key, (room = create(name, isPrivate)));
      return room;
    },
    find: (name, isPrivate) => rooms.get(roomKey(name, isPrivate)),
    onReturn(listener) {
      returnListeners.add(listener);
      return () => void returnListeners.delete(listener);
    },
    active: () => rooms.size > 0,
    untrackAll() {
      // The page is going away: its presence leaves the merged state at once; its rooms stay
      // (the leader's socket may serve other tabs).
      hidden = stableHash(wants().slices);
      if (hub) post({ type: 'wants', tab, hub, wants: wants() });
    },
    setUser: (id) => options.onUser(id),
    dispose() {
      post({ type: 'bye', tab });
      hub = undefined;
      for (const room of [...rooms.values()]) {
        room.refs = 0;
        setStatus(room, undefined);
      }
    },
  };

  return {
    registry,
    /** Handles one notice of the leader. */
    receive(notice: HubNotice): void {
      if (notice.type === 'leader') {
        if (notice.to !== undefined && notice.to !== tab) return;
        // Another term than the one this tab follows: the leader changed hands.
        if (hub !== notice.hub && hub !== undefined) lose();
        if (hub !== notice.hub) hidden = undefined;
        hub = notice.hub;
        heard = Date.now();
        setConnection(notice.connection);
        for (const room of [...rooms.values()]) {
          const snapshot = notice.channels[room.key];
          if (snapshot || room.refs === 0) setStatus(room, snapshot);
          if (notice.presence[room.key]) setUsers(room, notice.presence[room.key]);
        }
        post({ type: 'wants', tab, hub, wants: wants() });
        return;
      }
      if (notice.hub !== hub) return;
      heard = Date.now();
      const room = 'key' in notice ? rooms.get(notice.key) : undefined;
      switch (notice.type) {
        case 'resign':
          return lose();
        case 'connection':
          return setConnection(notice.snapshot);
        case 'status':
          if (room) setStatus(room, notice.snapshot);
          return;
        case 'presence':
          if (room) setUsers(room, notice.users);
          return;
        case 'returned':
          if (notice.to !== undefined && notice.to !== tab) return;
          // A first stream that completes this tab's return after a handover is, to this tab, a
          // return after a gap; one that comes before the room has joined again is ignored.
          if (room?.awaiting) emitReturn(room);
          else if (room && !room.returning) emitReturn(room, notice.first);
          return;
        case 'broadcast':
          if (notice.from !== tab) room?.emit(`b:${notice.message.event}`, notice.message);
          return;
        case 'postgres':
          room?.emit(notice.id, notice.change);
          return;
        case 'sent':
          if (notice.to === tab) pending.get(notice.id)?.(notice.status);
          return;
        case 'pong':
          return;
        default:
          return notice satisfies never;
      }
    },
    /** Asks the leader whether it is there; false when this tab follows none. */
    ping(): boolean {
      if (hub !== undefined) post({ type: 'ping', tab, hub });
      return hub !== undefined;
    },
    /** When the leader last said anything (`Date.now()`). */
    lastHeard: (): number => heard,
    /** Tells the leader this tab is here (it answers with its state), or finds none yet. */
    hello(): void {
      post({ type: 'hello', tab });
    },
    /** This tab leaves the group (it stays usable and joins the next group it is told of). */
    leave(): void {
      post({ type: 'bye', tab });
      if (hub !== undefined) lose();
    },
  };
}
