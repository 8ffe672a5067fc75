import { MAX_JSON_DEPTH, containsNul, nestsDeeperThan } from '../jsonInput';

/** An auth error in Supabase Auth's JSON shape: `{ code, error_code, msg }`. */
export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** GoTrue's request-body limit (`limitRequestBody(1 << 20)`). */
export const MAX_AUTH_BODY_BYTES = 1 << 20;
/** GoTrue's longest email address. */
export const MAX_EMAIL_LENGTH = 255;
/** GoTrue's longest password, in bytes: bcrypt reads no further. */
export const MAX_PASSWORD_BYTES = 72;
/** GoTrue's shortest password by default. */
export const MIN_PASSWORD_LENGTH = 6;

/** A JSON object, or `{}` for anything else. */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * Reads an auth request body as GoTrue does: at most 1 MiB (413), JSON (400 `bad_json`), and,
 * unlike GoTrue, no NUL characters outside the password, since PostgreSQL cannot store them and
 * GoTrue answers those with a 500.
 */
export function parseAuthBody(body: Buffer | null): Record<string, unknown> {
  if (body === null || body.length > MAX_AUTH_BODY_BYTES) {
    throw new AuthError(
      413,
      'request_entity_too_large',
      `Request body too large (max ${MAX_AUTH_BODY_BYTES} bytes)`,
    );
  }
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new AuthError(
      400,
      'bad_json',
      'Could not parse request body as JSON: exceeded max depth',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON');
  }
  // GoTrue decodes bodies into a struct: JSON null is an empty body, any other non-object fails.
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AuthError(
      400,
      'bad_json',
      'Could not parse request body as JSON: expected a JSON object',
    );
  }
  if (containsNul(parsed, ['password'])) {
    throw new AuthError(
      400,
      'validation_failed',
      'Request body must not contain null characters (\\u0000)',
    );
  }
  return parsed as Record<string, unknown>;
}

/** GoTrue's password checks: at most 72 bytes (400), at least 6 characters (422 `weak_password`). */
export function checkPassword(password: unknown): string {
  const text = typeof password === 'string' ? password : '';
  if (Buffer.byteLength(text) > MAX_PASSWORD_BYTES) {
    throw new AuthError(
      400,
      'validation_failed',
      `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`,
    );
  }
  if (text.length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(
      422,
      'weak_password',
      `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`,
      { weak_password: { reasons: ['length'] } },
    );
  }
  return text;
}

/** GoTrue's `validateEmail`: required, at most 255 characters, then the format; lower-cased. */
export function checkEmail(email: unknown): string {
  const text = typeof email === 'string' ? email : '';
  if (text === '') throw new AuthError(400, 'validation_failed', 'An email address is required');
  if (text.length > MAX_EMAIL_LENGTH) {
    throw new AuthError(400, 'validation_failed', 'An email address is too long');
  }
  if (!isEmailFormat(text)) {
    throw new AuthError(
      400,
      'validation_failed',
      'Unable to validate email address: invalid format',
    );
  }
  return text.toLowerCase();
}

const LOCAL_CHARS = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+$/;
const LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/**
 * The email grammar GoTrue checks (`checkmail.ValidateFormat`): allowed local-part characters, one
 * `@`, then dot-separated DNS labels. Each piece is matched on its own, in linear time.
 */
export function isEmailFormat(email: string): boolean {
  const at = email.indexOf('@');
  if (at <= 0 || email.indexOf('@', at + 1) !== -1) return false;
  if (!LOCAL_CHARS.test(email.slice(0, at))) return false;
  return email
    .slice(at + 1)
    .split('.')
    .every((label) => LABEL.test(label));
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** An admin route's user id: a UUID, else GoTrue's 404 `user_id must be an UUID`. */
export function checkUserId(id: string): string {
  if (!UUID.test(id)) throw new AuthError(404, 'validation_failed', 'user_id must be an UUID');
  return id;
}

/** A `page` / `per_page` query value as GoTrue's `paginate` parses it (an unsigned integer). */
export function paginationParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    const reason = Number.isNaN(value) ? 'invalid syntax' : 'value out of range';
    throw new AuthError(
      400,
      'validation_failed',
      `Bad Pagination Parameters: strconv.ParseUint: parsing ${JSON.stringify(raw)}: ${reason}`,
    );
  }
  return value;
}
