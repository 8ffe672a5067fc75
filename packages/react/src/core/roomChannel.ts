/**
 * Where a room's channel is:
 * - `idle`: no consumer has asked for it yet;
 * - `joining`: its first join is under way (retried after a refusal or a drop);
 * - `joined`: the server confirmed the join;
 * - `gap`: it was joined and no longer is; realtime-js or the registry is bringing it back;
 * - `rejoining`: a new join after a gap, a binding change or a new user;
 * - `unauthorized`: a private room without a signed-in user, or refused by the server's policies;
 * - `errored`: it cannot join until something changes (`reason` says why);
 * - `closed`: its last consumer left; the machine is finished.
 */
export type RoomPhase =
  'idle' | 'joining' | 'joined' | 'gap' | 'rejoining' | 'unauthorized' | 'errored' | 'closed';

/** A room channel's immutable snapshot: the same object until the phase or reason changes. */
export interface RoomSnapshot {
  /** Where the channel is. */
  readonly phase: RoomPhase;
  /** Why it is not joined, in the server's or the client's words; null when nothing went wrong. */
  readonly reason: string | null;
  /** When this phase began (`Date.now()`). */
  readonly since: number;
}

/** What happens to a room channel. */
export type RoomEvent =
  /** A consumer needs the channel joined. */
  | { type: 'open' }
  /** The needs changed (a new binding): the join payload must be sent again. */
  | { type: 'rebind' }
  /** The server confirmed the join. */
  | { type: 'subscribed' }
  /** CHANNEL_ERROR or TIMED_OUT (a refused join, a socket drop): realtime-js retries by itself. */
  | { type: 'dropped'; reason: string }
  /** The server closed the channel (`phx_close`); realtime-js will not rejoin it. */
  | { type: 'closed'; reason: string }
  /** Time to try again, after a server close or a successful session refresh. */
  | { type: 'retry' }
  /** The user signed out; sent to private rooms only. */
  | { type: 'signedOut' }
  /** Another user (or a new client) now holds the socket: everything joins again as them. */
  | { type: 'authChanged' }
  /** Nothing more can be done on its own (topic taken, session refresh failed). */
  | { type: 'failed'; reason: string }
  /** The last consumer left. */
  | { type: 'release' };

/**
 * What the driver must do after a transition, in this order:
 * `leave` removes the live channel; `join` makes a new one and subscribes; `reopen` schedules a
 * `retry` on the client's reconnect schedule; `refresh` refreshes the session, then sends `retry`
 * or `failed`; `returned` tells tied queries the channel is back after a gap.
 */
export type RoomEffect = 'leave' | 'join' | 'reopen' | 'refresh' | 'returned';

/** The server's words when it closes a channel whose token expired. */
const EXPIRED = /token has expired/i;
/** The server's words when policies refuse a private channel. */
const REFUSED = /unauthorized|permission/i;

/** The snapshot of a room nobody has used; shared, so readers compare it with `===`. */
export const IDLE_ROOM: RoomSnapshot = { phase: 'idle', reason: null, since: 0 };

/**
 * The room channel's one transition function: the next snapshot (the same object when nothing
 * changed) and the effects to run. Pure; `now` is the clock for `since`.
 * @example
 * const [state, effects] = transition(IDLE_ROOM, { type: 'open' }, Date.now());
 * // state.phase === 'joining', effects === ['join']
 */
export function transition(
  state: RoomSnapshot,
  event: RoomEvent,
  now: number,
): [state: RoomSnapshot, effects: readonly RoomEffect[]] {
  const { phase } = state;
  const stay: [RoomSnapshot, RoomEffect[]] = [state, []];
  const to = (
    next: RoomPhase,
    effects: readonly RoomEffect[] = [],
    reason: string | null = null,
  ): [RoomSnapshot, readonly RoomEffect[]] => [
    next === phase && reason === state.reason ? state : { phase: next, reason, since: now },
    effects,
  ];
  // Before the first join succeeds, trouble keeps the room `joining`: it is not a gap yet.
  const first = phase === 'joining';
  const live = first || phase === 'joined' || phase === 'gap' || phase === 'rejoining';
  const again = first ? 'joining' : 'rejoining';
  if (phase === 'closed') return stay;
  switch (event.type) {
    case 'open':
      return phase === 'idle' ? to('joining', ['join']) : stay;
    case 'rebind':
      return live ? to(again, ['leave', 'join']) : stay;
    case 'subscribed':
      if (first) return to('joined');
      return phase === 'gap' || phase === 'rejoining' ? to('joined', ['returned']) : stay;
    case 'dropped':
    case 'closed':
      if (!live) return stay;
      // A refused private join: realtime-js would retry forever with the same token.
      if (REFUSED.test(event.reason)) return to('unauthorized', ['leave'], event.reason);
      // An expired token is refused again on every retry: refresh the session first, once.
      if (EXPIRED.test(event.reason) && EXPIRED.test(state.reason ?? '')) {
        return to('errored', ['leave'], `session refresh failed: ${event.reason}`);
      }
      return to(
        first ? phase : 'gap',
        EXPIRED.test(event.reason)
          ? ['leave', 'refresh']
          : // realtime-js rejoins a dropped channel by itself, never a closed one.
            event.type === 'closed'
            ? ['leave', 'reopen']
            : [],
        event.reason,
      );
    case 'retry':
      return first || phase === 'gap' ? to(again, ['join'], state.reason) : stay;
    case 'signedOut':
      return phase === 'idle' ? stay : to('unauthorized', ['leave'], 'signed out');
    case 'authChanged':
      return phase === 'idle' ? stay : to(again, ['leave', 'join']);
    case 'failed':
      return to('errored', ['leave'], event.reason);
    case 'release':
      return to('closed', ['leave']);
    default:
      return event satisfies never;
  }
}
