import { bindingKey, roomKey } from './ChannelRegistry';
import type {
  BroadcastMessage,
  ChannelNeeds,
  PostgresBinding,
  RoomChannel,
  SendStatus,
} from './channelTypes';
import type { createPresenceUsers, PresenceCheck } from './presenceUsers';
import { IDLE_ROOM, type RoomEvent } from './roomChannel';
import type { TabRequest, TabRoom } from './tabMessages';

/** A send that waits for the leader's answer. */
const SEND_TIMEOUT_MS = 10_000;

/** What a tab's room needs from its registry. */
export interface TabRoomLink {
  /** This tab's id. */
  tab: string;
  /** The leader's term this tab follows, if any. */
  hub(): string | undefined;
  /** Sends a request to the leader. */
  post(request: TabRequest): void;
  /** The tab's wants changed (sent once per task). */
  changed(): void;
  /** A new id, unique in this tab. */
  nextId(): number;
  /** The sends waiting for the leader's answer, by id. */
  pending: Map<number, (status: SendStatus) => void>;
}

/** What the registry keeps for one room in this tab. */
function roomState() {
  return {
    refs: 0,
    snapshot: IDLE_ROOM,
    // Set by a handover in a room that was joined: it returns once the new leader joined it.
    returning: false,
    awaiting: undefined as ReturnType<typeof setTimeout> | undefined,
    ack: false as boolean | undefined,
    checkPresence: undefined as PresenceCheck | undefined,
    retains: new Map<number, ChannelNeeds>(),
    slices: new Map<object, [number, Record<string, unknown>]>(),
    listeners: new Map<string, Set<(message: never) => void>>(),
    bindings: new Map<string, PostgresBinding>(),
    users: undefined as ReturnType<typeof createPresenceUsers> | undefined,
  };
}

/** One room of a tab's registry: its consumers, listeners and slices, and what the leader said. */
export type TabRoomChannel = RoomChannel &
  ReturnType<typeof roomState> & {
    tabRoom: TabRoom;
    emit(id: string, message: unknown): void;
  };

/**
 * Creates one room of a tab's registry: the `RoomChannel` contract, kept as wants for the leader.
 * @example
 * const room = createTabRoom('board', false, link);
 * const release = room.retain({ presence: true });
 */
export function createTabRoom(name: string, isPrivate: boolean, link: TabRoomLink): TabRoomChannel {
  const key = roomKey(name, isPrivate);
  const tabRoom: TabRoom = [name, isPrivate];
  const state = roomState();
  const emit = (id: string, message: unknown): void => {
    for (const listener of state.listeners.get(id) ?? []) listener(message as never);
  };
  const add = (id: string, listener: (message: never) => void): (() => void) => {
    let set = state.listeners.get(id);
    if (!set) state.listeners.set(id, (set = new Set()));
    set.add(listener);
    link.changed();
    return () => {
      set.delete(listener);
      link.changed();
    };
  };
  const room: TabRoomChannel = Object.assign(state, {
    key,
    tabRoom,
    emit,
    getSnapshot: () => room.snapshot,
    // This tab's consumers only: each tab's devtools count what its own components hold, as
    // without sharing; the leader's channel serves the sum.
    consumers: () => state.refs,
    dispatch(event: RoomEvent): void {
      // The machine is the leader's; the event reaches it there, and every tab sees the result.
      const hub = link.hub();
      if (hub) link.post({ type: 'dispatch', tab: link.tab, hub, room: tabRoom, event });
    },
    retain(needs: ChannelNeeds): () => void {
      const id = link.nextId();
      const { checkPresence, ...wire } = needs;
      state.refs++;
      state.checkPresence ??= checkPresence;
      state.ack ||= needs.ack;
      state.retains.set(id, wire);
      link.changed();
      return () => {
        if (!state.retains.delete(id)) return;
        state.refs--;
        link.changed();
      };
    },
    onBroadcast(event: string, listener: (message: BroadcastMessage) => void, self?: boolean) {
      const off = add(`b:${event}`, listener);
      const offSelf = self ? add(`s:${event}`, listener) : undefined;
      return () => {
        off();
        offSelf?.();
      };
    },
    onPostgres(binding: PostgresBinding, listener: (change: never) => void) {
      const id = `p:${bindingKey(binding)}`;
      state.bindings.set(id, binding);
      return add(id, listener);
    },
    async send(event: string, payload: unknown, rest?: boolean): Promise<SendStatus> {
      const deliverSelf = (): void => emit(`s:${event}`, { event, payload });
      // As with a channel of its own: no push unless joined, and REST only when allowed.
      const hub = link.hub();
      if (!hub || (room.snapshot.phase !== 'joined' && !rest)) return 'error';
      if (!state.ack && room.snapshot.phase === 'joined') deliverSelf();
      const id = link.nextId();
      const status = await new Promise<SendStatus>((resolve) => {
        const timer = setTimeout(() => settle('timed out'), SEND_TIMEOUT_MS);
        const settle = (status: SendStatus): void => {
          clearTimeout(timer);
          link.pending.delete(id);
          resolve(status);
        };
        link.pending.set(id, settle);
        try {
          link.post({
            type: 'send',
            tab: link.tab,
            hub,
            id,
            room: tabRoom,
            event,
            payload,
            rest: !!rest,
          });
        } catch {
          // A payload the browser cannot copy to another tab (a function, say).
          settle('error');
        }
      });
      if (status === 'ok' && (state.ack || room.snapshot.phase !== 'joined')) deliverSelf();
      return status;
    },
    track(slice: Record<string, unknown> | null, owner: object = state.slices) {
      if (slice) state.slices.set(owner, [state.slices.get(owner)?.[0] ?? link.nextId(), slice]);
      else state.slices.delete(owner);
      link.changed();
    },
  });
  return room;
}
