import type { RoomUser } from './types';

/** One chat message as it travels and is stored; `id` is made by the sender's client. */
export interface ChatMessage {
  /** A client-made id; every copy (echo, replay, history) with this id is the same message. */
  id: string;
  /** The author. */
  user: RoomUser;
  /** The text, always rendered as text. */
  body: string;
  /** When the author sent it, in ms since the epoch. */
  createdAt: number;
}

/** Where a message is: sent by this client and waiting, acknowledged, or not delivered. */
export type ChatMessageStatus = 'pending' | 'sent' | 'failed';

/** One emoji on a message and who reacted with it. */
export interface ChatReaction {
  /** The emoji (any short text). */
  emoji: string;
  /** The ids of the users who reacted with it, in the order they did. */
  users: readonly string[];
}

/** A message in the list, with its delivery status. */
export interface ChatEntry extends ChatMessage {
  /** Its delivery status; messages from others are always `sent`. */
  status: ChatMessageStatus;
  /** When its author last edited it (table-backed chats), in ms. */
  editedAt?: number | null;
  /** When it was deleted (table-backed chats); its body is then `''`. */
  deletedAt?: number | null;
  /** The id of the message it replies to (table-backed chats). */
  replyTo?: string | null;
  /** Its reactions (table-backed chats), in the order they were first given. */
  reactions?: readonly ChatReaction[];
}

/** Stores and loads a room's messages; pass one to `<Chat persistence>` for history. */
export interface ChatPersistence {
  /**
   * Loads `limit` messages older than `before` (ms), oldest first: fewer when no more are left,
   * more when others share the oldest one's millisecond (the next page is before it).
   */
  load(room: string, page: { before?: number; limit: number }): Promise<ChatMessage[]>;
  /** Stores a message; storing the same id twice must succeed without a duplicate. */
  save(room: string, message: ChatMessage): Promise<void>;
}

/**
 * What `<Chat>` hands the component that loads its history (its `history` prop): the built-in
 * loader, `QueryChatHistory` from `@roomkit/ui/query`, or your own.
 * @example
 * function History({ room, persistence, pageSize, add }: ChatHistoryProps) {
 *   useEffect(() => void persistence.load(room, { limit: pageSize }).then(add), [room, persistence, pageSize, add]);
 *   return null;
 * }
 */
export interface ChatHistoryProps {
  /** The chat's room. */
  room: string;
  /** Where the messages are stored. */
  persistence: ChatPersistence;
  /** How many messages one page holds. */
  pageSize: number;
  /** Adds loaded messages to the chat and returns how many were new (copies are dropped by id). */
  add: (messages: readonly ChatMessage[]) => number;
  /** Gives `<Chat>` the function that loads the next older page, or `null` while there is none. */
  setLoadOlder: (loadOlder: (() => void) | null) => void;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Checks a message that came over the wire before it is shown. */
export function isChatMessage(value: unknown): value is ChatMessage {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.body === 'string' &&
    typeof value.createdAt === 'number' &&
    isObject(value.user) &&
    typeof value.user.id === 'string' &&
    typeof value.user.name === 'string' &&
    (value.user.avatarUrl === undefined || typeof value.user.avatarUrl === 'string')
  );
}
