import { jitteredBackoff } from '@roomkit/react';
import { supabaseChatPersistence } from '@roomkit/ui';
import { createClient } from '@supabase/supabase-js';

// The page is opened as /?url=…&key=…&name=…: the server's port is only known once it runs.
const params = new URLSearchParams(window.location.search);

/** The signed-in user's display name. */
export const userName = params.get('name') ?? 'Someone';

/** One client for the page: its realtime connection is the one RealtimeProvider shares. */
export const supabase = createClient(
  params.get('url') ?? 'http://127.0.0.1:54321',
  params.get('key') ?? '',
  { realtime: { reconnectAfterMs: jitteredBackoff({ initialMs: 200, maxMs: 2000 }) } },
);

/** Chat history in the `chat_messages` table that `@roomkit/ui/sql` creates. */
export const persistence = supabaseChatPersistence(supabase);
