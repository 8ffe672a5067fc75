import type { SupabaseClient } from '@supabase/supabase-js';

type Realtime = SupabaseClient['realtime'];

/** What kind of message a log entry is. */
export type EventKind = 'broadcast' | 'presence' | 'postgres' | 'system';

/** One message the socket received. */
export interface LoggedEvent {
  /** Increasing, unique within the log. */
  readonly id: number;
  /** When it arrived (`Date.now()`). */
  readonly at: number;
  readonly kind: EventKind;
  /** The channel's topic, e.g. `realtime:chat:lobby`. */
  readonly topic: string;
  /** The broadcast's event name, or the protocol event (`presence_diff`, `phx_reply`, …). */
  readonly event: string;
  readonly payload: unknown;
}

/** The log's immutable snapshot: a new object on each change. */
export interface EventLogSnapshot {
  /** Oldest first, at most `limit` of them. */
  readonly events: readonly LoggedEvent[];
  /** Whether new messages are being ignored. */
  readonly paused: boolean;
  /** How many older entries were let go to stay within the limit. */
  readonly evicted: number;
}

/** A bounded log of what one socket receives; `start` hooks it to the socket. */
export interface EventLog {
  subscribe(listener: () => void): () => void;
  getSnapshot(): EventLogSnapshot;
  /** Hooks the log to the socket; returns the unhook. */
  start(): () => void;
  setPaused(paused: boolean): void;
  clear(): void;
}

interface SocketMessage {
  topic?: unknown;
  event?: unknown;
  payload?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Sorts a received message into a kind; heartbeats (topic `phoenix`) are left out. */
export function classify(message: SocketMessage): Omit<LoggedEvent, 'id' | 'at'> | null {
  const topic = typeof message.topic === 'string' ? message.topic : '';
  const event = typeof message.event === 'string' ? message.event : '';
  if (topic === 'phoenix') return null;
  const { payload } = message;
  if (event === 'broadcast') {
    const name = isRecord(payload) && typeof payload.event === 'string' ? payload.event : event;
    return { kind: 'broadcast', topic, event: name, payload };
  }
  if (event === 'presence_state' || event === 'presence_diff') {
    return { kind: 'presence', topic, event, payload };
  }
  if (event === 'postgres_changes') return { kind: 'postgres', topic, event, payload };
  return { kind: 'system', topic, event, payload };
}

let nextRef = 0;

/**
 * Creates a log of the messages a client's socket receives (broadcasts, presence, postgres
 * changes and system messages), keeping the newest `limit`.
 * @example
 * const log = createEventLog(supabase.realtime, 500);
 * const stop = log.start();
 */
export function createEventLog(realtime: Realtime, limit: number): EventLog {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`The event limit must be a positive integer; got ${String(limit)}.`);
  }
  let snapshot: EventLogSnapshot = { events: [], paused: false, evicted: 0 };
  let nextId = 0;
  const listeners = new Set<() => void>();
  const publish = (next: EventLogSnapshot): void => {
    snapshot = next;
    for (const listener of listeners) listener();
  };

  const receive = (message: SocketMessage): void => {
    if (snapshot.paused) return;
    const entry = classify(message);
    if (!entry) return;
    const events = [...snapshot.events, { ...entry, id: ++nextId, at: Date.now() }];
    const over = Math.max(0, events.length - limit);
    publish({
      ...snapshot,
      events: over ? events.slice(over) : events,
      evicted: snapshot.evicted + over,
    });
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    start() {
      const ref = `roomkit-devtools-${++nextRef}`;
      const callbacks = realtime.stateChangeCallbacks;
      // A throwing devtools must never break the app's socket.
      callbacks.message.push([
        ref,
        (message: SocketMessage) => {
          try {
            receive(message);
          } catch (error) {
            console.error('Roomkit devtools could not log a message', error);
          }
        },
      ]);
      return () => {
        callbacks.message = callbacks.message.filter(([each]) => each !== ref);
      };
    },
    setPaused(paused) {
      if (paused !== snapshot.paused) publish({ ...snapshot, paused });
    },
    clear() {
      if (snapshot.events.length > 0 || snapshot.evicted > 0) {
        publish({ ...snapshot, events: [], evicted: 0 });
      }
    },
  };
}
