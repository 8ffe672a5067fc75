// Users of the chat tables on a real @roomkit/server: signed in through its auth API with the
// real supabase-js client, listening on private channels.
import { silentLogger, startServer, type RoomkitServer, type ServerOptions } from '@roomkit/server';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

/** The shipped migrations folder. */
export const SQL = fileURLToPath(new URL('../../sql', import.meta.url));

/** A broadcast as supabase-js hands it to a `broadcast` listener. */
export interface Broadcast {
  event: string;
  payload: {
    operation: string;
    table: string;
    record: Record<string, unknown> | null;
    old_record: Record<string, unknown> | null;
  };
}

/** A signed-in user: their id and their own client. */
export interface User {
  id: string;
  supabase: SupabaseClient;
}

const clients: SupabaseClient[] = [];

/** A server on a free port without error delays, on an ephemeral embedded database by default. */
export function startChatServer(options: ServerOptions): Promise<RoomkitServer> {
  return startServer({
    port: 0,
    db: 'embedded',
    ephemeral: true,
    logger: silentLogger,
    limits: { joinErrorDelayMs: 0, connectErrorDelayMs: 0 },
    ...options,
  });
}

function clientOf(server: RoomkitServer, key: string): SupabaseClient {
  const supabase = createClient(server.url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  clients.push(supabase);
  return supabase;
}

/** Leaves every channel of every client made here; call it after each test. */
export async function closeClients(): Promise<void> {
  for (const supabase of clients.splice(0)) await supabase.removeAllChannels();
}

/** A user signed in anonymously through the auth API, with `data` as their user metadata. */
export async function signIn(
  server: RoomkitServer,
  data: Record<string, string> = {},
): Promise<User> {
  const supabase = clientOf(server, server.anonKey);
  const { data: signedIn, error } = await supabase.auth.signInAnonymously({ options: { data } });
  if (error || !signedIn.session || !signedIn.user)
    throw new Error(`sign-in failed: ${error?.message}`);
  await supabase.realtime.setAuth(signedIn.session.access_token);
  return { id: signedIn.user.id, supabase };
}

/** The service-role client: what an app's server code uses, bypassing RLS. */
export function admin(server: RoomkitServer): SupabaseClient {
  return clientOf(server, server.serviceRoleKey);
}

/** Subscribes `user` to a private topic, collecting every broadcast event. */
export async function listen(
  user: User,
  topic: string,
): Promise<{ channel: RealtimeChannel; heard: Broadcast[] }> {
  const heard: Broadcast[] = [];
  const channel = user.supabase.channel(topic, { config: { private: true } });
  channel.on('broadcast', { event: '*' }, (message) => heard.push(message as unknown as Broadcast));
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else reject(new Error(`${topic}: ${status} ${String(error)}`));
    });
  });
  return { channel, heard };
}

/** Waits until `check` holds, polling every 10 ms. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
