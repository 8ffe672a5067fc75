import { browserLifecycle } from './core/pageLifecycle';
import { sessionAuth, tokenUser } from './core/sessionAuth';
import { createTabHub } from './core/tabHub';
import { createTabLeader, IDLE_LEADER, type LeaderSnapshot } from './core/tabLeader';
import { isTabMessage, type HubNotice, type TabMessage, type TabRequest } from './core/tabMessages';
import { createTabRegistry } from './core/tabRegistry';
import {
  createRealtimeStore,
  put,
  type RealtimeStore,
  type RealtimeStoreOptions,
} from './createRealtimeStore';

/** A provider's store when its connection is shared across tabs: also where this tab stands. */
export interface TabsRealtimeStore extends RealtimeStore {
  /** This tab's part in its group: `leading` holds the socket, `following` relays through it. */
  leader: { getSnapshot(): LeaderSnapshot; subscribe(listener: () => void): () => void };
}

const REQUESTS = new Set<TabMessage['type']>(['hello', 'wants', 'send', 'bye', 'dispatch', 'ping']);
/** How often a follower asks whether the leader is there. */
const PING_MS = 300;
/**
 * How long a ping may go unanswered before a follower takes the lock. A closed or crashed
 * leader frees it at once and a page about to be frozen steps down; this catches a page that
 * hangs, or is frozen without the `freeze` event.
 */
const HANG_MS = 1000;
const isRequest = (message: TabMessage): message is TabRequest => REQUESTS.has(message.type);

/**
 * Whether this runtime can share a connection across tabs: a browser page with Web Locks and
 * BroadcastChannel (Chrome and Edge 69+, Firefox 96+, Safari 15.4+).
 * @example
 * if (!canShareAcrossTabs()) console.info('one connection per tab here');
 */
export function canShareAcrossTabs(): boolean {
  return (
    typeof window !== 'undefined' &&
    typeof navigator !== 'undefined' &&
    typeof navigator.locks?.request === 'function' &&
    typeof BroadcastChannel !== 'undefined'
  );
}

/**
 * Shares one realtime connection among every tab of this origin signed in as the same user: one
 * tab (the leader, chosen with the Web Locks API) holds the socket and joins each room once for
 * all tabs; the others relay their joins, sends and presence to it over a BroadcastChannel and
 * hear back only what their consumers listen to. Where either API is missing, it is the usual
 * connection per tab.
 * @example
 * import { acrossTabs } from '@roomkit/react/tabs';
 * <RealtimeProvider client={supabase} shareConnection={acrossTabs}>…</RealtimeProvider>
 */
