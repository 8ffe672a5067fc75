import type { RoomUser } from './types';

/** A message as the chat tables (`sql/`) store it: time, author and state come from the database. */
export interface StoredChatMessage {
  /** The sender's client-made id, also the idempotency key. */
  id: string;
  room: string;
  /** The author, named from their profile when the message was stored. */
  user: RoomUser;
  /** The text; `''` once deleted. */
  body: string;
  /** The database's time of the insert, in ms since the epoch. */
  createdAt: number;
  /** The same time in µs: with `id`, the message's place in the room's order. */
  createdAtUs: number;
  /** When the body last changed, in ms, or `null`. */
  editedAt: number | null;
  /** When it was soft-deleted, in ms, or `null`. */
  deletedAt: number | null;
  /** The id of the message it replies to, or `null`. */
  replyTo: string | null;
}

/** One user's reaction to a message, as `chat_reactions` stores it. */
export interface StoredChatReaction {
  messageId: string;
  userId: string;
  emoji: string;
  room: string;
}

/** A stored change the database broadcast on `chat:<room>`. */
export type ChatChange =
  | { type: 'message'; message: StoredChatMessage }
  | { type: 'message-removed'; id: string }
  | { type: 'reaction-added'; reaction: StoredChatReaction }
  | { type: 'reaction-removed'; reaction: StoredChatReaction };

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const TIMESTAMP = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d(?::?\d\d)?)$/;

/**
 * A PostgreSQL `timestamptz` as text (`2026-01-02T03:04:05.123456+00:00`) in µs since the epoch,
 * or `null` when it is not one.
 * @example
 * timestampUs('1970-01-01T00:00:00.000001+00:00'); // 1
 */
export function timestampUs(text: string): number | null {
  const match = TIMESTAMP.exec(text);
  if (!match) return null;
  const [, seconds = '', fraction = '', zone = ''] = match;
  const offset =
    zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${seconds.replace(' ', 'T')}${offset}`);
  if (Number.isNaN(ms)) return null;
  return ms * 1000 + Number(fraction.padEnd(6, '0'));
}

/**
 * The `timestamptz` text of a time in µs, for filters that must match the database exactly.
 * @example
 * isoFromUs(1); // '1970-01-01T00:00:00.000001Z'
 */
export function isoFromUs(us: number): string {
  const ms = Math.floor(us / 1000);
  return new Date(ms).toISOString().replace('Z', `${String(us - ms * 1000).padStart(3, '0')}Z`);
}

function fail(what: string, row: unknown): never {
  throw new Error(`chat: ${what} is not a stored chat row: ${JSON.stringify(row)}`);
}

function optionalTime(row: Fields, key: string): number | null {
  const value = row[key];
  if (value === null) return null;
  const us = typeof value === 'string' ? timestampUs(value) : null;
  return us === null ? fail(key, row) : Math.floor(us / 1000);
}

/**
 * Checks a `chat_messages` row (from the data API or a broadcast) and turns it into a message.
 * @example
 * const message = toStoredChatMessage(payload.record);
 */
export function toStoredChatMessage(row: unknown): StoredChatMessage {
  if (!isFields(row)) return fail('the message', row);
  const { id, room, user_id, user_name, avatar_url, body, created_at, reply_to } = row;
  if (typeof id !== 'string' || typeof room !== 'string' || typeof body !== 'string')
    return fail('id, room or body', row);
  if (typeof user_id !== 'string' || typeof user_name !== 'string') return fail('the author', row);
  if (avatar_url !== null && typeof avatar_url !== 'string') return fail('avatar_url', row);
  if (reply_to !== null && typeof reply_to !== 'string') return fail('reply_to', row);
  const createdAtUs = typeof created_at === 'string' ? timestampUs(created_at) : null;
  if (createdAtUs === null) return fail('created_at', row);
  return {
    id,
    room,
    user: { id: user_id, name: user_name, ...(avatar_url ? { avatarUrl: avatar_url } : {}) },
    body,
    createdAt: Math.floor(createdAtUs / 1000),
    createdAtUs,
    editedAt: optionalTime(row, 'edited_at'),
    deletedAt: optionalTime(row, 'deleted_at'),
    replyTo: reply_to,
  };
}

/**
 * Checks a `chat_reactions` row and turns it into a reaction.
 * @example
 * const reaction = toStoredChatReaction(payload.record);
 */
export function toStoredChatReaction(row: unknown): StoredChatReaction {
  if (!isFields(row)) return fail('the reaction', row);
  const { message_id, user_id, emoji, room } = row;
  if (
    typeof message_id !== 'string' ||
    typeof user_id !== 'string' ||
    typeof emoji !== 'string' ||
    typeof room !== 'string'
  )
    return fail('the reaction', row);
  return { messageId: message_id, userId: user_id, emoji, room };
}

/**
 * Reads the payload of a `realtime.broadcast_changes` event on `chat:<room>`; anything that is
 * not a well-formed change of the chat tables gives `null`.
 * @example
 * channel.on('broadcast', { event: '*' }, ({ payload }) => {
 *   const change = parseChatChange(payload);
 *   if (change) apply(change);
 * });
 */
export function parseChatChange(payload: unknown): ChatChange | null {
  if (!isFields(payload)) return null;
  const { table, operation, record, old_record: old } = payload;
  try {
    if (table === 'chat_messages') {
      if (operation === 'INSERT' || operation === 'UPDATE')
        return { type: 'message', message: toStoredChatMessage(record) };
      if (operation === 'DELETE' && isFields(old) && typeof old.id === 'string')
        return { type: 'message-removed', id: old.id };
    }
    if (table === 'chat_reactions') {
      if (operation === 'INSERT')
        return { type: 'reaction-added', reaction: toStoredChatReaction(record) };
      if (operation === 'DELETE')
        return { type: 'reaction-removed', reaction: toStoredChatReaction(old) };
    }
  } catch {
    return null;
  }
  return null;
}
