'use client';
import { useChannelStatus, useRealtime, type RoomSnapshot } from '@roomkit/react';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ChatConnection, ChatSnapshot, ChatSource } from './chatSource';
import type { ChatPersistence } from './chatTypes';
import { createBroadcastSession } from './createBroadcastSession';
import type { RoomUser } from './types';
import { useLatest } from './useLatest';
import { useTyping } from './useTyping';

/**
 * Options of {@link useChat}: with `table` (stored messages, paged history) or without it
 * (broadcast, optionally saved to `persistence`).
 */
export type UseChatOptions = {
  /** The room. */
  room: string;
  /** This user (with a table, `id` is their auth user id): the author of what they send. */
  user: RoomUser;
} & (
  | {
      /**
       * Where messages live: `chatTable(supabase)` from `@roomkit/ui/table` stores each one first
       * and shows everyone, the sender included, only what the database stored. Make it once.
       */
      table: ChatSource;
      /** How many messages each history page holds. @default 50 */
      pageSize?: number;
      persistence?: never;
    }
  | {
      /** Without a table the chat is broadcast only: ephemeral, with the author and time each sender claims. */
      table?: undefined;
      /**
       * Where each message sent is also saved. The hook loads no history from it: a loader does,
       * given `session.addHistory` and `session.setLoadOlder` (`<Chat>` renders one).
       */
      persistence?: ChatPersistence;
      /** Broadcast mode pages nothing itself: its history loader's page size applies. */
      pageSize?: never;
    }
);
/** What {@link useChat} returns; every function is stable. */
export interface UseChatResult
  extends
    ChatSnapshot,
    Pick<
      ChatConnection,
      'send' | 'retry' | 'edit' | 'remove' | 'react' | 'loadOlder' | 'reveal' | 'markRead'
    > {
  /** The message channel's phase and reason. */
  status: RoomSnapshot;
  /** The names of the others typing now. */
  typing: readonly string[];
  /** Tells the others this user is typing (`true`: stopped); cheap to call on every keystroke. */
  notifyTyping: (stop?: boolean) => void;
  /**
   * The connection itself; in broadcast mode a history loader (`<Chat>`'s, or `QueryChatHistory`
   * from `@roomkit/ui/query`) adds pages through its `addHistory` and `setLoadOlder`.
   */
  session: ChatConnection;
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
 * A room's chat without UI: messages, sending (with an offline outbox when table-backed), edits,
 * deletes, reactions, replies, history pages (table-backed; broadcast history comes from a
 * loader, see `session`), typing and read pointers. `<Chat>` is built on it.
 * @example
 * const table = chatTable(supabase); // from '@roomkit/ui/table', made once
 * const { messages, send, hasOlder, loadOlder } = useChat({ room: 'lobby', user, table });
 */
export function useChat(options: UseChatOptions): UseChatResult {
  const { room, user, table, pageSize = 50 } = options;
  const { registry } = useRealtime();
  // Read when used: an adapter or user object made in render must not start a new session.
  const latest = useLatest(options);
  const userId = user.id;
  const session = useMemo(() => {
    const connect = {
      room,
      userId,
      user: () => latest.current.user,
      registry,
      pageSize,
      storage: storage(),
      persistence: () => latest.current.persistence,
    };
    return table ? table.connect(connect) : createBroadcastSession(connect);
  }, [room, userId, latest, registry, table, pageSize]);
  useEffect(() => session.start(), [session]);
  const snapshot = useSyncExternalStore(
    session.subscribe,
    session.getSnapshot,
    session.getSnapshot,
  );
  const status = useChannelStatus(table ? table.topic(room) : room, { private: !!table });
  const { typing, notify } = useTyping(table ? table.liveTopic(room) : room, {
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
      reveal: session.reveal,
      markRead: session.markRead,
    }),
    [snapshot, status, typing, notify, session],
  );
}
