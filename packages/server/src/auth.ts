import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';

/** The Supabase CLI's well-known local JWT secret, so the standard local keys work unchanged. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

/** The Supabase CLI's well-known local publishable key; it maps to the `anon` role. */
export const DEFAULT_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';

/** The Supabase CLI's well-known local secret key; it maps to the `service_role` role. */
export const DEFAULT_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

/** A project's two opaque API keys. */
export interface OpaqueKeys {
  /** The `sb_publishable_…` key; it maps to the `anon` role. */
  publishableKey: string;
  /** The `sb_secret_…` key; it maps to the `service_role` role. */
  secretKey: string;
}

/**
 * The opaque API keys that belong to a JWT secret: the Supabase CLI's well-known keys for its
 * well-known secret, and for any other secret keys derived from it (HMAC-SHA256), so a custom
 * secret never accepts the keys printed in every README.
 * @example
 * const { publishableKey, secretKey } = opaqueKeys(process.env.JWT_SECRET ?? '');
 */
export function opaqueKeys(secret: string): OpaqueKeys {
  if (secret === DEFAULT_JWT_SECRET) {
    return { publishableKey: DEFAULT_PUBLISHABLE_KEY, secretKey: DEFAULT_SECRET_KEY };
  }
  // Same shape as Supabase's keys: a 22-character body and an 8-character tail after `_`.
  const derive = (prefix: string) => {
    const digest = createHmac('sha256', secret).update(`roomkit ${prefix}`).digest('base64url');
    return `${prefix}${digest.slice(0, 22)}_${digest.slice(22, 30)}`;
  };
  return { publishableKey: derive('sb_publishable_'), secretKey: derive('sb_secret_') };
}

/** Verified JWT claims; `role` and `exp` are always present. */
export interface Claims extends JWTPayload {
  role: string;
  exp: number;
  sub?: string;
}

/** Which check a token failed, with the real server's message. */
export type TokenErrorCode =
  'missing' | 'expired' | 'claims' | 'malformed' | 'signature' | 'invalid_api_key';

/** A token that was refused; `message` is the text the real server sends. */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The handshake's `error` text: like the real server, without the "N seconds ago" detail. */
  get connectMessage(): string {
    return this.code === 'expired' ? 'Token has expired' : this.message;
  }

  /** The join-reply reason, `Code: message`, as the real server logs and replies it. */
  get joinReason(): string {
    switch (this.code) {
      case 'expired':
      case 'claims':
        return `InvalidJWTToken: ${this.message}`;
      case 'signature':
        return `JwtSignatureError: ${this.message}`;
      case 'missing':
      case 'malformed':
      case 'invalid_api_key':
        return `MalformedJWT: ${this.message}`;
      default:
        return this.code satisfies never;
    }
  }
}

/** What a connection or channel is authorized as. */
export interface Identity {
  claims: Claims;
  /** The token the identity came from (a JWT, or an `sb_` key). */
  token: string;
}

/**
 * Verifies tokens the way Supabase Realtime does, against one HS secret and the secret's two
 * opaque keys (`opaqueKeys`).
 */
export class TokenVerifier {
  private readonly key: Uint8Array;
  /** The opaque keys this verifier accepts: those of its secret, and no others. */
  readonly keys: OpaqueKeys;

  constructor(readonly secret: string) {
    this.key = new TextEncoder().encode(secret);
    this.keys = opaqueKeys(secret);
  }

  /** Returns whether a value is an opaque `sb_publishable_…` / `sb_secret_…` key. */
  static isOpaqueKey(token: string): boolean {
    return token.startsWith('sb_');
  }

  /** Verifies a token; throws `TokenError` with the real server's message when it is refused. */
  async verify(raw: unknown): Promise<Identity> {
    if (typeof raw !== 'string') throw new TokenError('missing', 'API key is missing');
    const token = cleanToken(raw);
    if (TokenVerifier.isOpaqueKey(token)) return this.verifyOpaqueKey(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256', 'HS384', 'HS512'] }));
    } catch (error) {
      // jose checks the signature before the claims, so an expired token here is an authentic one.
      if (error instanceof errors.JWTExpired) throw expiredError(error.payload.exp);
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        throw new TokenError('signature', 'Failed to validate JWT signature');
      }
      throw new TokenError('malformed', 'The token provided is not a valid JWT');
    }
    if (typeof payload.role !== 'string' || typeof payload.exp !== 'number') {
      throw new TokenError('claims', 'Fields `role` and `exp` are required in JWT');
    }
    const claims = { ...payload, exp: Math.round(payload.exp) } as Claims;
    if (claims.exp <= nowSeconds()) throw expiredError(claims.exp);
    return { claims, token };
  }

  private verifyOpaqueKey(token: string): Identity {
    // A gateway-less server maps the project's opaque keys to the claims the gateway would mint.
    const role = sameKey(token, this.keys.publishableKey)
      ? 'anon'
      : sameKey(token, this.keys.secretKey)
        ? 'service_role'
        : null;
    if (role === null)
      throw new TokenError('invalid_api_key', 'The token provided is not a valid JWT');
    const exp = nowSeconds() + 10 * 365 * 24 * 3600;
    return { claims: { role, exp, iss: 'supabase' }, token };
  }
}

/** Compares a presented key with a project key in constant time. */
function sameKey(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function expiredError(exp: unknown): TokenError {
  const ago = typeof exp === 'number' ? Math.max(0, nowSeconds() - Math.round(exp)) : 0;
  return new TokenError('expired', `Token has expired ${ago} seconds ago`);
}

/** Strips the whitespace and URL-encoding that the real server also tolerates around tokens. */
function cleanToken(raw: string): string {
  let token = raw.replace(/\s+/g, '');
  if (token.includes('%')) {
    try {
      token = decodeURIComponent(token);
    } catch {
      // Not URL-encoded after all; verification reports it as malformed.
    }
  }
  return token;
}

/** Options for `mintToken`. */
export interface MintOptions {
  /** The HS256 secret; defaults to the Supabase CLI's local secret. */
  secret?: string;
  /** The Postgres role the token acts as. @default 'authenticated' */
  role?: string;
  /** The user id (`sub` claim). */
  sub?: string;
  /** Lifetime in seconds. @default 3600 */
  expiresIn?: number;
  /** Extra claims merged into the payload. */
  claims?: Record<string, unknown>;
}

/**
 * Mints an HS256 JWT the way Supabase issues them, for tests and local development.
 * @example
 * const token = await mintToken({ sub: 'user-1', role: 'authenticated' });
 */
export async function mintToken(options: MintOptions = {}): Promise<string> {
  const now = nowSeconds();
  const payload: JWTPayload = {
    iss: 'supabase-demo',
    aud: 'authenticated',
    ...options.claims,
    role: options.role ?? 'authenticated',
    iat: now,
    exp: now + (options.expiresIn ?? 3600),
  };
  if (options.sub !== undefined) payload.sub = options.sub;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? DEFAULT_JWT_SECRET));
}

/** The anon and service_role keys for a secret, long-lived like the Supabase CLI's. */
export async function projectKeys(
  secret: string,
): Promise<{ anonKey: string; serviceRoleKey: string }> {
  // The Supabase CLI's local keys expire in 2032; these match their claims for the same secret.
  const exp = 1983812996;
  const sign = (role: string) =>
    new SignJWT({ iss: 'supabase-demo', role, exp })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(secret));
  return { anonKey: await sign('anon'), serviceRoleKey: await sign('service_role') };
}
