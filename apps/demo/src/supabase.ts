import { jitteredBackoff } from '@roomkit/react';
import { createClient } from '@supabase/supabase-js';

/**
 * The Supabase CLI's well-known local anon key, which `roomkit start` accepts by default. For a
 * Supabase project, set VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY instead.
 */
const LOCAL_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';

const env = import.meta.env as Partial<Record<string, string>>;

export const supabaseUrl = env.VITE_SUPABASE_URL ?? 'http://127.0.0.1:54321';

/** One client for the page: its realtime connection is the one RealtimeProvider shares. */
export const supabase = createClient(supabaseUrl, env.VITE_SUPABASE_ANON_KEY ?? LOCAL_ANON_KEY, {
  auth: { storageKey: 'roomkit-demo-auth' },
  // After a server restart, clients come back spread out rather than all at once.
  realtime: { reconnectAfterMs: jitteredBackoff({ initialMs: 500, maxMs: 8000 }) },
});

/** A task row as the `tasks` table has it (apps/demo/supabase/migrations). */
export interface Task extends Record<string, unknown> {
  id: string;
  title: string;
  done: boolean;
  created_by: string | null;
  created_by_name: string | null;
  created_at: string;
  updated_at: string;
}
