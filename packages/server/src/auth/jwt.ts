import { timingSafeEqual } from 'node:crypto';
import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import { opaqueKeys, type OpaqueKeys } from './opaqueKeys';
import { DEFAULT_JWT_SECRET } from './wellKnownKeys';

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
