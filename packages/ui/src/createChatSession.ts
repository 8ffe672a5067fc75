import type { ChannelRegistry, RoomChannel } from '@roomkit/react';
import { parseChatChange, type StoredChatMessage } from './chatRows';
import { IDLE_OUTBOX, transition, type OutboxEvent, type OutboxItem } from './chatOutbox';
import { announceRoomRead } from './chatReads';
import { groupReactions, NO_REACTIONS, withReaction } from './chatReactions';
import {
  isChatMessage,
  type ChatEntry,
  type ChatMessage,
  type ChatPersistence,
  type ChatReaction,
} from './chatTypes';
import { ChatTableError, type ChatTable } from './createChatTable';
import { createMessageStore, LOCAL } from './createMessageStore';
import type { RoomUser } from './types';

/** Where a chat's outbox is kept across a reload (`sessionStorage`: the same tab only). */
export type OutboxStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Options of {@link createChatSession}. */
export interface ChatSessionOptions {
  room: string;
  /** This user's id: own messages, and the outbox's storage key. */
  userId: string;
  /** This user as shown on their messages until they are stored; read when a message is written. */
  user: () => RoomUser;
  registry: ChannelRegistry;
  /** The chat tables: messages are stored first and come back from the database. */
  table?: ChatTable | undefined;
  /** Broadcast mode only: where messages are also saved; read at each send. */
  persistence?: () => ChatPersistence | undefined;
  pageSize: number;
  storage?: OutboxStorage | null | undefined;
}

/** What a chat shows: its messages, and whether older ones can be loaded. */
export interface ChatSnapshot {
  messages: readonly ChatEntry[];
  hasOlder: boolean;
}

const makeId = () => globalThis.crypto.randomUUID();

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

/**
 * One user's chat in one room, without React: the message list, sending (through the table's
 * outbox, or over broadcast), history and live changes. `start` subscribes; its result stops.
 * @example
 * const chat = createChatSession({ room: 'lobby', user, registry, table, pageSize: 50 });
 * const stop = chat.start();
 */
