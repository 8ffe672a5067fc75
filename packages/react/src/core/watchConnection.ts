import type { SupabaseClient } from '@supabase/supabase-js';

type Realtime = SupabaseClient['realtime'];
type HeartbeatListener = (status: string, latency?: number) => void;

/**
 * The socket's state, as `useConnectionStatus` reports it and `<ConnectionBadge>` (in
 * `@roomkit/ui`) shows it: `idle` while no channel needs the socket (before the first, after the
 * last, on the server), `connecting` until it first opens, `open`, and `reconnecting` after a drop
 * while channels still need it.
 */
export type SocketStatus = 'idle' | 'connecting' | 'open' | 'reconnecting';

/** @deprecated Renamed {@link SocketStatus}, so it no longer shares a name with the UI badge. */
export type ConnectionStatus = SocketStatus;

/** The connection snapshot kept in the store. */
export interface ConnectionSnapshot {
  /** Where the socket is. */
  readonly status: SocketStatus;
  /** The round trip of the last heartbeat, or null before the first one. */
  readonly latencyMs: number | null;
  /** Why the socket last dropped, until it is open again. */
  readonly error: Error | null;
}

// realtime-js keeps one heartbeat callback per client; several providers (or StrictMode's second
// mount) on one client share a single installed callback that fans out to each of them.
const heartbeatHubs = new WeakMap<Realtime, Set<HeartbeatListener>>();

/** The snapshot before any connection, and on the server. */
export const IDLE_SOCKET: ConnectionSnapshot = { status: 'idle', latencyMs: null, error: null };

/**
 * Follows the client's one socket: open and close through its public state-change callbacks,
 * latency through its heartbeat callback. `wanted` says whether any channel needs
 * the socket, which tells a drop ('reconnecting') from a deliberate close ('idle').
 * `publish` receives a new snapshot only when something in it changed; `onBeat` runs on each
 * heartbeat reply.
 */
export function watchConnection(
  realtime: Realtime,
  wanted: () => boolean,
  publish: (snapshot: ConnectionSnapshot) => void,
  onBeat?: () => void,
): [refresh: () => void, stop: () => void] {
  let everOpen = false;
  let snapshot = IDLE_SOCKET;
  let error: Error | null = null;

  // Publishes only a snapshot that differs; `error` is the one the last refresh settled on.
  const set = (status: SocketStatus, latencyMs: number | null): void => {
    if (
      status !== snapshot.status ||
      latencyMs !== snapshot.latencyMs ||
      error !== snapshot.error
    ) {
      publish((snapshot = { status, latencyMs, error }));
    }
  };

  // The socket whose heartbeat timed out still reads as open until it is torn down.
  let stale = false;
  const refresh = (): void => {
    const state = realtime.connectionState();
    const open = state === 'open' && !stale;
    const connecting = wanted() || state === 'connecting';
    if (open) error = null;
    everOpen = open || (everOpen && connecting);
    set(
      open ? 'open' : everOpen ? 'reconnecting' : connecting ? 'connecting' : 'idle',
      snapshot.latencyMs,
    );
  };

  // A failed attempt reports an error and then a close; the close carries the code.
  const closed = ({ code, reason }: { code?: number | string; reason?: string } = {}): void => {
    if (wanted()) error ??= new Error(`socket closed: ${code}${reason ? ` (${reason})` : ''}`);
    refresh();
  };

  // Entries are [ref, callback]; ours are told apart by the callbacks, which are this watch's own.
  const callbacks = realtime.stateChangeCallbacks;
  const opened = (): void => {
    stale = false;
    refresh();
  };
  callbacks.open.push(['roomkit', opened]);
  callbacks.close.push(['roomkit', closed]);

  let listeners = heartbeatHubs.get(realtime);
  if (!listeners) {
    const fanOut = new Set<HeartbeatListener>();
    heartbeatHubs.set(realtime, (listeners = fanOut));
    // The app's own `heartbeatCallback` keeps receiving every status.
    const previous = realtime.heartbeatCallback;
    realtime.onHeartbeat((status, latency) => {
      previous(status, latency);
      for (const listener of fanOut) listener(status, latency);
    });
  }
  const onHeartbeat: HeartbeatListener = (status, latency) => {
    // The client tears a socket whose heartbeat timed out down without a close event (a stalled
    // socket never finishes closing): the timeout is the only sign, and a new socket follows.
    if (status === 'timeout') {
      stale = true;
      return closed({ code: 'heartbeat timeout' });
    }
    if (status !== 'ok') return;
    // realtime-js asks the token callback again with each heartbeat; by its reply it holds the result.
    onBeat?.();
    if (latency !== undefined) set(snapshot.status, latency);
  };
  listeners.add(onHeartbeat);

  refresh();
  return [
    refresh,
    () => {
      listeners.delete(onHeartbeat);
      for (const kind of ['open', 'close'] as const) {
        callbacks[kind] = callbacks[kind].filter(([, each]) => each !== opened && each !== closed);
      }
    },
  ];
}
