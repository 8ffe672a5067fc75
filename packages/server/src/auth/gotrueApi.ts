import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import bcrypt from 'bcryptjs';
import { SignJWT } from 'jose';
import { TokenError, type Claims, type TokenVerifier } from './jwt';
import type { Database } from '../db';
import { sendJson } from '../http';
import { TokenBuckets } from './TokenBuckets';
import { USER_CREDENTIALS, requestCredential } from './requestCredentials';
import {
  AuthError,
  checkEmail,
  checkPassword,
  checkUserId,
  paginationParam,
  parseAuthBody as parse,
  record,
} from './authInput';

/** Options of the local auth API. */
export interface AuthOptions {
  database: Database;
  verifier: TokenVerifier;
  /** The public URL of this server, for the `iss` claim. */
  url: () => string;
  /** Access-token lifetime in seconds. @default 3600 */
  jwtExpiry: number;
  /**
   * `POST /auth/v1/token` requests (sign-in and refresh) one client IP may make per 5 minutes,
   * after a burst of `tokenBurst`; 0 turns the limit off (`Limits.authTokenRequestsPer5Min`).
   */
  tokenRequestsPer5Min: number;
  /** How many token requests one client IP may make at once (`Limits.authTokenBurst`). */
  tokenBurst: number;
}

interface UserRow {
  id: string;
  aud: string;
  role: string;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: string | null;
  last_sign_in_at: string | null;
  raw_app_meta_data: Record<string, unknown>;
  raw_user_meta_data: Record<string, unknown>;
  is_anonymous: boolean;
  created_at: string;
  updated_at: string;
}

/** The user object Supabase Auth returns. */
function userJson(user: UserRow): Record<string, unknown> {
  return {
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email ?? '',
    email_confirmed_at: user.email_confirmed_at,
    phone: '',
    confirmed_at: user.email_confirmed_at,
    last_sign_in_at: user.last_sign_in_at,
    app_metadata: user.raw_app_meta_data,
    user_metadata: user.raw_user_meta_data,
    identities: [],
    created_at: user.created_at,
    updated_at: user.updated_at,
    is_anonymous: user.is_anonymous,
  };
}

const USER_COLUMNS = `id, aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at,
  raw_app_meta_data, raw_user_meta_data, is_anonymous, created_at, updated_at`;

/**
 * `/auth/v1/*`: the subset of Supabase Auth that supabase-js calls for email/password and
 * anonymous users, sessions with refresh tokens, and admin user management. Local only.
 */
export class AuthApi {
  private readonly tokenLimiter: TokenBuckets | null;

  constructor(private readonly options: AuthOptions) {
    this.tokenLimiter =
      options.tokenRequestsPer5Min > 0
        ? new TokenBuckets(options.tokenRequestsPer5Min / 300, options.tokenBurst)
        : null;
  }

  private get db() {
    return this.options.database.pool;
  }

