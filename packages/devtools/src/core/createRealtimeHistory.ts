import type { RealtimeState, RoomSnapshot } from '@roomkit/react';

/** One time the socket was lost. */
export interface Outage {
  /** When the socket dropped (`Date.now()`). */
  readonly droppedAt: number;
  /** Why, in the client's words. */
  readonly reason: string | null;
  /** When it was open again, or null while it is still down. */
  readonly reopenedAt: number | null;
}

/** What the devtools know of one room beyond its snapshot. */
export interface RoomHistory {
  /** How many times it reached `joined` while the devtools watched. */
  readonly joins: number;
  /** The last reason it gave for not being joined. */
  readonly lastReason: string | null;
}

/** The history's immutable snapshot. */
export interface RealtimeHistorySnapshot {
  /** Oldest first, the newest 50. */
  readonly outages: readonly Outage[];
  readonly rooms: Readonly<Record<string, RoomHistory>>;
}

/** The store the history follows: the provider's zustand store. */
export interface StateSource {
  getState(): RealtimeState;
  subscribe(listener: (state: RealtimeState, previous: RealtimeState) => void): () => void;
}

const MAX_OUTAGES = 50;

/**
 * Follows a provider's store and remembers what a snapshot forgets: each outage with its reason
 * and duration, and how often each room joined.
 * @example
 * const history = createRealtimeHistory(useRealtime().store);
 * const stop = history.start();
 */
export function createRealtimeHistory(store: StateSource) {
  let snapshot: RealtimeHistorySnapshot = { outages: [], rooms: {} };
  const listeners = new Set<() => void>();

  const observe = (state: RealtimeState, previous: RealtimeState | null): void => {
    let { outages, rooms } = snapshot;
    const was = previous?.connection.status;
    const { status, error } = state.connection;
    const last = outages.at(-1);
    if (status === 'reconnecting' && was !== 'reconnecting') {
      outages = [
        ...outages,
        { droppedAt: Date.now(), reason: error?.message ?? null, reopenedAt: null },
      ].slice(-MAX_OUTAGES);
    } else if (status === 'reconnecting' && last && last.reason === null && error) {
      outages = [...outages.slice(0, -1), { ...last, reason: error.message }];
    } else if (status === 'open' && last && last.reopenedAt === null) {
      outages = [...outages.slice(0, -1), { ...last, reopenedAt: Date.now() }];
    }
    for (const [key, room] of Object.entries(state.channels) as [string, RoomSnapshot][]) {
      const before = previous?.channels[key];
      if (before === room) continue;
      const known = rooms[key] ?? { joins: 0, lastReason: null };
      const joined = room.phase === 'joined' && before?.phase !== 'joined';
      const reason = room.reason ?? known.lastReason;
      if (joined || reason !== known.lastReason) {
        rooms = { ...rooms, [key]: { joins: known.joins + (joined ? 1 : 0), lastReason: reason } };
      }
    }
    if (outages !== snapshot.outages || rooms !== snapshot.rooms) {
      snapshot = { outages, rooms };
      for (const listener of listeners) listener();
    }
  };

  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    /** Starts following the store from its current state; returns the stop. */
    start(): () => void {
      observe(store.getState(), null);
      return store.subscribe((state, previous) => observe(state, previous));
    },
  };
}

/** A provider's history, as returned by {@link createRealtimeHistory}. */
export type RealtimeHistory = ReturnType<typeof createRealtimeHistory>;
