import type { SupabaseClient } from '@supabase/supabase-js';

/** What a `roomkit start --dev` server can do to a user's sockets. */
export type ServerAction = 'drop' | 'stall';

/**
 * Asks a `roomkit start --dev` server to act on this user's sockets (`POST
 * /roomkit/v1/connections/drop` or `…/stall`): `drop` cuts them the way a lost network does,
 * `stall` stops reading them the way a hung path does. Resolves to a sentence saying what happened.
 * @example
 * const outcome = await actOnServer(supabase, 'stall', 'user-1');
 */
export async function actOnServer(
  client: SupabaseClient,
  action: ServerAction,
  sub: string | null,
): Promise<string> {
  const { realtime } = client;
  const url = `${new URL(realtime.httpEndpoint).origin}/roomkit/v1/connections/${action}`;
  const token = realtime.accessTokenValue ?? realtime.apiKey ?? '';
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      apikey: realtime.apiKey ?? token,
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(sub ? { sub } : {}),
  });
  const body: unknown = await response.json().catch(() => null);
  const field = (name: string): unknown =>
    typeof body === 'object' && body !== null && name in body
      ? (body as Record<string, unknown>)[name]
      : undefined;
  const message = field('message');
  if (!response.ok) {
    return typeof message === 'string' ? message : `The server answered ${response.status}.`;
  }
  const count = field(action === 'drop' ? 'dropped' : 'stalled');
  const done = action === 'drop' ? 'dropped' : 'stalled';
  return typeof count === 'number' ? `The server ${done} ${count} socket(s).` : 'Done.';
}
