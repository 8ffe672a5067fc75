import type { ChannelRegistry } from '@roomkit/react';
import type { ComponentType } from 'react';
import type { ChatRowToolsProps } from './ChatRow';
import type { ChatEntry, ChatMessage, ChatPersistence } from './chatTypes';
import type { RoomUser } from './types';

/** What a chat shows: its messages, and whether older ones can be loaded. */
export interface ChatSnapshot {
  /** The messages, oldest first; the array and each entry keep their identity until they change. */
  messages: readonly ChatEntry[];
  /** Whether {@link ChatConnection.loadOlder} has an older page to load. */
  hasOlder: boolean;
  /**
   * The first message of others this user had not read when the chat opened (where a "new
   * messages" divider goes), or `null`; table-backed chats only, fixed once the first page shows.
   */
  unreadFrom: string | null;
  /**
   * The newest of this user's messages that others have read (table-backed chats, from their read
   * pointers) and those readers' names, or `null`; the same object until either changes.
   */
  seenBy: { id: string; names: readonly string[] } | null;
}

/** Where a chat's outbox is kept across a reload (`sessionStorage`: the same tab only). */
export type OutboxStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** What {@link ChatSource.connect} is given by `useChat`. */
export interface ChatConnectOptions {
  room: string;
  /** This user's id: their own messages and reactions, and the outbox's storage key. */
  userId: string;
  /** This user as shown on their messages until stored; read when a message is written. */
  user: () => RoomUser;
  /** The provider's channels. */
  registry: ChannelRegistry;
  /** History page size. */
  pageSize: number;
  /** Where the outbox survives a reload; `null` keeps it in memory. */
  storage: OutboxStorage | null;
  /** Broadcast mode: where messages are also saved; read at each send. */
  persistence?: () => ChatPersistence | undefined;
}

/** One user's chat in one room, without React; `useChat` reads it. */
export interface ChatConnection {
  subscribe(listener: () => void): () => void;
  getSnapshot(): ChatSnapshot;
  /** Joins the room's channel and loads what it needs; returns the stop. */
  start(): () => void;
  /** Sends a message (optionally a reply); returns its client-made id. */
  send(body: string, options?: { replyTo?: string | null }): string;
  /** Sends a failed message again, with the same id. */
  retry(id: string): void;
  /** Replaces the body of one of this user's stored messages. */
  edit(id: string, body: string): Promise<void>;
  /** Deletes a message: a local one is dropped, a stored one soft-deleted. */
  remove(id: string): Promise<void>;
  /** Toggles this user's emoji on a stored message. */
  react(id: string, emoji: string): Promise<void>;
  /** Loads the next older page; does nothing while one loads or none is left. */
  loadOlder(): void;
  /**
   * Loads older pages down to `id` (a reply's quote) and resolves whether it is shown; one that
   * is gone or deleted resolves `false` without loading any.
   */
  reveal(id: string): Promise<boolean>;
  /** Moves this user's read pointer to `id`, by default the newest stored message. */
  markRead(id?: string): Promise<void>;
  /** Broadcast mode: adds messages a history loader read; returns how many were new. */
  addHistory?: (messages: readonly ChatMessage[]) => number;
  /** Broadcast mode: the history loader's next-page function, or `null` when none is left. */
  setLoadOlder?: (load: (() => void) | null) => void;
}

/**
 * Where a chat's messages live: `chatTable(supabase)` from `@roomkit/ui/table` (the chat tables,
 * server-authoritative). Pass it as `table` to `useChat` or `<Chat>`; make it once (module scope
 * or `useMemo`).
 */
/** What `<Chat>` hands a source's {@link ChatSource.presence} component. */
export interface ChatPresenceProps {
  /** The topic to show this user on: the source's `liveTopic(room)`. */
  topic: string;
  /** This user. */
  user: RoomUser;
  /** Gets the names of the others there, one per line, sorted, each once. Stable. */
  onNames: (names: string) => void;
}

export interface ChatSource {
  /** The private topic its stored changes arrive on. */
  topic(room: string): string;
  /** The private topic for what is never stored (typing). */
  liveTopic(room: string): string;
  /** Starts one user's chat in one room. */
  connect(options: ChatConnectOptions): ChatConnection;
  /** What `<Chat>` shows on each stored message: reactions, reply, edit, delete. @default none */
  rowTools?: ComponentType<ChatRowToolsProps>;
  /**
   * Shows this user in the presence of `liveTopic(room)` and hands `<Chat>` the names of the
   * others there (one per line), for `@` suggestions and mention marks. @default none
   */
  presence?: ComponentType<ChatPresenceProps>;
  /** A reply's quote (it reads a message not loaded by its id). @default none: no quote shows */
  quote?: ComponentType<ChatRowToolsProps>;
}
