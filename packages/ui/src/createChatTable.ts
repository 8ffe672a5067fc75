import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js';
import {
  isoFromUs,
  timestampUs,
  toStoredChatMessage,
  toStoredChatReaction,
  type StoredChatMessage,
  type StoredChatReaction,
} from './chatRows';

/** A request to the chat tables that the database refused or could not answer. */
export class ChatTableError extends Error {
  /**
   * PostgreSQL's or PostgREST's code: `42501` not allowed, `23503` a missing message, `23514` a
   * refused value, `PGRST116` no row this user may change.
   */
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = 'ChatTableError';
    this.code = code;
  }
}

/** The chat tables of `sql/`, typed: what a table-backed chat reads and writes. */
export interface ChatTable {
  /** Stores a message; sending an id again (a retry) resolves with the row already stored. */
  send(
    room: string,
    message: { id: string; body: string; replyTo?: string | null },
  ): Promise<StoredChatMessage>;
  /** Replaces the body of one of this user's messages. */
  edit(id: string, body: string): Promise<StoredChatMessage>;
  /** Soft-deletes a message (this user's, or any a moderator policy allows). */
  remove(id: string): Promise<StoredChatMessage>;
  /** Up to `limit` messages before `before` (newest page without it), oldest first. */
  page(
    room: string,
    options?: { before?: Pick<StoredChatMessage, 'id' | 'createdAtUs'>; limit?: number },
  ): Promise<StoredChatMessage[]>;
  /** One message by its id, or `null` when there is none this user may read. */
  message(id: string): Promise<StoredChatMessage | null>;
  /** The reactions to these messages. */
  reactions(messageIds: readonly string[]): Promise<StoredChatReaction[]>;
  /** Adds this user's reaction; adding it again changes nothing. */
  react(messageId: string, emoji: string): Promise<void>;
  /** Takes this user's reaction back; taking back a missing one changes nothing. */
  unreact(messageId: string, emoji: string): Promise<void>;
  /** Moves this user's read pointer in `room` forward to `messageId`. */
  markRead(room: string, messageId: string): Promise<void>;
  /** How many messages of others in `room` this user has not read. */
  unreadCount(room: string): Promise<number>;
  /** The read pointers in `room` this user may see (every member's, with RLS), in no order. */
  reads(room: string): Promise<ChatReadPointer[]>;
  /** Where `user` has read up to in `room` (the message and its time in µs), or `null`. */
  readPointer(room: string, user: string): Promise<{ id: string; atUs: number } | null>;
}

/** Where one user has read up to in a room. */
export interface ChatReadPointer {
  userId: string;
  /** Their display name, as their messages show it. */
  name: string;
  /** The last message they read. */
  id: string;
  /** That message's stored time, in µs. */
  atUs: number;
}

const MESSAGE =
  'id, room, user_id, user_name, avatar_url, body, created_at, edited_at, deleted_at, reply_to';
const REACTION = 'message_id, user_id, emoji, room';

// Values go in double quotes: PostgREST reads commas, dots and parentheses in them as syntax.
const quoted = (value: string) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

function refused(error: PostgrestError, doing: string): ChatTableError {
  return new ChatTableError(`chat: ${doing} failed: ${error.message}`, error.code);
}

/**
 * A typed client for the chat tables that `@roomkit/ui/sql` creates, over `supabase.from()` and
 * `supabase.rpc()` with the signed-in user's RLS; rows are checked before they are returned.
 * @example
 * const chat = createChatTable(supabase);
 * await chat.send('lobby', { id: crypto.randomUUID(), body: 'hi' });
 * const unread = await chat.unreadCount('lobby');
 */
