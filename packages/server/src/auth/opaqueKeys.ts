import { createHmac } from 'node:crypto';
import { DEFAULT_JWT_SECRET, DEFAULT_PUBLISHABLE_KEY, DEFAULT_SECRET_KEY } from './wellKnownKeys';

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
