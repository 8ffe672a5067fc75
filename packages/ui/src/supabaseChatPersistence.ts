import type { SupabaseClient } from '@supabase/supabase-js';
import type { ChatMessage, ChatPersistence } from './chatTypes';

/** Options of {@link supabaseChatPersistence}. */
export interface SupabaseChatPersistenceOptions {
  /** The table made by `sql/0001_chat_messages.sql`. @default 'chat_messages' */
  table?: string;
}

interface Row {
  id: string;
  room: string;
  user_id: string;
  user_name: string;
  avatar_url: string | null;
  body: string;
  created_at: string;
}

const toMessage = (row: Row): ChatMessage => ({
  id: row.id,
  body: row.body,
  createdAt: Date.parse(row.created_at),
  user: {
    id: row.user_id,
    name: row.user_name,
    ...(row.avatar_url ? { avatarUrl: row.avatar_url } : {}),
  },
});

/**
 * Stores chat messages in a Supabase table (see the package's `sql/` folder for the table and
 * its RLS policies) and loads history pages from it, newest page first.
 * @example
 * <Chat room="lobby" user={user} persistence={supabaseChatPersistence(supabase)} />
 */
export function supabaseChatPersistence(
  client: SupabaseClient,
  options: SupabaseChatPersistenceOptions = {},
): ChatPersistence {
  const table = options.table ?? 'chat_messages';
  return {
    async load(room, { before, limit }) {
      const read = async (from?: string) => {
        let query = client
          .from(table)
          .select('id, room, user_id, user_name, avatar_url, body, created_at')
          .eq('room', room)
          .order('created_at', { ascending: false });
        if (before !== undefined) query = query.lt('created_at', new Date(before).toISOString());
        const { data, error } = await (from ? query.gte('created_at', from) : query.limit(limit));
        if (error) throw new Error(error.message);
        return data as Row[];
      };
      const rows = await read();
      // The next page is what is before this one's oldest millisecond (`createdAt` drops the
      // database's microseconds): a full page takes all of that millisecond, ties included.
      const last = rows[limit - 1];
      return (last ? await read(new Date(Date.parse(last.created_at)).toISOString()) : rows)
        .map(toMessage)
        .reverse();
    },
    async save(room, message) {
      const { error } = await client.from(table).insert({
        id: message.id,
        room,
        user_name: message.user.name,
        avatar_url: message.user.avatarUrl ?? null,
        body: message.body,
        created_at: new Date(message.createdAt).toISOString(),
      });
      // 23505: the id is already stored, so a retry after a lost reply is a success.
      if (error && error.code !== '23505') throw new Error(error.message);
    },
  };
}
