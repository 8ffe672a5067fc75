import type { SupabaseClient } from '@supabase/supabase-js';
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  createChannelRegistry,
  type ChannelRegistry,
  type ChannelRegistryOptions,
  type RoomSnapshot,
} from './core/ChannelRegistry';
import type { PresenceUser } from './core/presenceUsers';
import { browserLifecycle, type PageLifecycle } from './core/pageLifecycle';
import { sessionAuth, tokenUser } from './core/sessionAuth';
import { IDLE_SOCKET, watchConnection, type ConnectionSnapshot } from './core/watchConnection';

/** Everything the hooks read, in one immutable snapshot per change. */
export interface RealtimeState {
  /** The socket. */
  connection: ConnectionSnapshot;
  /** Each shared channel's snapshot, by room key. */
  channels: Readonly<Record<string, RoomSnapshot>>;
  /** Each presence channel's users, by room key. */
  presence: Readonly<Record<string, readonly PresenceUser[]>>;
}

/** A provider's store, its channel registry, and the switch that connects them to the client. */
export interface RealtimeStore {
  /** The Supabase client whose socket carries every channel. */
  client: SupabaseClient;
  /** The zustand store the hooks select from. */
  store: StoreApi<RealtimeState>;
  /** The shared channels. */
  registry: ChannelRegistry;
  /** Starts following the socket and the page; returns the stop. Call from an effect. */
  attach(): () => void;
}

/** Options of {@link createRealtimeStore}: the client plus the registry's tuning. */
export type RealtimeStoreOptions = Omit<
  ChannelRegistryOptions,
  'onStatus' | 'onPresence' | 'ready'
> & {
  /** How the app going away is noticed (presence is left at once). @default browserLifecycle */
  lifecycle?: PageLifecycle;
};

/** A copy of `record` with `key` set to `value`, or removed when it is undefined. */
export function put<T>(record: Readonly<Record<string, T>>, key: string, value: T | undefined) {
  const next = { ...record };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/**
 * Creates the per-provider store and registry; nothing connects until `attach` and a consumer.
 * @example
 * const [realtime] = useState(() => createRealtimeStore({ client: supabase }));
 * useEffect(() => realtime.attach(), [realtime]);
 */
export function createRealtimeStore(options: RealtimeStoreOptions): RealtimeStore {
  const store = createStore<RealtimeState>()(() => ({
    connection: IDLE_SOCKET,
    channels: {},
    presence: {},
  }));
  // The socket watch's refresh while attached: a channel's phase tells a drop from a close.
  let refresh: (() => void) | undefined;
  // The client's first token, asked at attach; every join waits for it.
  let ready: Promise<void> | undefined;
  const registry = createChannelRegistry({
    ...options,
    ready: () => ready,
    onStatus(key, snapshot) {
      // Called only when the snapshot changed, so readers wake only then.
      store.setState((state) => ({ channels: put(state.channels, key, snapshot) }));
      refresh?.();
    },
    onPresence(key, users) {
      store.setState((state) => ({ presence: put(state.presence, key, users) }));
    },
  });

  return {
    client: options.client,
    store,
    registry,
    attach() {
      const { client } = options;
      const auth = sessionAuth(client);
      const { realtime } = client;
      // Third-party auth (`accessToken`): the user of the token realtime-js holds.
      const follow = auth
        ? undefined
        : (): void => registry.setUser(tokenUser(realtime.accessTokenValue) ?? null);
      // realtime-js asks the client for a token only as its socket opens, and sends the joins
      // without waiting for the answer: a join sent first goes out as anon, which a private
      // room's policy refuses. So the joins wait for the token, asked here unless it is known;
      // with third-party auth the registry also learns the token's user before any join.
      ready = (async () => {
        try {
          if (!realtime.accessTokenValue) await realtime.setAuth();
        } catch {
          // No token to be had: the joins go out with what the client holds, as before.
        }
        follow?.();
      })();
      // The socket's user: from Supabase Auth's events at once, or (third-party `accessToken`)
      // from the token realtime-js fetched again with the last heartbeat.
      const [watched, unwatch] = watchConnection(
        realtime,
        registry.active,
        (connection) => store.setState({ connection }),
        follow,
      );
      const listening = auth?.onAuthStateChange((_event, session) =>
        registry.setUser(session?.user.id ?? null),
      );
      refresh = watched;
      const offHide = (options.lifecycle ?? browserLifecycle).onHide(registry.untrackAll);
      return () => {
        offHide();
        unwatch();
        listening?.data.subscription.unsubscribe();
        // Leave at once rather than after the linger: the provider unmounted or moved to a new
        // client. (StrictMode's second attach finds an empty registry that rejoins on demand.)
        registry.dispose();
        refresh = undefined;
      };
    },
  };
}