export function acrossTabs(options: RealtimeStoreOptions): RealtimeStore {
  // Its store is this tab's; its registry is never attached and joins nothing.
  const base = createRealtimeStore(options);
  if (!canShareAcrossTabs()) return base;
  const { client } = options;
  const { store } = base;
  let leaderState = IDLE_LEADER;
  const leaderListeners = new Set<() => void>();
  const tab = crypto.randomUUID();
  let group: { user: string | null; post(message: TabMessage): void; close(): void } | undefined;
  // The user this tab's consumers are signed in as: undefined until known.
  let user: string | null | undefined;

  const tabs = createTabRegistry({
    tab,
    post: (request) => group?.post(request),
    onStatus: (key, snapshot) =>
      store.setState((state) => ({ channels: put(state.channels, key, snapshot) })),
    onPresence: (key, users) =>
      store.setState((state) => ({ presence: put(state.presence, key, users) })),
    onConnection: (connection) => store.setState({ connection }),
    onUser: (id) => enter(id),
  });

  const setLeader = (state: LeaderSnapshot): void => {
    leaderState = state;
    for (const listener of leaderListeners) listener();
  };

  // A group is the tabs of one server and one user: tabs of different users never share.
  const open = (id: string | null) => {
    const name = `roomkit:${client.realtime.endPoint}|${id ?? ''}`;
    const channel = new BroadcastChannel(name);
    let hub: ReturnType<typeof createTabHub> | undefined;
    let closed = false;
    const deliver = (message: TabMessage): void => {
      if (closed) return;
      if (isRequest(message)) hub?.handle(message);
      else tabs.receive(message);
    };
    const post = (message: TabMessage, alone = false): void => {
      if (!alone) channel.postMessage(message);
      // A BroadcastChannel does not hear itself: this tab's leader and registry talk directly,
      // a task later, as they would across tabs.
      queueMicrotask(() => deliver(message));
    };
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isTabMessage(event.data)) deliver(event.data);
    };
    const leader = createTabLeader({
      lock: name,
      onChange: setLeader,
      lead() {
        // The leader runs the usual per-tab machinery on its own client for the whole group. Its
        // page going away untracks only this tab's slice (see `attach`): the merged presence is
        // every tab's, and the other tabs are still there.
        const own = createRealtimeStore({ ...options, lifecycle: { onHide: () => () => {} } });
        const detach = own.attach();
        hub = createTabHub({
          hub: crypto.randomUUID(),
          tab,
          source: {
            registry: own.registry,
            getState: own.store.getState,
            subscribe: own.store.subscribe,
          },
          post: (notice: HubNotice, alone: boolean) => post(notice, alone),
          watchTab(other, gone) {
            // Each tab holds a lock of its own while it lives: its release is its death notice.
            const controller = new AbortController();
            navigator.locks
              .request(`${name}:tab:${other}`, { signal: controller.signal }, () => gone())
              .catch(() => {});
            return () => controller.abort();
          },
        });
        return () => {
          hub?.stop();
          hub = undefined;
          detach();
          // realtime-js would keep an empty socket open for two heartbeats: the next leader's
          // socket is the group's one connection, so this one closes now, unless the app has
          // channels of its own on it.
          const realtime = client.realtime;
          if (realtime.getChannels().every((channel) => channel.state !== 'joined')) {
            void realtime.disconnect();
          }
        };
      },
    });
    let releaseTab: (() => void) | undefined;
    void navigator.locks
      .request(`${name}:tab:${tab}`, () => {
        if (closed) return;
        leader.dispatch({ type: 'stand' });
        tabs.hello();
        return new Promise<void>((resolve) => (releaseTab = resolve));
      })
      .catch(() => {});
    // The first follower to notice a silent leader takes over; the others see the new one.
    let pinged: number | undefined;
    let hang: ReturnType<typeof setTimeout> | undefined;
    const usurp = (): void =>
      void navigator.locks
        .request(`${name}:usurp`, { ifAvailable: true }, async (lock) => {
          if (!lock || closed) return;
          leader.dispatch({ type: 'usurp' });
          await new Promise((resolve) => setTimeout(resolve, HANG_MS));
        })
        .catch(() => {});
    const watchdog = setInterval(() => {
      if (leader.getSnapshot().phase !== 'following') return (pinged = undefined);
      // A ping is out: its own timer decides.
      if (pinged !== undefined && tabs.lastHeard() < pinged) return;
      const now = Date.now();
      // A leader that said something just now is there: with every follower pinging and every
      // pong reaching every tab, asking anyway would cost a busy group O(tabs²) messages.
      if (now - tabs.lastHeard() < PING_MS / 2 || !tabs.ping()) return (pinged = undefined);
      const sent = (pinged = now);
      clearTimeout(hang);
      hang = setTimeout(() => {
        if (pinged !== sent || closed || tabs.lastHeard() >= sent) return;
        pinged = undefined;
        if (leader.getSnapshot().phase === 'following') usurp();
      }, HANG_MS);
    }, PING_MS);
    return {
      user: id,
      post,
      close() {
        clearInterval(watchdog);
        clearTimeout(hang);
        tabs.leave();
        leader.dispatch({ type: 'stepDown' });
        closed = true;
        releaseTab?.();
        channel.close();
      },
    };
  };

  // While the page is hidden (back/forward cache, frozen) it is in no group.
  let away = false;

  function enter(id: string | null): void {
    user = id;
    if (away || group?.user === id) return;
    group?.close();
    group = open(id);
  }

  const leave = (): void => {
    group?.close();
    group = undefined;
  };

  const shared: TabsRealtimeStore = {
    ...base,
    registry: tabs.registry,
    leader: {
      getSnapshot: () => leaderState,
      subscribe(listener) {
        leaderListeners.add(listener);
        return () => void leaderListeners.delete(listener);
      },
    },
    attach() {
      const auth = sessionAuth(client);
      const listening = auth?.onAuthStateChange((_event, session) =>
        enter(session?.user.id ?? null),
      );
      // Third-party auth (`accessToken`): the token's user chooses the group, asked at mount and
      // then as often as realtime-js asks it (each heartbeat), in every tab: a follower has no
      // socket of its own to notice a new user or a sign-out. `setAuth` asks the callback and
      // keeps its answer on the client, so a leader's first join carries the token: realtime-js
      // asks only once its socket opens, and a join sent before the answer would stay anon.
      let attached = true;
      const follow = (): void =>
        void Promise.resolve()
          .then(() => client.realtime.setAuth())
          .catch(() => {})
          .then(() => attached && enter(tokenUser(client.realtime.accessTokenValue) ?? null));
      const following = auth ? undefined : setInterval(follow, client.realtime.heartbeatIntervalMs);
      if (!auth) follow();
      // A page that goes into the back/forward cache or is frozen leaves the group (its rooms,
      // presence and, if it leads, the socket) and comes back when it is shown again.
      const hide = (): void => {
        away = true;
        leave();
      };
      const back = (): void => {
        away = false;
        if (user !== undefined) enter(user);
      };
      // The app's lifecycle (`pagehide` by default) takes this tab's presence out of the group's
      // at once, leader or follower; the rooms and the socket stay for the other tabs.
      const offHide = (options.lifecycle ?? browserLifecycle).onHide(tabs.registry.untrackAll);
      window.addEventListener('pagehide', hide, true);
      window.addEventListener('pageshow', back);
      document.addEventListener('freeze', hide);
      document.addEventListener('resume', back);
      return () => {
        attached = false;
        clearInterval(following);
        offHide();
        window.removeEventListener('pagehide', hide, true);
        window.removeEventListener('pageshow', back);
        document.removeEventListener('freeze', hide);
        document.removeEventListener('resume', back);
        listening?.data.subscription.unsubscribe();
        leave();
        tabs.registry.dispose();
        user = undefined;
        away = false;
      };
    },
  };
  return shared;
}
