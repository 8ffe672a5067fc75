import type { SupabaseClient } from '@supabase/supabase-js';

/** The claims the registry reads from an access token: whose it is and when it expires. */
export interface TokenClaims {
  /** The user id; undefined for the anon or a service key. */
  sub?: string;
  /** Expiry, in seconds since the epoch. */
  exp?: number;
}

/** Reads `sub` and `exp` from a JWT without verifying it (the server does); {} for anything else. */
export function tokenClaims(token: string | null | undefined): TokenClaims {
  try {
    const part = (token ?? '').split('.')[1] ?? '';
    const claims: unknown = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof claims !== 'object' || claims === null) return {};
    const { sub, exp } = claims as Record<string, unknown>;
    return {
      sub: typeof sub === 'string' ? sub : undefined,
      exp: typeof exp === 'number' ? exp : undefined,
    };
  } catch {
    return {};
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
