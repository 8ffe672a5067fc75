import type { ChannelRegistry, PostgresBinding, RoomChannel, RoomSnapshot } from './channelTypes';
import type { PresenceUser } from './presenceUsers';
import { stableHash } from './stableHash';
import type { HubNotice, TabRequest, TabRoom, TabWants } from './tabMessages';
import type { ConnectionSnapshot } from './watchConnection';

/** The leader's own per-tab machinery (a `createRealtimeStore` on its client), read by the hub. */
export interface HubSource {
  /** The leader's channel registry, which holds every tab's rooms. */
  registry: ChannelRegistry;
  /** The leader's store state. */
  getState(): {
    connection: ConnectionSnapshot;
    channels: Readonly<Record<string, RoomSnapshot>>;
    presence: Readonly<Record<string, readonly PresenceUser[]>>;
  };
  /** Calls `listener` after every store change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/** Options of {@link createTabHub}. */
export interface TabHubOptions {
  /** This leader's term: every notice carries it, and tabs ignore other terms' notices. */
  hub: string;
  /** What serves the group. */
  source: HubSource;
  /** The leader tab's own id: its requests come from no other tab. */
  tab: string;
  /**
   * Sends a notice to every tab of the group (this one included); `alone` when no other tab has
   * spoken to this leader, so the notice need not leave this tab.
   */
  post(notice: HubNotice, alone: boolean): void;
  /** Calls `gone` once the tab is gone (its page closed or crashed); returns the cancel. */
  watchTab(tab: string, gone: () => void): () => void;
}

/** What the hub holds for one tab. */
interface TabEntry {
  retains: Map<number, () => void>;
  // By `<room key>\n<owner>`: the slice's hash, and the owner object it is tracked under.
  slices: Map<string, { room: RoomChannel; hash: string; owner: object }>;
  wants: TabWants;
  unwatch: () => void;
}

const NO_WANTS: TabWants = { retains: [], listens: [], slices: [] };

/**
 * The leader's side of a shared connection: it holds every tab's rooms in the leader's own
 * registry (five tabs on one room are one join, their bindings merged into it), tracks every
 * tab's presence slice merged into one state, sends for the tabs, and tells them what the
 * connection, the rooms and presence do.
 * @example
 * const hub = createTabHub({ hub: 'h1', tab, source, post: (n, alone) => bus.post(n, alone), watchTab });
 * bus.onRequest((request) => hub.handle(request));
 */
export function createTabHub({ hub, tab: self, source, post: postAll, watchTab }: TabHubOptions) {
  const { registry } = source;
  const tabs = new Map<string, TabEntry>();
  // Each relayed listener, by `<room key>\n<listener id>`, on the room object it was added to.
  const relays = new Map<string, { room: RoomChannel; off: () => void }>();
  // The other tabs that have spoken to this leader and not left: with none, a tab alone in its
  // group pays no BroadcastChannel post (a structured clone and a hop through the browser) per
  // message. A new tab says hello before it hears anything, so it is known in time.
  const others = new Set<string>();
  const post = (notice: HubNotice): void => postAll(notice, others.size === 0);
  let last = source.getState();
  let stopped = false;
  // Rooms whose postgres changes stream now (their first stream or return came, and they are
  // still joined): a binding newly relayed in one of them is live from now on, not from the join.
  const streaming = new Set<string>();

  const dump = () => ({ ...last, hub });

  const roomOf = ([name, isPrivate]: TabRoom): RoomChannel | undefined =>
    registry.find(name, isPrivate);

  // Listeners are relayed once per room and id, however many tabs want them: a message goes out
  // once and every tab hands it to its own listeners.
  const syncRelays = (): void => {
    const wanted = new Map<string, [RoomChannel, string, PostgresBinding | null]>();
    const askedBy = new Map<string, Set<string>>();
    for (const [tab, { wants }] of tabs) {
      for (const [tabRoom, id, binding] of wants.listens) {
        const room = roomOf(tabRoom);
        if (!room) continue;
        const relay = `${room.key}\n${id}`;
        wanted.set(relay, [room, id, binding]);
        askedBy.set(relay, (askedBy.get(relay) ?? new Set()).add(tab));
      }
    }
    for (const [relay, { room, off }] of relays) {
      if (wanted.get(relay)?.[0] !== room) {
        off();
        relays.delete(relay);
      }
    }
    for (const [relay, [room, id, binding]] of wanted) {
      if (relays.has(relay)) continue;
      const { key } = room;
      const off = binding
        ? room.onPostgres(binding, (change) => post({ type: 'postgres', hub, key, id, change }))
        : room.onBroadcast(id.slice(2), (message) =>
            post({ type: 'broadcast', hub, key, message }),
          );
      relays.set(relay, { room, off });
      // A change the room streamed before this relay reached no tab's listener of it: the tabs
      // that asked for it read their tied queries again, as after a room's first stream.
      if (binding && streaming.has(key)) {
        for (const tab of askedBy.get(relay) ?? []) {
          post({ type: 'returned', hub, key, first: true, to: tab });
        }
      }
    }
  };

  const apply = (tab: string, wants: TabWants): void => {
    let entry = tabs.get(tab);
    if (!entry) {
      entry = {
        retains: new Map(),
        slices: new Map(),
        wants: NO_WANTS,
        unwatch: watchTab(tab, () => drop(tab)),
      };
      tabs.set(tab, entry);
    }
    entry.wants = wants;
    const { retains } = entry;
    // Retain before release, so a consumer that moved keeps its room from lingering.
    const ids = new Set<number>();
    for (const [id, [name, isPrivate], needs] of wants.retains) {
      ids.add(id);
      if (!retains.has(id)) retains.set(id, registry.room(name, isPrivate).retain(needs));
    }
    for (const [id, release] of retains) {
      if (ids.has(id)) continue;
      release();
      retains.delete(id);
    }
    // A retain with a new binding makes the room rejoin a tick later (its scheduled rebind). A
    // track sent on the old channel just before would reach the new one's buffered presence
    // diffs and stay in its state as a second connection: slices are tracked after the rebind.
    setTimeout(() => {
      if (tabs.get(tab) === entry && !stopped) track(entry);
    }, 0);
  };

  const track = (entry: TabEntry): void => {
    const { wants, slices } = entry;
    const owners = new Set<string>();
    for (const [tabRoom, ownerId, slice] of wants.slices) {
      const room = roomOf(tabRoom);
      if (!room) continue;
      const id = `${room.key}\n${ownerId}`;
      owners.add(id);
      const hash = stableHash(slice);
      const held = slices.get(id);
      // A room that closed and opened again is a new object that has not seen the slice.
      if (held?.room === room && held.hash === hash) continue;
      const owner = held?.owner ?? {};
      slices.set(id, { room, hash, owner });
      room.track(slice, owner);
    }
    for (const [id, { room, owner }] of slices) {
      if (owners.has(id)) continue;
      room.track(null, owner);
      slices.delete(id);
    }
    syncRelays();
  };

  const drop = (tab: string): void => {
    others.delete(tab);
    const entry = tabs.get(tab);
    if (!entry) return;
    entry.unwatch();
    // Untrack first: the rooms are still held, so the slices leave at once.
    for (const { room, owner } of entry.slices.values()) room.track(null, owner);
    for (const release of entry.retains.values()) release();
    tabs.delete(tab);
    syncRelays();
  };

  const send = async (request: Extract<TabRequest, { type: 'send' }>): Promise<void> => {
    const { tab, id, room: tabRoom, event, payload, rest } = request;
    const room = roomOf(tabRoom);
    const status = room ? await room.send(event, payload, rest) : 'error';
    // The server does not echo a send to the socket it came from: the other tabs hear it here.
    if (status === 'ok' && room) {
      post({ type: 'broadcast', hub, key: room.key, message: { event, payload }, from: tab });
    }
    post({ type: 'sent', hub, to: tab, id, status });
  };

  const offStore = source.subscribe(() => {
    const next = source.getState();
    const before = last;
    last = next;
    if (next.connection !== before.connection) {
      post({ type: 'connection', hub, snapshot: next.connection });
    }
    if (next.channels !== before.channels) {
      for (const key of new Set([...Object.keys(before.channels), ...Object.keys(next.channels)])) {
        const snapshot = next.channels[key];
        if (snapshot?.phase !== 'joined') streaming.delete(key);
        if (snapshot !== before.channels[key]) post({ type: 'status', hub, key, snapshot });
        // A room that closed takes its listeners with it; relays are added again if it reopens.
        if (!snapshot) syncRelays();
      }
    }
    if (next.presence !== before.presence) {
      for (const key of new Set([...Object.keys(before.presence), ...Object.keys(next.presence)])) {
        const users = next.presence[key];
        if (users !== before.presence[key]) post({ type: 'presence', hub, key, users });
      }
    }
  });
  const offReturn = registry.onReturn((key, first) => {
    streaming.add(key);
    post({ type: 'returned', hub, key, first: first === true });
  });

  // The tabs of the group learn of a new leader from this, whoever it knows yet.
  postAll({ type: 'leader', ...dump() }, false);

  return {
    /** Handles one tab's request. */
    handle(request: TabRequest): void {
      if (request.tab !== self && request.type !== 'bye' && !others.has(request.tab)) {
        others.add(request.tab);
        // A tab that follows this leader from its first notice (a handover) may have missed what
        // was said while no other tab was known: it hears where things stand.
        if (request.type !== 'hello')
          postAll({ type: 'leader', ...dump(), to: request.tab }, false);
      }
      switch (request.type) {
        case 'hello':
          return post({ type: 'leader', ...dump(), to: request.tab });
        case 'wants':
          if (request.hub === hub) apply(request.tab, request.wants);
          return;
        case 'send':
          if (request.hub === hub) void send(request);
          return;
        case 'bye':
          return drop(request.tab);
        case 'dispatch':
          if (request.hub === hub) roomOf(request.room)?.dispatch(request.event);
          return;
        case 'ping':
          if (request.hub === hub) post({ type: 'pong', hub, to: request.tab });
          return;
        default:
          return request satisfies never;
      }
    },
    /** Stops serving: tells the tabs, releases every tab's rooms. */
    stop(): void {
      stopped = true;
      postAll({ type: 'resign', hub }, false);
      offStore();
      offReturn();
      for (const tab of [...tabs.keys()]) drop(tab);
    },
  };
}