export function createChatSession(options: ChatSessionOptions) {
  const { room, userId, user, registry, table, persistence, pageSize, storage } = options;
  const store = createMessageStore();
  const listeners = new Set<() => void>();
  let snapshot: ChatSnapshot = { messages: store.getSnapshot(), hasOlder: !!table };
  const publish = (hasOlder = snapshot.hasOlder) => {
    const messages = store.getSnapshot();
    if (messages === snapshot.messages && hasOlder === snapshot.hasOlder) return;
    snapshot = { messages, hasOlder };
    listeners.forEach((listener) => listener());
  };
  store.subscribe(() => publish());

  // Table mode: each stored message's place (µs), the oldest page cursor, and the outbox.
  const ranks = new Map<string, number>();
  const rank = (entry: ChatEntry) => ranks.get(entry.id) ?? LOCAL;
  let oldest: Pick<StoredChatMessage, 'id' | 'createdAtUs'> | undefined;
  let loading = false;
  let loaded = false;
  let outbox = IDLE_OUTBOX;
  const failed = new Map<string, OutboxItem>();
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  const key = `roomkit:chat-outbox:${userId}:${room}`;

  const accept = (
    rows: readonly StoredChatMessage[],
    reactions?: Map<string, readonly ChatReaction[]>,
  ) => {
    const entries = rows.map((row): ChatEntry => {
      ranks.set(row.id, row.createdAtUs);
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
    });
    return store.add(entries, rank, differs);
  };

  const save = () => {
    if (!storage) return;
    const items = { queue: outbox.queue, failed: [...failed.values()] };
    try {
      if (items.queue.length || items.failed.length) storage.setItem(key, JSON.stringify(items));
      else storage.removeItem(key);
    } catch {
      // A full or blocked storage keeps the outbox in memory only.
    }
  };

  const dispatch = (event: OutboxEvent) => {
    const [next, effects] = transition(outbox, event);
    outbox = next;
    for (const effect of effects) {
      if (effect.type === 'send') deliver(effect.item);
      else if (effect.type === 'wait') {
        clearTimeout(wakeTimer);
        if (running) wakeTimer = setTimeout(() => dispatch({ type: 'wake' }), effect.ms);
      } else {
        const entry = store.get(effect.id);
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
  };

  const deliver = (item: OutboxItem) => {
    if (!table) return;
    table.send(room, item).then(
      (row) => {
        accept([row]);
        dispatch({ type: 'stored', id: item.id });
      },
      (error: unknown) =>
        dispatch({ type: unreachable(error) ? 'unreachable' : 'refused', id: item.id }),
    );
  };

  const enqueue = (item: OutboxItem, status: 'pending' | 'failed' = 'pending') => {
    const entry: ChatEntry = { ...item, user: user(), status, reactions: NO_REACTIONS };
    if (!store.add([entry], rank)) store.setStatus(item.id, status);
    if (status === 'failed') failed.set(item.id, item);
    else dispatch({ type: 'enqueue', item });
  };

  const loadPage = async (before: Pick<StoredChatMessage, 'id' | 'createdAtUs'> | undefined) => {
    if (!table) return undefined;
    const rows = await table.page(room, { ...(before ? { before } : {}), limit: pageSize });
    const reactions = groupReactions(await table.reactions(rows.map((row) => row.id)));
    return { rows, fresh: accept(rows, reactions) };
  };

  const loadOlder = () => {
    if (!table || loading || (loaded && !snapshot.hasOlder)) return;
    loading = true;
    loadPage(oldest).then(
      (page) => {
        loading = false;
        if (!page) return;
        loaded = true;
        const [first] = page.rows;
        if (first) oldest = first;
        publish(page.rows.length === pageSize);
      },
      () => {
        // A failed page can be asked for again (the next scroll to the top).
        loading = false;
      },
    );
  };

  // After a gap, newer pages until one overlaps what is shown, with their edits and reactions.
  const fillGap = async (before?: Pick<StoredChatMessage, 'id' | 'createdAtUs'>): Promise<void> => {
    if (!table || !running) return;
    const page = await loadPage(before);
    const [first] = page ? page.rows : [];
    if (page && first && page.fresh === pageSize) await fillGap(first);
  };

  const onReturn = () => {
    if (!loaded) loadOlder();
    else fillGap().catch(() => undefined);
    if (outbox.phase === 'waiting') dispatch({ type: 'wake' });
  };

  const apply = (payload: unknown) => {
    const change = parseChatChange(payload);
    if (!change) return;
    switch (change.type) {
      case 'message':
        if (change.message.room === room) accept([change.message]);
        return;
      case 'message-removed':
        return store.remove(change.id);
      case 'reaction-added':
      case 'reaction-removed': {
        const { messageId, emoji, userId } = change.reaction;
        const on = change.type === 'reaction-added';
        return store.update(messageId, (entry) => withReaction(entry, emoji, userId, on));
      }
      default:
        return change satisfies never;
    }
  };

  let channel: RoomChannel | undefined;

  const restore = () => {
    const text = storage?.getItem(key);
    if (!text) return;
    const saved = parseOutbox(text);
    const list = (value: unknown) => (Array.isArray(value) ? value.filter(isItem) : []);
    for (const item of list(saved?.failed)) enqueue(item, 'failed');
    for (const item of list(saved?.queue)) enqueue(item);
  };

  // Broadcast mode: a message goes out to whoever is listening, and into `persistence` if any.
  const broadcast = async (message: ChatMessage) => {
    store.setStatus(message.id, 'pending');
    const [status, saved] = await Promise.all([
      channel ? channel.send('message', message) : 'error',
      persistence?.()
        ?.save(room, message)
        .then(
          () => true,
          () => false,
        ) ?? true,
    ]);
    store.setStatus(message.id, status === 'ok' && saved ? 'sent' : 'failed');
  };

  let historyLoader: (() => void) | null = null;
  let lastRead: string | undefined;
  let restored = false;

  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    getSnapshot: (): ChatSnapshot => snapshot,
    /** Joins the room's channel, loads the newest page and resumes the outbox; returns the stop. */
    start(): () => void {
      running = true;
      const topic = table ? `chat:${room}` : room;
      channel = registry.room(topic, !!table);
      const release = channel.retain(table ? {} : { ack: true });
      const offs = table
        ? (['INSERT', 'UPDATE', 'DELETE'] as const).map((event) =>
            (channel as RoomChannel).onBroadcast(event, (message) => apply(message.payload)),
          )
        : [
            channel.onBroadcast('message', ({ payload }) => {
              if (isChatMessage(payload)) store.add([{ ...payload, status: 'sent' }]);
            }),
          ];
      const channelKey = `${table ? 'private' : 'public'}:${topic}`;
      offs.push(registry.onReturn((returned) => returned === channelKey && table && onReturn()));
      if (table) {
        const online = () => outbox.phase === 'waiting' && dispatch({ type: 'wake' });
        globalThis.addEventListener?.('online', online);
        offs.push(() => globalThis.removeEventListener?.('online', online));
        if (!restored) {
          restored = true;
          restore();
        } else online();
        if (!loaded) loadOlder();
      }
      return () => {
        running = false;
        clearTimeout(wakeTimer);
        offs.forEach((off) => off());
        release();
      };
    },
    /** Sends a message; returns its id. */
    send(body: string, options: { replyTo?: string | null } = {}): string {
      const id = makeId();
      const createdAt = Date.now();
      if (table) {
        enqueue({ id, body, replyTo: options.replyTo ?? null, createdAt });
        return id;
      }
      const message: ChatMessage = { id, user: user(), body, createdAt };
      store.add([{ ...message, status: 'pending' }]);
      void broadcast(message);
      return id;
    },
    /** Sends a failed message again, with the same id. */
    retry(id: string) {
      const entry = store.get(id);
      if (entry?.status !== 'failed') return;
      if (!table) {
        const { status: _status, ...message } = entry;
        return void broadcast(message);
      }
      const item = failed.get(id);
      if (!item) return;
      failed.delete(id);
      store.setStatus(id, 'pending');
      dispatch({ type: 'enqueue', item });
    },
    /** Replaces the body of one of this user's stored messages. */
    async edit(id: string, body: string) {
      const entry = store.get(id);
      if (!table || !entry || entry.status !== 'sent') return;
      store.update(id, (known) => ({ ...known, body, editedAt: Date.now() }));
      try {
        accept([await table.edit(id, body)]);
      } catch (error) {
        store.update(id, () => entry);
        throw error;
      }
    },
    /** Deletes a message: a local one leaves the outbox; a stored one is soft-deleted. */
    async remove(id: string) {
      const entry = store.get(id);
      if (!entry) return;
      if (entry.status !== 'sent' || !table) {
        if (entry.status === 'pending' && outbox.queue[0]?.id === id && outbox.phase === 'sending')
          return;
        failed.delete(id);
        dispatch({ type: 'cancel', id });
        return store.remove(id);
      }
      store.update(id, (known) => ({ ...known, body: '', deletedAt: Date.now() }));
      try {
        accept([await table.remove(id)]);
      } catch (error) {
        store.update(id, () => entry);
        throw error;
      }
    },
    /** Toggles this user's `emoji` on a stored message. */
    async react(id: string, emoji: string) {
      const entry = store.get(id);
      if (!table || !entry || entry.status !== 'sent' || entry.deletedAt) return;
      const on = !entry.reactions?.some((r) => r.emoji === emoji && r.users.includes(userId));
      store.update(id, (known) => withReaction(known, emoji, userId, on));
      try {
        await (on ? table.react(id, emoji) : table.unreact(id, emoji));
      } catch (error) {
        store.update(id, (known) => withReaction(known, emoji, userId, !on));
        throw error;
      }
    },
    /** Loads the next older page (history); does nothing while one loads or none is left. */
    loadOlder(): void {
      if (table) loadOlder();
      else historyLoader?.();
    },
    /** Broadcast mode: adds messages a history loader read. */
    addHistory: (messages: readonly ChatMessage[]) =>
      store.add(messages.map((message) => ({ ...message, status: 'sent' as const }))),
    /** Broadcast mode: the history loader's next-page function, or `null` when none is left. */
    setLoadOlder(load: (() => void) | null) {
      historyLoader = load;
      publish(load !== null);
    },
    /**
     * Moves this user's read pointer to `id` (by default the newest stored message); the pointer
     * only moves forward, so an older id changes nothing.
     */
    async markRead(id?: string) {
      const target = id ?? snapshot.messages.findLast((entry) => ranks.has(entry.id))?.id;
      if (!table || !target || target === lastRead) return;
      lastRead = target;
      try {
        await table.markRead(room, target);
      } catch (error) {
        lastRead = undefined;
        throw error;
      }
      announceRoomRead(registry, room);
    },
  };
}

/** A chat session: see {@link createChatSession}. */
export type ChatSession = ReturnType<typeof createChatSession>;