  async handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    /** The request body, or null when it was over `MAX_AUTH_BODY_BYTES`. */
    body: Buffer | null,
    path: string,
  ): Promise<void> {
    try {
      const result = await this.route(request, url, body, path);
      if (result === null) response.writeHead(204).end();
      else sendJson(response, 200, result);
    } catch (error) {
      if (error instanceof AuthError) {
        sendJson(response, error.status, {
          code: error.status,
          error_code: error.errorCode,
          msg: error.message,
          ...error.extra,
        });
        return;
      }
      throw error;
    }
  }

  private async route(
    request: IncomingMessage,
    url: URL,
    body: Buffer | null,
    path: string,
  ): Promise<unknown> {
    const method = request.method ?? 'GET';
    const route = `${method} ${path}`;
    if (route === 'POST signup') return this.signUp(parse(body));
    if (route === 'POST token')
      return this.token(request, url.searchParams.get('grant_type'), body);
    if (route === 'POST logout')
      return this.logout(request, url.searchParams.get('scope') ?? 'global');
    if (route === 'GET user') return userJson(await this.currentUser(request));
    if (route === 'PUT user') return this.updateUser(request, parse(body));
    if (route === 'GET settings') {
      return {
        external: { email: true, anonymous_users: true },
        disable_signup: false,
        mailer_autoconfirm: true,
      };
    }
    if (route === 'GET health')
      return { name: 'roomkit-auth', description: 'Local auth for development and tests' };
    const admin = /^admin\/users(?:\/([^/]+))?$/.exec(path);
    if (admin) {
      await this.requireAdmin(request);
      const id = admin[1] === undefined ? undefined : checkUserId(admin[1]);
      if (method === 'GET' && !id) return this.listUsers(url);
      if (method === 'POST' && !id) return this.createUser(parse(body));
      if (method === 'GET' && id) return userJson(await this.userById(id));
      if (method === 'PUT' && id) return this.adminUpdate(id, parse(body));
      if (method === 'DELETE' && id) return this.deleteUser(id);
    }
    throw new AuthError(404, 'not_found', `Unsupported route: ${method} /auth/v1/${path}`);
  }

  private async signUp(body: Record<string, unknown>): Promise<unknown> {
    const data = record(body.data);
    // supabase.auth.signInAnonymously() posts to /signup without credentials.
    if (body.email === undefined && body.password === undefined && body.phone === undefined) {
      const user = await this.insertUser({
        email: null,
        password: null,
        metadata: data,
        anonymous: true,
        provider: 'anonymous',
      });
      return this.session(user);
    }
    // GoTrue's order: the password first (validateSignupParams), then the email.
    if (body.password === undefined || body.password === '') {
      throw new AuthError(400, 'validation_failed', 'Signup requires a valid password');
    }
    const password = checkPassword(body.password);
    const email = checkEmail(body.email);
    const user = await this.insertUser({
      email,
      password,
      metadata: data,
      anonymous: false,
      provider: 'email',
    });
    return this.session(user);
  }

  private async insertUser(input: {
    email: string | null;
    password: string | null;
    metadata: Record<string, unknown>;
    anonymous: boolean;
    provider: string;
    confirmed?: boolean;
  }): Promise<UserRow> {
    const hash = input.password === null ? null : await bcrypt.hash(input.password, 10);
    const app = input.anonymous
      ? { provider: 'anonymous', providers: [] }
      : { provider: input.provider, providers: [input.provider] };
    try {
      const { rows } = await this.db.query<UserRow>(
        `insert into auth.users (email, encrypted_password, raw_app_meta_data, raw_user_meta_data, is_anonymous, email_confirmed_at)
         values ($1, $2, $3, $4, $5, case when $6 then now() end) returning ${USER_COLUMNS}`,
        [
          input.email,
          hash,
          app,
          input.metadata,
          input.anonymous,
          input.confirmed ?? !input.anonymous,
        ],
      );
      const user = rows[0];
      if (!user) throw new Error('insert returned no row');
      return user;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new AuthError(422, 'user_already_exists', 'User already registered');
      }
      throw error;
    }
  }

  private async token(
    request: IncomingMessage,
    grant: string | null,
    raw: Buffer | null,
  ): Promise<unknown> {
    // GoTrue's order: the grant type, then the client's rate limit, then the body.
    if (grant !== 'password' && grant !== 'refresh_token') {
      throw new AuthError(400, 'invalid_credentials', 'unsupported_grant_type');
    }
    if (this.tokenLimiter && !this.tokenLimiter.take(request.socket.remoteAddress ?? '')) {
      throw new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached');
    }
    const body = parse(raw);
    if (grant === 'password') {
      const email = typeof body.email === 'string' ? body.email.toLowerCase() : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const { rows } = await this.db.query<UserRow>(
        `select ${USER_COLUMNS} from auth.users where email = $1`,
        [email],
      );
      const user = rows[0];
      const valid = user?.encrypted_password
        ? await bcrypt.compare(password, user.encrypted_password)
        : false;
      if (!user || !valid)
        throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
      return this.session(user);
    }
    const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    const { rows } = await this.db.query<{
      user_id: string;
      session_id: string;
      revoked: boolean;
    }>(
      'update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1 and not revoked returning user_id, session_id, revoked',
      [token],
    );
    const found = rows[0];
    if (!found)
      throw new AuthError(
        400,
        'refresh_token_not_found',
        'Invalid Refresh Token: Refresh Token Not Found',
      );
    return this.session(await this.userById(found.user_id), found.session_id, token);
  }

  /** Issues an access token and a refresh token, in a new or an existing session. */
  private async session(
    user: UserRow,
    sessionId?: string,
    parent?: string,
  ): Promise<Record<string, unknown>> {
    let session = sessionId;
    if (!session) {
      const { rows } = await this.db.query<{ id: string }>(
        'insert into auth.sessions (user_id) values ($1) returning id',
        [user.id],
      );
      session = rows[0]?.id;
    }
    const { rows } = await this.db.query<UserRow>(
      `update auth.users set last_sign_in_at = now() where id = $1 returning ${USER_COLUMNS}`,
      [user.id],
    );
    const fresh = rows[0] ?? user;
    const refreshToken = randomBytes(16).toString('base64url');
    await this.db.query(
      'insert into auth.refresh_tokens (token, user_id, session_id, parent) values ($1, $2, $3, $4)',
      [refreshToken, user.id, session, parent ?? null],
    );
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + this.options.jwtExpiry;
    const accessToken = await new SignJWT({
      aud: 'authenticated',
      iss: `${this.options.url()}/auth/v1`,
      sub: fresh.id,
      email: fresh.email ?? '',
      phone: '',
      app_metadata: fresh.raw_app_meta_data,
      user_metadata: fresh.raw_user_meta_data,
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: fresh.is_anonymous ? 'anonymous' : 'password', timestamp: now }],
      session_id: session,
      is_anonymous: fresh.is_anonymous,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .sign(new TextEncoder().encode(this.options.verifier.secret));
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: this.options.jwtExpiry,
      expires_at: expiresAt,
      refresh_token: refreshToken,
      user: userJson(fresh),
    };
  }

  private async claims(request: IncomingMessage): Promise<Claims> {
    const bearer = requestCredential(request, USER_CREDENTIALS);
    if (!bearer)
      throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
    try {
      return (await this.options.verifier.verify(bearer)).claims;
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new AuthError(
        403,
        'bad_jwt',
        `invalid JWT: unable to parse or verify signature, ${error.message}`,
      );
    }
  }

  private async currentUser(request: IncomingMessage): Promise<UserRow> {
    const claims = await this.claims(request);
    if (typeof claims.sub !== 'string' || claims.role !== 'authenticated') {
      throw new AuthError(403, 'bad_jwt', 'invalid claim: missing sub claim');
    }
    const { rows } = await this.db.query<UserRow>(
      `select ${USER_COLUMNS} from auth.users where id = $1`,
      [claims.sub],
    );
    const user = rows[0];
    if (!user)
      throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    return user;
  }

  private async updateUser(
    request: IncomingMessage,
    body: Record<string, unknown>,
  ): Promise<unknown> {
    const user = await this.currentUser(request);
    const metadata = { ...user.raw_user_meta_data, ...record(body.data) };
    const password =
      body.password === undefined ? null : await bcrypt.hash(checkPassword(body.password), 10);
    const email = body.email === undefined ? null : checkEmail(body.email);
    try {
      const { rows } = await this.db.query<UserRow>(
        `update auth.users set raw_user_meta_data = $2, encrypted_password = coalesce($3, encrypted_password),
           email = coalesce($4, email), updated_at = now() where id = $1 returning ${USER_COLUMNS}`,
        [user.id, metadata, password, email],
      );
      return userJson(rows[0] ?? user);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new AuthError(
          422,
          'email_exists',
          'A user with this email address has already been registered',
        );
      }
      throw error;
    }
  }

  private async logout(request: IncomingMessage, scope: string): Promise<null> {
    const claims = await this.claims(request);
    const session = typeof claims.session_id === 'string' ? claims.session_id : null;
    if (scope === 'local' && session)
      await this.db.query('delete from auth.sessions where id = $1', [session]);
    else if (scope === 'others' && session) {
      await this.db.query('delete from auth.sessions where user_id = $1 and id <> $2', [
        claims.sub,
        session,
      ]);
    } else await this.db.query('delete from auth.sessions where user_id = $1', [claims.sub]);
    return null;
  }

  private async requireAdmin(request: IncomingMessage): Promise<void> {
    const claims = await this.claims(request);
    if (claims.role !== 'service_role' && claims.role !== 'supabase_admin') {
      throw new AuthError(403, 'not_admin', 'User not allowed');
    }
  }

  private async userById(id: string): Promise<UserRow> {
    const { rows } = await this.db.query<UserRow>(
      `select ${USER_COLUMNS} from auth.users where id = $1`,
      [id],
    );
    const user = rows[0];
    if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
    return user;
  }

  private async listUsers(url: URL): Promise<unknown> {
    const page = Math.max(1, paginationParam(url, 'page', 1));
    const perPage = Math.min(1000, Math.max(1, paginationParam(url, 'per_page', 50)));
    const { rows } = await this.db.query<UserRow & { total: number }>(
      `select ${USER_COLUMNS}, count(*) over ()::int as total from auth.users order by created_at limit $1 offset $2`,
      [perPage, Math.min((page - 1) * perPage, Number.MAX_SAFE_INTEGER)],
    );
    return { users: rows.map(userJson), aud: 'authenticated', total: rows[0]?.total ?? 0 };
  }

  private async createUser(body: Record<string, unknown>): Promise<unknown> {
    const email = checkEmail(body.email);
    const password = body.password === undefined ? null : checkPassword(body.password);
    const user = await this.insertUser({
      email,
      password,
      metadata: record(body.user_metadata ?? body.data),
      anonymous: false,
      provider: 'email',
      confirmed: body.email_confirm !== false,
    });
    return userJson(user);
  }

  private async adminUpdate(id: string, body: Record<string, unknown>): Promise<unknown> {
    const user = await this.userById(id);
    const metadata =
      body.user_metadata === undefined ? user.raw_user_meta_data : record(body.user_metadata);
    const password =
      body.password === undefined ? null : await bcrypt.hash(checkPassword(body.password), 10);
    const { rows } = await this.db.query<UserRow>(
      `update auth.users set raw_user_meta_data = $2, encrypted_password = coalesce($3, encrypted_password), updated_at = now()
        where id = $1 returning ${USER_COLUMNS}`,
      [id, metadata, password],
    );
    return userJson(rows[0] ?? user);
  }

  private async deleteUser(id: string): Promise<unknown> {
    const user = await this.userById(id);
    await this.db.query('delete from auth.users where id = $1', [id]);
    return userJson(user);
  }
}
