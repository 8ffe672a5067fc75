// The Supabase CLI's well-known local credentials, printed in every Supabase README.

/** The Supabase CLI's well-known local JWT secret, so the standard local keys work unchanged. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

/** The Supabase CLI's well-known local publishable key; it maps to the `anon` role. */
export const DEFAULT_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';

/** The Supabase CLI's well-known local secret key; it maps to the `service_role` role. */
export const DEFAULT_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
