/**
 * Where a tab is in the election of its group's leader:
 * - `idle`: not a candidate (not started, or it stepped down: hidden, frozen, signed in elsewhere);
 * - `following`: queued for the group's Web Lock while another tab holds it;
 * - `leading`: it holds the lock, and with it the group's one connection.
 */
export type LeaderPhase = 'idle' | 'following' | 'leading';

/** A tab's election snapshot: the same object until the phase changes. */
export interface LeaderSnapshot {
  readonly phase: LeaderPhase;
  /** When this phase began (`Date.now()`). */
  readonly since: number;
}

/** What happens to a tab's candidacy. */
export type LeaderEvent =
  /** The tab wants to share the connection. */
  | { type: 'stand' }
  /** The browser granted the lock: the previous leader released it (closed, crashed, stepped down). */
  | { type: 'granted' }
  /** The leader stopped answering (a hung or frozen page that did not step down): take its lock. */
  | { type: 'usurp' }
  /** Another tab took the lock from this one (it was thought hung): follow again. */
  | { type: 'deposed' }
  /** The tab stops taking part (hidden, frozen, another user, unmounted). */
  | { type: 'stepDown' };

/**
 * What the driver must do: `request` queues for the lock; `steal` takes it from its holder;
 * `cancel` leaves the queue; `lead` opens the connection and serves the group; `release` closes
 * it and frees the lock.
 */
export type LeaderEffect = 'request' | 'steal' | 'cancel' | 'lead' | 'release';

/** The snapshot of a tab that has not stood yet. */
export const IDLE_LEADER: LeaderSnapshot = { phase: 'idle', since: 0 };

/**
 * The election's one transition function: the next snapshot (the same object when nothing
 * changed) and the effects to run. Pure; `now` is the clock for `since`.
 * @example
 * const { state, effects } = leaderTransition(IDLE_LEADER, { type: 'stand' }, Date.now());
 * // state.phase === 'following', effects === ['request']
 */
export function leaderTransition(
  state: LeaderSnapshot,
  event: LeaderEvent,
  now: number,
): { state: LeaderSnapshot; effects: readonly LeaderEffect[] } {
  const to = (phase: LeaderPhase, effects: readonly LeaderEffect[]) => ({
    state: { phase, since: now },
    effects,
  });
  const stay = { state, effects: [] };
  switch (event.type) {
    case 'stand':
      return state.phase === 'idle' ? to('following', ['request']) : stay;
    case 'granted':
      return state.phase === 'following' ? to('leading', ['lead']) : stay;
    case 'usurp':
      return state.phase === 'following' ? { state, effects: ['cancel', 'steal'] } : stay;
    case 'deposed':
      return state.phase === 'leading' ? to('following', ['release', 'request']) : stay;
    case 'stepDown':
      if (state.phase === 'following') return to('idle', ['cancel']);
      return state.phase === 'leading' ? to('idle', ['release']) : stay;
    default:
      return event satisfies never;
  }
}

/** Options of {@link createTabLeader}. */
export interface TabLeaderOptions {
  /** The Web Lock every tab of the group queues for. */
  lock: string;
  /** The browser's lock manager. @default navigator.locks */
  locks?: LockManager;
  /** Starts serving the group; returns the stop, run when the tab steps down. */
  lead(): () => void;
  /** Called with each new snapshot. */
  onChange?(snapshot: LeaderSnapshot): void;
}

/**
 * Runs a tab's candidacy on the Web Locks API: the lock's holder leads; every other tab waits in
 * the lock's queue, so when the holder's page closes, crashes or steps down, the browser grants
 * the lock to the next tab at once, with no timer and no heartbeat.
 * @example
 * const leader = createTabLeader({ lock: 'roomkit:group', lead: () => serve() });
 * leader.dispatch({ type: 'stand' });
 */
export function createTabLeader(options: TabLeaderOptions) {
  const locks = options.locks ?? navigator.locks;
  let state = IDLE_LEADER;
  // The queued request's abort, and the held lock's release.
  let abort: AbortController | undefined;
  let free: (() => void) | undefined;
  let stop: (() => void) | undefined;

  const request = (steal: boolean): void => {
    const controller = (abort = new AbortController());
    const granted = () => {
      // A grant that raced a step-down is handed straight back.
      if (controller !== abort) return;
      dispatch({ type: 'granted' });
      return new Promise<void>((resolve) => (free = resolve));
    };
    // A stolen lock rejects its holder's request; an aborted or released one needs nothing more.
    const lost = () => {
      if (controller === abort && state.phase === 'leading') dispatch({ type: 'deposed' });
    };
    (steal
      ? locks.request(options.lock, { steal: true }, granted)
      : locks.request(options.lock, { signal: controller.signal }, granted)
    ).catch(lost);
  };

  const run = (effect: LeaderEffect): void => {
    switch (effect) {
      case 'request':
        return request(false);
      case 'steal':
        return request(true);
      case 'cancel':
        abort?.abort();
        abort = undefined;
        return;
      case 'lead':
        stop = options.lead();
        return;
      case 'release':
        abort = undefined;
        stop?.();
        stop = undefined;
        free?.();
        free = undefined;
        return;
      default:
        return effect satisfies never;
    }
  };

  const dispatch = (event: LeaderEvent): void => {
    const result = leaderTransition(state, event, Date.now());
    const changed = result.state !== state;
    state = result.state;
    result.effects.forEach(run);
    if (changed) options.onChange?.(state);
  };

  return { dispatch, getSnapshot: (): LeaderSnapshot => state };
}
