import { stableHash } from './stableHash';

/** One person in a room: one entry per presence key, however many tabs they have open. */
export interface PresenceUser<S = Record<string, unknown>> {
  /** The presence key the user joined with. */
  readonly key: string;
  /** The state their most recent connection tracked. */
  readonly state: S;
  /** How many connections (tabs, devices) share this key. */
  readonly connections: number;
}

type RawPresence = Record<string, Array<Record<string, unknown>>>;

/** Checks one user's presence state: the state to show, or undefined to drop it. */
export type PresenceCheck = (
  key: string,
  state: Record<string, unknown>,
) => Record<string, unknown> | undefined;

/**
 * Turns the client's presence state into users, reusing the previous user objects (and the
 * previous array) where nothing changed so readers can compare with `===`, in the order users
 * arrived. Users who vanished stay, unchanged, for `graceMs` so a reconnect does not make
 * avatars flicker. With a check (a room's presence schema, see `presenceCheck`), a state it
 * rejects is dropped: the user keeps their last valid state, or is not listed until they have one.
 */
export function createPresenceUsers(
  graceMs: number,
  publish: (users: readonly PresenceUser[]) => void,
) {
  // Insertion-ordered: an updated user keeps their place, a new one goes last.
  const users = new Map<string, PresenceUser>();
  const departed = new Map<string, ReturnType<typeof setTimeout>>();
  // What each shown user was built from (connections and raw state), so an unchanged user is
  // neither validated again nor replaced, even when the schema transforms the state.
  const sources = new WeakMap<PresenceUser, string>();
  // Whether `users` changed since the last publish: only then is there a new array to show.
  let changed = false;

  const remove = (key: string): void => {
    departed.delete(key);
    changed = users.delete(key) || changed;
  };

  const render = (): void => {
    if (changed) publish([...users.values()]);
    changed = false;
  };

  return {
    /** Reads a fresh presence state from the client. */
    sync(raw: RawPresence, check?: PresenceCheck): void {
      for (const key of users.keys()) {
        if (key in raw || departed.has(key)) continue;
        if (graceMs <= 0) remove(key);
        else {
          departed.set(
            key,
            setTimeout(() => {
              remove(key);
              render();
            }, graceMs),
          );
        }
      }
      for (const [key, metas] of Object.entries(raw)) {
        // Metas arrive oldest first; the last is the connection that tracked most recently.
        const { presence_ref: _ref, ...state } = metas.at(-1) ?? {};
        const source = metas.length + stableHash(state);
        const old = users.get(key);
        if (!old || sources.get(old) !== source) {
          const value = check ? check(key, state) : state;
          if (value) {
            const user = { key, state: value, connections: metas.length };
            sources.set(user, source);
            users.set(key, user);
            changed = true;
          }
        }
        clearTimeout(departed.get(key));
        departed.delete(key);
      }
      render();
    },
    /** Stops the grace timers; the room is gone. */
    stop(): void {
      for (const timer of departed.values()) clearTimeout(timer);
    },
  };
}
