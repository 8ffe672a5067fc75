'use client';
import { useChannelStatus, useRealtime, type RoomSnapshot } from '@roomkit/react';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ChatPersistence } from './chatTypes';
import { createChatSession, type ChatSession, type ChatSnapshot } from './createChatSession';
import { createChatTable, type ChatTable } from './createChatTable';
import type { RoomUser } from './types';
import { useLatest } from './useLatest';
import { useTyping } from './useTyping';

/** Options of {@link useChat}. */
export interface UseChatOptions {
  /** The room. */
  room: string;
  /** This user (with a table, their auth user id): the author of what they send. */
  user: RoomUser;
  /**
   * Store messages in the chat tables of `@roomkit/ui/sql` (`true` uses the provider's client, or
   * pass `createChatTable(supabase)`): a message is stored first, and everyone, the sender
   * included, shows what the database stored. Without it the chat is broadcast only: ephemeral,
   * with the author and time each sender claims.
   * @default false
   */
  table?: boolean | ChatTable;
  /** Broadcast mode only: where messages are also saved, and history is read from. */
  persistence?: ChatPersistence;
  /** History page size. @default 50 */
  pageSize?: number;
}

/** What {@link useChat} returns; every function is stable. */
export interface UseChatResult
  extends
    ChatSnapshot,
    Pick<ChatSession, 'send' | 'retry' | 'edit' | 'remove' | 'react' | 'loadOlder' | 'markRead'> {
  /** The message channel's phase and reason. */
  status: RoomSnapshot;
  /** The names of the others typing now. */
  typing: readonly string[];
  /** Tells the others this user is typing (`true`: stopped); cheap to call on every keystroke. */
  notifyTyping: (stop?: boolean) => void;
  /** The session itself, for `<Chat>`'s history loader in broadcast mode. */
  session: ChatSession;
}

const storage = () => {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    // Storage access can throw (blocked third-party storage): the outbox stays in memory.
    return null;
  }
};

/**
 * A room's chat without UI: messages, sending with an offline outbox, edits, deletes, reactions,
 * replies, history, typing and read pointers. `<Chat>` is built on it.
 * @example
 * const { messages, send, hasOlder, loadOlder } = useChat({ room: 'lobby', user, table: true });
 */
export function useChat(options: UseChatOptions): UseChatResult {
  const { room, user, table: tableOption = false, persistence, pageSize = 50 } = options;
  const { registry, client } = useRealtime();
  const table = useMemo(
    () => (tableOption === true ? createChatTable(client) : tableOption || undefined),
    [tableOption, client],
  );
  // Read when used: an adapter or user object made in render must not start a new session.
  const latest = useLatest({ user, persistence });
  const userId = user.id;
  const session = useMemo(
    () =>
      createChatSession({
        room,
        userId,
        user: () => latest.current.user,
        registry,
        table,
        persistence: () => latest.current.persistence,
        pageSize,
        storage: storage(),
      }),
    [room, userId, latest, registry, table, pageSize],
  );
  useEffect(() => session.start(), [session]);
  const snapshot = useSyncExternalStore(
    session.subscribe,
    session.getSnapshot,
    session.getSnapshot,
  );
  const status = useChannelStatus(table ? `chat:${room}` : room, { private: !!table });
  const { typing, notify } = useTyping(table ? `chat-live:${room}` : room, {
    user,
    private: !!table,
  });
  return useMemo(
    () => ({
      ...snapshot,
      status,
      typing,
      notifyTyping: notify,
      session,
      send: session.send,
      retry: session.retry,
      edit: session.edit,
      remove: session.remove,
      react: session.react,
      loadOlder: session.loadOlder,
      markRead: session.markRead,
    }),
    [snapshot, status, typing, notify, session],
  );
}
