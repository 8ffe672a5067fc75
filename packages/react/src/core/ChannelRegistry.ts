import type { RealtimeChannel } from '@supabase/supabase-js';
import type {
  BroadcastMessage,
  ChannelNeeds,
  ChannelRegistry,
  ChannelRegistryOptions,
  PostgresBinding,
  PostgresChange,
  RoomChannel,
  SendStatus,
} from './channelTypes';
import { devWarn } from './devWarn';
import { createPresenceTracker, PRESENCE_LIMIT } from './presenceTracker';
import { createPresenceUsers, type PresenceCheck } from './presenceUsers';
import { refreshSocketToken } from './sessionAuth';
import { IDLE_ROOM, transition, type RoomEffect, type RoomEvent } from './roomChannel';

export type * from './channelTypes';

// Module-scoped, so it needs no Node types. Bundlers replace `process.env.NODE_ENV`, which drops
// the development warnings (and their text) from production builds.
declare const process: { env: { NODE_ENV?: string } };

/** The registry key of a room. */
export const roomKey = (name: string, isPrivate: boolean): string =>
  `${isPrivate ? 'private' : 'public'}:${name}`;

/** The registry key of a postgres-changes binding. */
export const bindingKey = (b: PostgresBinding): string =>
  `${b.event}|${b.schema}|${b.table}|${b.filter ?? ''}`;

/** A postgres-ready system message may never come (an old server); do not wait forever. */
const POSTGRES_READY_TIMEOUT_MS = 5000;

/**
 * What a room still owes its `onReturn` listeners: the first stream of a join (`'first'`), a
 * return after a gap (the timer that stops waiting for the server's stream), or nothing.
 */
type PendingReturn = 'first' | ReturnType<typeof setTimeout> | undefined;

type Room = RoomChannel & {
  dispatch(event: RoomEvent): void;
  untrack(): void;
  signOut(): void;
};

/**
 * Creates the registry that shares one Supabase channel per room across every consumer. Each
 * room is a {@link transition} machine; this is the driver that runs its effects on the client.
 * @example
 * const registry = createChannelRegistry({ client: supabase });
 * const room = registry.room('chat', false);
 * const release = room.retain({});
 */
