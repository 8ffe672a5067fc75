import type { SupabaseClient } from '@supabase/supabase-js';

/** The user id (`sub`) of a JWT, read without verifying it (the server does); undefined for anything else. */
export function tokenUser(token: string | null | undefined): string | undefined {
  // Anything else (no token, no payload, not base64url JSON, null claims) throws in here.
  try {
    const [, part] = (token as string).split('.') as [string, string];
    const { sub } = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as {
      sub?: unknown;
    };
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** The client's Supabase Auth, or undefined when it uses third-party auth (`accessToken`). */
export function sessionAuth(client: SupabaseClient): SupabaseClient['auth'] | undefined {
  try {
    // With `accessToken`, supabase-js puts a proxy here that throws on every property.
    return typeof client.auth.refreshSession === 'function' ? client.auth : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Gets the socket a fresh token: refreshes the Supabase Auth session (or asks the third-party
 * `accessToken` callback again) and hands the result to realtime-js. Resolves null, or why not.
 */
export async function refreshSocketToken(client: SupabaseClient): Promise<string | null> {
  try {
    const refreshed = await sessionAuth(client)?.refreshSession();
    if (refreshed?.error) throw refreshed.error;
    await client.realtime.setAuth();
    return null;
  } catch (error) {
    return `session refresh failed: ${(error as Error).message}`;
  }
}
