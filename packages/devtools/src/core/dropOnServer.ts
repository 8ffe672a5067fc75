import type { SupabaseClient } from '@supabase/supabase-js';

/**
 * Asks a `roomkit start --dev` server to cut this user's sockets the way a lost network does
 * (`POST /roomkit/v1/connections/drop`); resolves to a sentence saying what happened.
 * @example
 * const outcome = await dropOnServer(supabase, 'user-1');
 */
export async function dropOnServer(client: SupabaseClient, sub: string | null): Promise<string> {
  const { realtime } = client;
  const url = `${new URL(realtime.httpEndpoint).origin}/roomkit/v1/connections/drop`;
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
  const message =
    typeof body === 'object' &&
    body !== null &&
    'message' in body &&
    typeof body.message === 'string'
      ? body.message
      : null;
  if (!response.ok) return message ?? `The server answered ${response.status}.`;
  const dropped =
    typeof body === 'object' && body !== null && 'dropped' in body ? Number(body.dropped) : NaN;
  return Number.isFinite(dropped) ? `The server dropped ${dropped} socket(s).` : 'Dropped.';
}