export function createChatTable(client: SupabaseClient): ChatTable {
  const messages = () => client.from('chat_messages');

  const change = async (id: string, patch: Record<string, unknown>, doing: string) => {
    const { data, error } = await messages().update(patch).eq('id', id).select(MESSAGE);
    if (error) throw refused(error, doing);
    const [row] = data;
    if (!row)
      throw new ChatTableError(
        `chat: ${doing} failed: no message ${id} this user may change`,
        'PGRST116',
      );
    return toStoredChatMessage(row);
  };

  return {
    async send(room, { id, body, replyTo = null }) {
      const { data, error } = await messages()
        .insert({ id, room, body, reply_to: replyTo })
        .select(MESSAGE);
      if (!error) return toStoredChatMessage(data[0]);
      if (error.code !== '23505') throw refused(error, `sending ${id}`);
      // Stored already (a retry after a lost reply): the stored row is the answer.
      const stored = await messages().select(MESSAGE).eq('id', id).maybeSingle();
      if (stored.error) throw refused(stored.error, `sending ${id}`);
      // A retry sends the same message again; an id already taken by other content (another
      // user's message, say) is refused, never handed back as this send's.
      const me = await client.auth
        .getSession()
        .then(({ data }) => data.session?.user.id)
        // A client with its own `accessToken` has no auth namespace: the content must match.
        .catch(() => undefined);
      const same =
        stored.data?.room === room &&
        stored.data.body === body &&
        (stored.data.reply_to ?? null) === replyTo &&
        (me === undefined || stored.data.user_id === me);
      if (!same)
        throw new ChatTableError(
          `chat: sending ${id} failed: the id is another message's`,
          '23505',
        );
      return toStoredChatMessage(stored.data);
    },
    edit: (id, body) => change(id, { body }, `editing ${id}`),
    // Any non-null value: the database stamps its own time.
    remove: (id) => change(id, { deleted_at: new Date().toISOString() }, `deleting ${id}`),
    async page(room, { before, limit = 50 } = {}) {
      let query = messages()
        .select(MESSAGE)
        .eq('room', room)
        .order('created_at', { ascending: false })
        .order('id', { ascending: false })
        .limit(limit);
      if (before) {
        const at = quoted(isoFromUs(before.createdAtUs));
        const id = quoted(before.id);
        query = query.or(`created_at.lt.${at},and(created_at.eq.${at},id.lt.${id})`);
      }
      const { data, error } = await query;
      if (error) throw refused(error, `loading ${room}`);
      return data.map(toStoredChatMessage).reverse();
    },
    async message(id) {
      const { data, error } = await messages().select(MESSAGE).eq('id', id).maybeSingle();
      if (error) throw refused(error, `loading ${id}`);
      return data ? toStoredChatMessage(data) : null;
    },
    async reactions(messageIds) {
      if (messageIds.length === 0) return [];
      const { data, error } = await client
        .from('chat_reactions')
        .select(REACTION)
        .in('message_id', [...messageIds])
        .order('created_at');
      if (error) throw refused(error, 'loading reactions');
      return data.map(toStoredChatReaction);
    },
    async react(messageId, emoji) {
      const { error } = await client
        .from('chat_reactions')
        .insert({ message_id: messageId, emoji });
      if (error && error.code !== '23505') throw refused(error, `reacting to ${messageId}`);
    },
    async unreact(messageId, emoji) {
      // RLS lets a user delete only their own rows: others' same emoji stays.
      const { error } = await client
        .from('chat_reactions')
        .delete()
        .match({ message_id: messageId, emoji });
      if (error) throw refused(error, `taking back a reaction to ${messageId}`);
    },
    async markRead(room, messageId) {
      const { error } = await client
        .from('chat_reads')
        .upsert({ room, last_read_id: messageId }, { onConflict: 'room,user_id' });
      if (error) throw refused(error, `marking ${room} read`);
    },
    async readPointer(room, user) {
      const { data, error } = await client
        .from('chat_reads')
        .select('last_read_id, last_read_at')
        .match({ room, user_id: user })
        .maybeSingle();
      if (error) throw refused(error, `reading the read pointer in ${room}`);
      const atUs = typeof data?.last_read_at === 'string' ? timestampUs(data.last_read_at) : null;
      return typeof data?.last_read_id === 'string' && atUs !== null
        ? { id: data.last_read_id, atUs }
        : null;
    },
    async reads(room) {
      const { data, error } = await client
        .from('chat_reads')
        .select('user_id, user_name, last_read_id, last_read_at')
        .eq('room', room);
      if (error) throw refused(error, `reading who read ${room}`);
      return data.flatMap((row: Record<string, unknown>): ChatReadPointer[] => {
        const { user_id: userId, user_name: name, last_read_id: id, last_read_at: at } = row;
        const atUs = typeof at === 'string' ? timestampUs(at) : null;
        return typeof userId === 'string' &&
          typeof name === 'string' &&
          typeof id === 'string' &&
          atUs !== null
          ? [{ userId, name, id, atUs }]
          : [];
      });
    },
    async unreadCount(room) {
      const { data, error } = await client.rpc('chat_unread_count', { room });
      if (error) throw refused(error, `counting unread in ${room}`);
      if (typeof data !== 'number')
        throw new ChatTableError(
          `chat: chat_unread_count gave ${JSON.stringify(data)}`,
          'PGRST000',
        );
      return data;
    },
  };
}
