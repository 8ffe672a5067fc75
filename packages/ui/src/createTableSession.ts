import { parseChatChange, type ChatChange, type StoredChatMessage } from './chatRows';
import {
  IDLE_OUTBOX,
  MAX_ATTEMPTS,
  transition,
  type OutboxEvent,
  type OutboxItem,
} from './chatOutbox';
import { announceRoomRead } from './chatReads';
import { groupReactions, NO_REACTIONS, withReaction } from './chatReactions';
import type { ChatConnection, ChatConnectOptions } from './chatSource';
import type { ChatEntry, ChatReaction } from './chatTypes';
import { ChatTableError, type ChatReadPointer, type ChatTable } from './createChatTable';
import { createChatSnapshot } from './createChatSnapshot';
import { createMessageStore, LOCAL } from './createMessageStore';

type Cursor = Pick<StoredChatMessage, 'id' | 'createdAtUs'>;
type ReactionChange = Extract<ChatChange, { type: 'reaction-added' | 'reaction-removed' }>;

// No code (a fetch that never reached the server) or a connection failure: worth trying again.
const unreachable = (error: unknown) =>
  !(error instanceof ChatTableError) || error.code === '' || /^(08|57P0|PGRST00)/.test(error.code);

const differs = (a: ChatEntry, b: ChatEntry) =>
  a.status !== b.status ||
  a.body !== b.body ||
  a.editedAt !== b.editedAt ||
  a.deletedAt !== b.deletedAt ||
  a.createdAt !== b.createdAt ||
  a.replyTo !== b.replyTo ||
  a.reactions !== b.reactions ||
  a.user.name !== b.user.name ||
  a.user.avatarUrl !== b.user.avatarUrl;

const isItem = (value: unknown): value is OutboxItem => {
  const item = value as OutboxItem | null;
  return (
    typeof item === 'object' &&
    item !== null &&
    typeof item.id === 'string' &&
    typeof item.body === 'string' &&
    typeof item.createdAt === 'number' &&
    (item.replyTo === null || typeof item.replyTo === 'string')
  );
};

const parseOutbox = (text: string): { queue?: unknown; failed?: unknown } | null => {
  try {
    return JSON.parse(text) as { queue?: unknown; failed?: unknown } | null;
  } catch {
    return null;
  }
};

const items = (value: unknown) => (Array.isArray(value) ? value.filter(isItem) : []);

type Pointer = { id: string; atUs: number };
// Whether a message at `atUs` is past `pointer` (the database orders by time, then id).
const past = (atUs: number, id: string, pointer: Pointer | null | undefined) =>
  !pointer || atUs > pointer.atUs || (atUs === pointer.atUs && id > pointer.id);

// Each member's read moves every member's pointers: one read of them per burst of moves.
const READS_DELAY_MS = 1000;
// A mark that failed is tried again after 1 s, 2 s, 4 s… at most this apart.
const MARK_RETRY_MS = 1000;
const MARK_RETRY_MAX_MS = 30_000;

/**
 * One user's table-backed chat in one room: a message is inserted first (through an outbox that
 * sends in order, waits out an unreachable server and retries with the same id, so it is stored
 * exactly once) and every copy shown, the sender's included, is the stored row from the
 * database, ordered by its time then id. Changes arrive on the private topic `chat:<room>`.
 * @example
 * const chat = createTableSession(createChatTable(supabase), { room, userId, user: () => user, registry, pageSize: 50, storage: sessionStorage });
 */
