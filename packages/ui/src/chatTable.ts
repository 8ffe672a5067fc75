import type { SupabaseClient } from '@supabase/supabase-js';
import type { ChatSource } from './chatSource';
import { ChatPresence } from './ChatPresence';
import { chatQuote, ChatRowTools } from './ChatRowTools';
import { createChatTable, type ChatTable } from './createChatTable';
import { createTableSession } from './createTableSession';

/** A {@link ChatSource} over the chat tables, with their typed client. */
export interface ChatTableSource extends ChatSource {
  /** The typed client of the chat tables, for server-side code and tests. */
  readonly client: ChatTable;
}

/** Options of {@link chatTable}. */
export interface ChatTableOptions {
  /**
   * Sends of a message that cannot reach the server (1, 2, 4, 8, 16, then 30 s apart) before it
   * and every message queued behind it show as failed, with Retry and Delete. A refusal by the
   * database (RLS, a constraint) fails at once. Sends while the browser is offline do not count:
   * the outbox waits for it to be online.
   * @default 10 (about two and a half minutes)
   * @example
   * chatTable(supabase, { maxAttempts: 3 })
   */
  maxAttempts?: number;
}

/**
 * The chat tables of `@roomkit/ui/sql` as a chat's source: messages are stored first (with the
 * author and time from the database), and everyone sees only stored rows, broadcast by the
 * database on the private topic `chat:<room>`; typing goes on `chat-live:<room>`. Make it once.
 * @example
 * const table = chatTable(supabase);
 * <Chat room="lobby" user={user} table={table} />
 */
export function chatTable(
  supabase: SupabaseClient,
  options: ChatTableOptions = {},
): ChatTableSource {
  const { maxAttempts } = options;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1))
    throw new TypeError(`chatTable: maxAttempts must be a whole number ≥ 1, got ${maxAttempts}`);
  const client = createChatTable(supabase);
  return {
    client,
    topic: (room) => `chat:${room}`,
    liveTopic: (room) => `chat-live:${room}`,
    connect: (connect) => createTableSession(client, connect, options),
    rowTools: ChatRowTools,
    presence: ChatPresence,
    quote: chatQuote(client),
  };
}
