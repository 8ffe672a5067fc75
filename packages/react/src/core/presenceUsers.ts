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

/**
 * Turns the client's presence state into users, reusing the previous user objects (and the
 * previous array) where nothing changed so readers can compare with `===`, in the order users
 * arrived. Users who vanished stay, unchanged, for `graceMs` so a reconnect does not make
 * avatars flicker.
 */
export function createPresenceUsers(
  graceMs: number,
  publish: (users: readonly PresenceUser[]) => void,
) {
  // Insertion-ordered: an updated user keeps their place, a new one goes last.
  const users = new Map<string, PresenceUser>();
  const departed = new Map<string, ReturnType<typeof setTimeout>>();
  let shown: readonly PresenceUser[] = [];

  const render = (): void => {
    const next = [...users.values()];
    if (next.length !== shown.length || next.some((user, i) => user !== shown[i])) {
      publish((shown = next));
    }
  };

  return {
    /** Reads a fresh presence state from the client. */
    sync(raw: RawPresence): void {
      for (const key of users.keys()) {
        if (key in raw || departed.has(key)) continue;
        if (graceMs <= 0) users.delete(key);
        else {
          const timer = setTimeout(() => {
            departed.delete(key);
            users.delete(key);
            render();
          }, graceMs);
          departed.set(key, timer);
        }
      }
      for (const [key, metas] of Object.entries(raw)) {
        // Metas arrive oldest first; the last is the connection that tracked most recently.
        const { presence_ref: _ref, ...state } = metas[metas.length - 1] ?? {};
        const old = users.get(key);
        const same =
          old?.connections === metas.length && stableHash(old.state) === stableHash(state);
        if (!same) users.set(key, { key, state, connections: metas.length });
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
