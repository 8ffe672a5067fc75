import { devWarn } from './devWarn';
import type { StandardSchemaV1 } from './standardSchema';
import { stableHash } from './stableHash';

// Module-scoped, so it needs no Node types; bundlers replace `process.env.NODE_ENV`.
declare const process: { env: { NODE_ENV?: string } };

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
 * avatars flicker. With a schema, a state that fails it is dropped with a development warning:
 * the user keeps their last valid state, or is not listed until they have one. The schema must
 * validate synchronously, because a sync is one consistent picture of the room.
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
    sync(raw: RawPresence, schema?: StandardSchemaV1): void {
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
        const { presence_ref: _ref, ...state } = metas[metas.length - 1] ?? {};
        const source = metas.length + stableHash(state);
        const old = users.get(key);
        if (!old || sources.get(old) !== source) {
          const result = schema ? schema['~standard'].validate(state) : { value: state };
          if (result instanceof Promise || result.issues) {
            if (process.env.NODE_ENV !== 'production') {
              devWarn(`Dropped a presence state of "${key}" that failed validation.`, result);
            }
          } else {
            const user = {
              key,
              state: result.value as Record<string, unknown>,
              connections: metas.length,
            };
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
