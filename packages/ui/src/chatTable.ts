import type { SupabaseClient } from '@supabase/supabase-js';
import type { ChatSource } from './chatSource';
import { createChatTable, type ChatTable } from './createChatTable';
import { createTableSession } from './createTableSession';

/** A {@link ChatSource} over the chat tables, with their typed client. */
export interface ChatTableSource extends ChatSource {
  /** The typed client of the chat tables, for server-side code and tests. */
  readonly client: ChatTable;
}

/**
 * The chat tables of `@roomkit/ui/sql` as a chat's source: messages are stored first (with the
 * author and time from the database), and everyone sees only stored rows, broadcast by the
 * database on the private topic `chat:<room>`; typing goes on `chat-live:<room>`. Make it once.
 * @example
 * const table = chatTable(supabase);
 * <Chat room="lobby" user={user} table={table} />
 */
export function chatTable(supabase: SupabaseClient): ChatTableSource {
  const client = createChatTable(supabase);
  return {
    client,
    topic: (room) => `chat:${room}`,
    liveTopic: (room) => `chat-live:${room}`,
    connect: (options) => createTableSession(client, options),
  };
}