export function createChannelRegistry(options: ChannelRegistryOptions): ChannelRegistry {
  const { client, onStatus, onPresence, lingerMs = 1000, presenceGraceMs = 5000 } = options;
  const rooms = new Map<string, Room>();
  const returnListeners = new Set<(key: string, first?: boolean) => void>();
  // One session refresh at a time, shared by every room whose token expired.
  let refreshing: Promise<string | null> | undefined;
  // The signed-in user the channels joined as: undefined until the first report, null signed out.
  let user: string | null | undefined;

  const refresh = (): Promise<string | null> =>
    (refreshing ??= refreshSocketToken(client).finally(() => (refreshing = undefined)));

  const create = (name: string, isPrivate: boolean): Room => {
    const key = roomKey(name, isPrivate);
    let state = IDLE_ROOM;
    let refs = 0;
    // The live channel, and the needs it joined with: its join payload is fixed at subscribe.
    let channel: RealtimeChannel | undefined;
    let joinedWith = '';
    let lastChannel: RealtimeChannel | undefined;
    // The last system error: the server sends it just before it closes the channel.
    let closeReason = '';
    // Told once the room streams: on SUBSCRIBED, or with postgres bindings on the server's
    // `Subscribed to PostgreSQL`, which comes after it.
    let pendingReturn: PendingReturn;
    let scheduled = false;
    let linger: ReturnType<typeof setTimeout> | undefined;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let closes = 0;
    let wantPresence = false;
    // The keys of the consumers that track, oldest first; the newest one is the key joined with.
    const keys: string[] = [];
    let checkPresence: PresenceCheck | undefined;
    let ack: boolean | undefined;
    const bindings = new Map<string, PostgresBinding>();
    // Each consumer's slice of the one tracked state, merged in the order they first tracked.
    const slices = new Map<object, Record<string, unknown>>();
    // Listeners by `b:<event>` (broadcast), `s:<event>` (this client's own sends) and
    // `p:<binding>` (postgres changes): one socket message reaches only its own listeners.
    const listeners = new Map<string, Set<(message: never) => void>>();
    const emit = (id: string, message: unknown): void => {
      listeners.get(id)?.forEach((listener) => listener(message as never));
    };
    let users: ReturnType<typeof createPresenceUsers> | undefined;
    const [trackState, trackJoined] = createPresenceTracker(
      options.presenceLimit ?? PRESENCE_LIMIT,
      (next) => {
        if (channel) void (next ? channel.track(next) : channel.untrack());
      },
    );

    // Bindings are only ever added, so their insertion order is a stable order.
    const needs = (): string => [wantPresence, keys.at(-1), ack, ...bindings.keys()].join('\n');

    const emitReturn = (first?: boolean): void => {
      clearTimeout(pendingReturn as never);
      pendingReturn = undefined;
      for (const listener of returnListeners) listener(key, first);
    };

    const join = (): void => {
      // A retry that comes while the room lingers (the app closed its own client, say) ends it.
      if (!refs) return dispatch({ type: 'release' });
      const next = client.channel(name, {
        config: {
          private: isPrivate,
          broadcast: { self: false, ack },
          presence: { key: keys.at(-1) ?? '', enabled: wantPresence },
        },
      });
      // Someone else subscribed this topic on the client; realtime-js keeps one channel per topic.
      if (next.joinedOnce) {
        return dispatch({ type: 'failed', reason: 'already subscribed on this client' });
      }
      next.on('broadcast', { event: '*' }, (message) => emit(`b:${message.event}`, message));
      for (const [id, binding] of bindings) {
        next.on('postgres_changes', { ...binding }, (change) => emit(`p:${id}`, change));
      }
      if (wantPresence) {
        users ??= createPresenceUsers(presenceGraceMs, (list) => onPresence?.(key, list));
        next.on('presence', { event: 'sync' }, () => {
          if (next === channel) users?.sync(next.presenceState(), checkPresence);
        });
      }
      next.on(
        'system',
        {},
        (payload: { extension?: string; status?: string; message?: string }) => {
          if (next !== channel) return;
          if (payload.status === 'error') closeReason = payload.message ?? '';
          // The server sends it after the join reply: a pending return is now complete, or the
          // stream starts for the first time (data read before then may miss changes). Not on an
          // error: the server tries the bindings again, and only its `ok` means changes stream.
          if (
            payload.status === 'ok' &&
            payload.extension === 'postgres_changes' &&
            pendingReturn
          ) {
            emitReturn(pendingReturn === 'first');
          }
        },
      );
      // A return after a gap replaces it with its timer; otherwise this is the first stream.
      pendingReturn = 'first';
      channel = lastChannel = next;
      joinedWith = needs();
      closeReason = '';
      next.subscribe((status, error) => {
        if (next !== channel) return;
        if (status === 'SUBSCRIBED') {
          // Presence diffs that came before this reply belong to an earlier channel of the topic
          // (realtime-js hands a topic's frames to the channel holding it now); the state the
          // server sends next already reflects them, and applied on top they leave ghosts.
          type Pending = { presenceAdapter?: { presence?: { pendingDiffs?: unknown[] } } };
          (next.presence as unknown as Pending).presenceAdapter?.presence?.pendingDiffs?.splice(0);
          dispatch({ type: 'subscribed' });
          // Without postgres bindings the join itself is the stream: a first one is told now.
          if (pendingReturn === 'first' && !bindings.size) emitReturn(true);
          return;
        }
        // The server closed the channel (a limit, an expired token); realtime-js will not rejoin.
        if (status === 'CLOSED') {
          channel = undefined;
          return dispatch({ type: 'closed', reason: closeReason || 'closed by the server' });
        }
        dispatch({ type: 'dropped', reason: error?.message ?? 'timed out' });
      });
    };

    // Each effect of the machine, as the client runs it (a record, so every effect has one).
    const effects: Record<RoomEffect, () => void> = {
      leave() {
        clearTimeout(reopen);
        const old = channel;
        channel = undefined;
        if (old) void client.removeChannel(old);
      },
      join,
      reopen() {
        // Back on the client's own reconnect schedule (jittered if the app uses jitteredBackoff).
        reopen = setTimeout(
          () => dispatch({ type: 'retry' }),
          client.realtime.reconnectAfterMs(++closes),
        );
      },
      refresh() {
        void refresh().then((failure) =>
          dispatch(failure ? { type: 'failed', reason: failure } : { type: 'retry' }),
        );
      },
      returned() {
        // After a gap, tied queries refetch once the server streams changes again, or a change
        // made in between would be in neither the refetch nor the stream.
        if (bindings.size) {
          pendingReturn = setTimeout(emitReturn, POSTGRES_READY_TIMEOUT_MS);
        } else emitReturn();
      },
    };

    const dispatch = (event: RoomEvent): void => {
      const [next, todo] = transition(state, event, Date.now());
      const run = (): void => todo.forEach((effect) => effects[effect]());
      if (next === state) return run();
      state = next;
      trackJoined(state.phase === 'joined');
      if (state.phase === 'joined') closes = 0;
      // Not joined: a return after a gap is called off (the next one starts anew); a first
      // stream is still owed, through drops before it.
      else if (pendingReturn !== 'first') {
        clearTimeout(pendingReturn);
        pendingReturn = undefined;
      }
      run();
      // An effect may have dispatched again (a join that failed): report only the latest state.
      if (state !== next) return;
      if (state.phase !== 'closed') return onStatus?.(key, state);
      rooms.delete(key);
      users?.stop();
      onStatus?.(key, undefined);
      onPresence?.(key, undefined);
    };

    // Consumers of one commit mount one after another; joining a tick later gathers all their
    // bindings into a single join instead of one join and a rejoin per consumer.
    const schedule = (): void => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(async () => {
        await options.ready?.();
        scheduled = false;
        if (!refs) return;
        // `open` starts an idle room (whose join takes the needs) and changes nothing later.
        dispatch({ type: 'open' });
        if (joinedWith !== needs()) dispatch({ type: 'rebind' });
      }, 0);
    };

    // An emptied set stays: there is one per event or binding the room was used with, and it
    // goes with the room.
    const add = (id: string, listener: (message: never) => void): (() => void) => {
      let set = listeners.get(id);
      if (!set) listeners.set(id, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    };

    return {
      key,
      dispatch,
      getSnapshot: () => state,
      consumers: () => refs,
      retain(want: ChannelNeeds): () => void {
        refs++;
        clearTimeout(linger);
        const key = want.presenceKey;
        wantPresence ||= want.presence || key !== undefined;
        if (key !== undefined) {
          if (process.env.NODE_ENV !== 'production' && keys.some((other) => other !== key)) {
            devWarn(
              `Room "${name}" is tracked under two presence keys; the newest, "${key}", wins.`,
            );
          }
          keys.push(key);
        }
        checkPresence ??= want.checkPresence;
        ack ||= want.ack;
        if (want.postgres) bindings.set(bindingKey(want.postgres), want.postgres);
        schedule();
        let released = false;
        return () => {
          if (released) return;
          released = true;
          refs--;
          if (key !== undefined) {
            keys.splice(keys.lastIndexOf(key), 1);
            // Another user's key (a sign-in) rejoins under it; none left means no one is shown.
            if (!keys.length) trackState(null);
            schedule();
          }
          // Lingering absorbs StrictMode's unmount-remount and route changes without a rejoin.
          if (!refs) {
            // A retain in the meantime clears it, so it fires only with no consumer.
            linger = setTimeout(() => dispatch({ type: 'release' }), lingerMs);
          }
        };
      },
      onBroadcast(event: string, listener: (message: BroadcastMessage) => void, self?: boolean) {
        const off = add(`b:${event}`, listener);
        const offSelf = self ? add(`s:${event}`, listener) : undefined;
        return () => {
          off();
          offSelf?.();
        };
      },
      onPostgres: (binding: PostgresBinding, listener: (change: PostgresChange) => void) =>
        add(`p:${bindingKey(binding)}`, listener),
      async send(event: string, payload: unknown, rest?: boolean): Promise<SendStatus> {
        const deliverSelf = (): void => emit(`s:${event}`, { event, payload });
        // realtime-js posts over REST when the channel cannot push; only ever push from here.
        if (channel?.state === 'joined' && client.realtime.isConnected()) {
          // With `ack`, own listeners hear a message once the server has it; without, at once.
          if (!ack) deliverSelf();
          // Without `persist`, a push resolves to exactly these three.
          const status = (await channel.send({ type: 'broadcast', event, payload })) as SendStatus;
          if (ack && status === 'ok') deliverSelf();
          return status;
        }
        try {
          if (rest && lastChannel) {
            await lastChannel.httpSend(event, payload);
            deliverSelf();
            return 'ok';
          }
        } catch {
          // A post that fails resolves 'error', like one that cannot be made.
        }
        return 'error';
      },
      track(slice: Record<string, unknown> | null, owner: object = slices) {
        if (slice) slices.set(owner, slice);
        else slices.delete(owner);
        // One merged state per client: every consumer's fields, the later ones winning a clash.
        trackState(slices.size ? Object.assign({}, ...slices.values()) : null);
      },
      untrack(): void {
        if (channel?.state === 'joined' && slices.size) void channel.untrack();
      },
      signOut(): void {
        // A public room stays (as anon); nobody is shown in presence any more.
        if (isPrivate) dispatch({ type: 'signedOut' });
        else trackState(null);
        slices.clear();
      },
    };
  };

  return {
    room(name, isPrivate) {
      const key = roomKey(name, isPrivate);
      let room = rooms.get(key);
      if (!room) rooms.set(key, (room = create(name, isPrivate)));
      return room;
    },
    find: (name, isPrivate) => rooms.get(roomKey(name, isPrivate)),
    onReturn(listener) {
      returnListeners.add(listener);
      return () => void returnListeners.delete(listener);
    },
    active: () => rooms.size > 0,
    untrackAll() {
      for (const room of rooms.values()) room.untrack();
    },
    setUser(id) {
      const known = user !== undefined;
      if (id === user || ((user = id), !known)) return;
      for (const room of [...rooms.values()]) {
        if (id === null) room.signOut();
        else room.dispatch({ type: 'authChanged' });
      }
    },
    dispose() {
      for (const room of [...rooms.values()]) room.dispatch({ type: 'release' });
    },
  };
}