export function createTableSession(
  table: ChatTable,
  options: ChatConnectOptions,
  { maxAttempts = MAX_ATTEMPTS }: { maxAttempts?: number } = {},
): ChatConnection {
  const { room, userId, user, registry, pageSize, storage } = options;
  const store = createMessageStore();
  const snapshot = createChatSnapshot(store, true);
  const ranks = new Map<string, number>();
  const rank = (entry: ChatEntry) => ranks.get(entry.id) ?? LOCAL;
  const key = `roomkit:chat-outbox:${userId}:${room}`;
  const failed = new Map<string, OutboxItem>();
  let outbox = IDLE_OUTBOX;
  let oldest: Cursor | undefined;
  let older: Promise<void> | undefined;
  let loaded = false;
  let running = false;
  let restored = false;
  // The furthest this session marked read.
  let marked: Pointer | undefined;
  // This user's read pointer when the chat opened: undefined until read, null when none.
  let pointer: Pointer | null | undefined;
  let pointerRead: Promise<void> | undefined;
  let divided = false;
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  let others: readonly ChatReadPointer[] = [];
  let readsAsked = 0;
  let readsTimer: ReturnType<typeof setTimeout> | undefined;
  // "Seen by" marks only this user's stored messages: until one shows, pointers are not read.
  let ownShown = false;
  let readsOwed = false;
  // A mark that failed, tried again while the session runs until a later mark passes it.
  let markOwed: string | undefined;
  let markTimer: ReturnType<typeof setTimeout> | undefined;
  let markDelay = MARK_RETRY_MS;

  const accept = (
    rows: readonly StoredChatMessage[],
    reactions?: Map<string, readonly ChatReaction[]>,
  ) => {
    let settled = false;
    const added = store.add(
      rows.map((row): ChatEntry => {
        ranks.set(row.id, row.createdAtUs);
        // Stored after all (a lost reply, then its echo): no longer failed, here or after a reload.
        settled = failed.delete(row.id) || settled;
        if (row.user.id === userId && !ownShown) {
          ownShown = true;
          if (readsOwed) readAgain();
        }
        return {
          id: row.id,
          user: row.user,
          body: row.body,
          createdAt: row.createdAt,
          status: 'sent',
          editedAt: row.editedAt,
          deletedAt: row.deletedAt,
          replyTo: row.replyTo,
          reactions: reactions?.get(row.id) ?? store.get(row.id)?.reactions ?? NO_REACTIONS,
        };
      }),
      rank,
      differs,
    );
    if (settled) save();
    return added;
  };

  const save = () => {
    const kept = { queue: outbox.queue, failed: [...failed.values()] };
    try {
      if (kept.queue.length || kept.failed.length) storage?.setItem(key, JSON.stringify(kept));
      else storage?.removeItem(key);
    } catch {
      // A full or blocked storage keeps the outbox in memory only.
    }
  };

  const deliver = (item: OutboxItem) => {
    table.send(room, item).then(
      (row) => {
        accept([row]);
        dispatch({ type: 'stored', id: item.id });
      },
      (error: unknown) =>
        dispatch(
          unreachable(error)
            ? { type: 'unreachable', id: item.id, offline: globalThis.navigator?.onLine === false }
            : { type: 'refused', id: item.id },
        ),
    );
  };

  function dispatch(event: OutboxEvent) {
    const [next, effects] = transition(outbox, event, maxAttempts);
    outbox = next;
    for (const effect of effects) {
      if (effect.type === 'send') deliver(effect.item);
      else if (effect.type === 'wait') {
        clearTimeout(wakeTimer);
        if (running) wakeTimer = setTimeout(() => dispatch({ type: 'wake' }), effect.ms);
      } else {
        const entry = store.get(effect.id);
        // A message whose row arrived (an echo, a reply lost after the insert) is stored.
        if (ranks.has(effect.id)) continue;
        if (entry)
          failed.set(effect.id, {
            id: entry.id,
            body: entry.body,
            replyTo: entry.replyTo ?? null,
            createdAt: entry.createdAt,
          });
        store.setStatus(effect.id, 'failed');
      }
    }
    save();
  }
  const wake = () => outbox.phase === 'waiting' && dispatch({ type: 'wake' });

  const enqueue = (item: OutboxItem, status: 'pending' | 'failed' = 'pending') => {
    store.add([{ ...item, user: user(), status, reactions: NO_REACTIONS }], rank);
    if (status === 'failed') failed.set(item.id, item);
    else dispatch({ type: 'enqueue', item });
  };

  // "Seen by": the newest own stored message at or before some other member's pointer. The scan
  // passes only what is newer than the furthest pointer, then stops at the first own message.
  const seeSeen = () => {
    const current = snapshot.getSnapshot();
    const furthest = Math.max(...others.map((read) => read.atUs));
    let seenBy: typeof current.seenBy = null;
    for (let i = current.messages.length - 1; i >= 0 && others.length; i--) {
      const entry = current.messages[i] as ChatEntry;
      const us = ranks.get(entry.id);
      if (entry.user.id !== userId || us === undefined || us > furthest || entry.deletedAt)
        continue;
      const names = others
        .filter((read) => read.atUs > us || (read.atUs === us && read.id >= entry.id))
        .map((read) => read.name)
        .sort();
      if (!names.length) continue;
      const known = current.seenBy;
      seenBy =
        known?.id === entry.id && known.names.join('\n') === names.join('\n')
          ? known
          : { id: entry.id, names };
      break;
    }
    snapshot.publish(undefined, undefined, seenBy);
  };
  store.subscribe(seeSeen);
  const readAgain = () => {
    readsOwed = !ownShown;
    if (readsOwed || readsTimer !== undefined) return;
    readsTimer = setTimeout(readNow, READS_DELAY_MS);
  };
  function readNow() {
    readsTimer = undefined;
    if (!running) return;
    const ask = ++readsAsked;
    table.reads(room).then(
      (reads) => {
        if (ask !== readsAsked) return;
        others = reads.filter((read) => read.userId !== userId);
        seeSeen();
      },
      // The last pointers stay until the next change.
      () => undefined,
    );
  }

  const payMark = () => {
    clearTimeout(markTimer);
    markTimer = undefined;
    if (running && markOwed !== undefined) markRead(markOwed).catch(() => undefined);
  };
  // Whether the mark owed is of a later message than one at `atUs`.
  const owedLater = (atUs: number | undefined) => {
    const owedUs = markOwed === undefined ? undefined : ranks.get(markOwed);
    return owedUs !== undefined && atUs !== undefined && owedUs > atUs;
  };
  const oweMark = (target: string) => {
    markOwed = target;
    clearTimeout(markTimer);
    if (running) markTimer = setTimeout(payMark, markDelay);
    markDelay = Math.min(markDelay * 2, MARK_RETRY_MAX_MS);
  };

  async function markRead(id?: string) {
    // Own messages are never unread: the pointer moves only past others' messages.
    const target =
      id ??
      snapshot
        .getSnapshot()
        .messages.findLast((entry) => entry.user.id !== userId && ranks.has(entry.id))?.id;
    const atUs = target === undefined ? undefined : ranks.get(target);
    if (target === undefined || (atUs !== undefined && !past(atUs, target, marked))) return;
    // This mark passes the one owed (or is it): the owed one is paid by this.
    if (!owedLater(atUs) || target === markOwed) {
      markOwed = undefined;
      clearTimeout(markTimer);
      markTimer = undefined;
    }
    const before = marked;
    if (atUs !== undefined) marked = { id: target, atUs };
    try {
      // The divider needs the pointer as it was when the chat opened, not as this moves it.
      if (pointer === undefined) await readPointer();
      if (atUs !== undefined && !past(atUs, target, pointer)) return;
      await table.markRead(room, target);
    } catch (error) {
      if (marked?.id === target) marked = before;
      // A mark in flight turns the same mark away meanwhile: retried here, none is lost.
      if (!owedLater(atUs)) oweMark(target);
      throw error;
    }
    markDelay = MARK_RETRY_MS;
    announceRoomRead(registry, room);
  }

  // Retried by markRead, which must not move the pointer before it is known.
  const readPointer = () =>
    (pointerRead ??= table.readPointer(room, userId).then(
      (read) => {
        pointer = read;
        divide();
      },
      (error: unknown) => {
        pointerRead = undefined;
        throw error;
      },
    ));

  // Reactions heard while a page loads, per load: its reactions were read at some point during
  // it, so they are applied again over the page (adding or taking back is idempotent).
  const hearing = new Set<ReactionChange[]>();
  const react = ({ type, reaction }: ReactionChange) =>
    store.update(reaction.messageId, (entry) =>
      withReaction(entry, reaction.emoji, reaction.userId, type === 'reaction-added'),
    );

  const fetchPage = async (before: Cursor | undefined) => {
    const heard: ReactionChange[] = [];
    hearing.add(heard);
    try {
      const rows = await table.page(room, { ...(before ? { before } : {}), limit: pageSize });
      const reactions = groupReactions(await table.reactions(rows.map((row) => row.id)));
      return {
        rows,
        show: () => {
          const fresh = accept(rows, reactions);
          heard.forEach(react);
          return fresh;
        },
      };
    } finally {
      hearing.delete(heard);
    }
  };

  const loadOlder = (): Promise<void> => {
    if (loaded && !snapshot.getSnapshot().hasOlder) return Promise.resolve();
    older ??= fetchPage(oldest).then(
      ({ rows, show }) => {
        // Settled before the rows show: a reader that asks for more as they render gets it.
        older = undefined;
        loaded = true;
        oldest = rows[0] ?? oldest;
        show();
        snapshot.publish(rows.length === pageSize);
        divide();
      },
      (error: unknown) => {
        older = undefined;
        throw error;
      },
    );
    return older;
  };

  // Once the first page shows and the pointer is known: the first message of others after it.
  const divide = () => {
    if (divided || !loaded || pointer === undefined) return;
    divided = true;
    if (!pointer) return;
    const { id, atUs } = pointer;
    const after = (entry: ChatEntry) => {
      const us = ranks.get(entry.id);
      return us !== undefined && us !== LOCAL && (us > atUs || (us === atUs && entry.id > id));
    };
    const first = snapshot
      .getSnapshot()
      .messages.find((entry) => entry.user.id !== userId && after(entry));
    if (first) snapshot.publish(undefined, first.id);
  };

  // After a gap: newer pages, with their edits and reactions, until one overlaps what is shown.
  const fillGap = async (before?: Cursor): Promise<void> => {
    const { rows, show } = await fetchPage(before);
    if (show() === pageSize && running && rows[0]) await fillGap(rows[0]);
  };

  const apply = (payload: unknown) => {
    const change = parseChatChange(payload);
    switch (change?.type) {
      case undefined:
        return;
      case 'message': {
        const { message } = change;
        // An edit of a message older than every loaded page stays there, out of the list.
        const beyond = loaded && oldest && message.createdAtUs < oldest.createdAtUs;
        if (message.room === room && (store.get(message.id) || !beyond)) accept([message]);
        return;
      }
      case 'message-removed':
        return store.remove(change.id);
      case 'reaction-added':
      case 'reaction-removed':
        hearing.forEach((heard) => heard.push(change));
        return react(change);
      default:
        return change satisfies never;
    }
  };

  // Optimistic: shown at once; if the database refuses, `undo` takes back only what this write
  // changed (given the entry now, as it was before, and as this write left it), so what arrived
  // meanwhile (a delete, others' reactions) stays.
  const change = async (
    id: string,
    next: (entry: ChatEntry) => ChatEntry,
    write: () => Promise<StoredChatMessage | void>,
    undo: (now: ChatEntry, was: ChatEntry, mine: ChatEntry) => ChatEntry,
  ) => {
    const was = store.get(id);
    if (!was || was.status !== 'sent') return;
    store.update(id, next);
    const mine = store.get(id) ?? was;
    try {
      const row = await write();
      if (row) accept([row]);
    } catch (error) {
      store.update(id, (now) => undo(now, was, mine));
      throw error;
    }
  };
  // Puts back `was`'s `fields` while they are still as this write left them.
  const putBack =
    (...fields: ('body' | 'editedAt' | 'deletedAt')[]) =>
    (now: ChatEntry, was: ChatEntry, mine: ChatEntry) =>
      fields.every((field) => now[field] === mine[field])
        ? { ...now, ...Object.fromEntries(fields.map((field) => [field, was[field]])) }
        : now;

  return {
    subscribe: snapshot.subscribe,
    getSnapshot: snapshot.getSnapshot,
    start() {
      running = true;
      const topic = `chat:${room}`;
      const live = registry.room(topic, true);
      const release = live.retain({});
      const offs = (['INSERT', 'UPDATE', 'DELETE'] as const).map((event) =>
        live.onBroadcast(event, (message) => apply(message.payload)),
      );
      offs.push(
        live.onBroadcast('READ', (message) => {
          const payload = message.payload as { room?: unknown } | null;
          if (payload?.room === room) readAgain();
        }),
        registry.onReturn((returned, first) => {
          if (returned !== `private:${topic}`) return;
          // A mark that failed is tried again at once on the channel's return.
          markDelay = MARK_RETRY_MS;
          payMark();
          // The first page may be read before the channel joined, and a message stored in
          // between would reach neither: on the first join, what is newer than it is read too.
          // Read pointers read before the join have the same window: they are read again too.
          if (first)
            void (older ?? Promise.resolve())
              .catch(() => undefined)
              .then(() => (running ? fillGap() : undefined))
              .catch(() => undefined);
          else {
            (loaded ? fillGap() : loadOlder()).catch(() => undefined);
            wake();
          }
          readAgain();
        }),
      );
      readAgain();
      globalThis.addEventListener?.('online', wake);
      if (!restored) {
        restored = true;
        const saved = parseOutbox(storage?.getItem(key) ?? 'null');
        for (const item of items(saved?.failed)) enqueue(item, 'failed');
        for (const item of items(saved?.queue)) enqueue(item);
      } else wake();
      if (!loaded) loadOlder().catch(() => undefined);
      if (pointer === undefined) readPointer().catch(() => undefined);
      payMark();
      return () => {
        running = false;
        clearTimeout(markTimer);
        markTimer = undefined;
        clearTimeout(readsTimer);
        readsTimer = undefined;
        clearTimeout(wakeTimer);
        globalThis.removeEventListener?.('online', wake);
        offs.forEach((off) => off());
        release();
      };
    },
    send(body, { replyTo = null } = {}) {
      const id = globalThis.crypto.randomUUID();
      enqueue({ id, body, replyTo, createdAt: Date.now() });
      return id;
    },
    retry(id) {
      const item = failed.get(id);
      if (!item) return;
      failed.delete(id);
      store.setStatus(id, 'pending');
      dispatch({ type: 'enqueue', item });
    },
    edit: (id, body) =>
      change(
        id,
        (entry) => ({ ...entry, body, editedAt: Date.now() }),
        () => table.edit(id, body),
        putBack('body', 'editedAt'),
      ),
    async remove(id) {
      const entry = store.get(id);
      if (entry?.status === 'sent')
        return change(
          id,
          (known) => ({ ...known, body: '', deletedAt: Date.now() }),
          () => table.remove(id),
          putBack('body', 'deletedAt'),
        );
      // The message in flight may be stored already: it stays.
      if (!entry || (outbox.phase === 'sending' && outbox.queue[0]?.id === id)) return;
      const wasFailed = failed.delete(id);
      dispatch({ type: 'cancel', id });
      store.remove(id);
      // A failed send may have been stored (its reply lost): that row goes too, if there is one.
      if (wasFailed)
        await table.remove(id).catch((error: unknown) => {
          if (!(error instanceof ChatTableError && error.code === 'PGRST116')) throw error;
        });
    },
    react(id, emoji) {
      const on = !store
        .get(id)
        ?.reactions?.some((r) => r.emoji === emoji && r.users.includes(userId));
      if (store.get(id)?.deletedAt) return Promise.resolve();
      return change(
        id,
        (entry) => withReaction(entry, emoji, userId, on),
        () => (on ? table.react(id, emoji) : table.unreact(id, emoji)),
        (now) => withReaction(now, emoji, userId, !on),
      );
    },
    loadOlder: () => void loadOlder().catch(() => undefined),
    async reveal(id) {
      if (store.get(id)) return true;
      // Pages are read only down to the message, and none for one that is gone or deleted.
      const target = await table.message(id);
      if (target?.room !== room || target.deletedAt) return false;
      while (!store.get(id)) {
        const past = oldest && oldest.createdAtUs < target.createdAtUs;
        if (past || (loaded && !snapshot.getSnapshot().hasOlder)) return false;
        await loadOlder();
      }
      return true;
    },
    markRead,
  };
}
