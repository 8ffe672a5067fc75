import { decodeJwt } from 'jose';

/** The claims the Connection tab shows from the socket's access token. */
export interface TokenClaims {
  readonly role: string | null;
  readonly sub: string | null;
  /** Expiry in milliseconds since the epoch, or null when the token has none. */
  readonly expiresAt: number | null;
}

/**
 * Reads (without verifying: the server does that) the role, subject and expiry of a JWT, or
 * says why it cannot.
 * @example
 * const claims = readToken(supabase.realtime.accessTokenValue);
 */
export function readToken(token: string | null): TokenClaims | { error: string } {
  if (!token) return { error: 'No access token yet: the socket has not connected.' };
  try {
    const claims = decodeJwt(token);
    return {
      role: typeof claims.role === 'string' ? claims.role : null,
      sub: claims.sub ?? null,
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
    };
  } catch (error) {
    return { error: `The access token is not a JWT: ${(error as Error).message}` };
  }
}
