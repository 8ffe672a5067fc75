import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../options';
import { startServer, type RoomkitServer } from '../startServer';

let server: RoomkitServer;
let db: pg.Client;

beforeAll(async () => {
  server = await startServer({ port: 0, db: 'embedded', ephemeral: true, logger: silentLogger });
  db = new pg.Client({ connectionString: server.dbUrl ?? '' });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

function supabase(key = server.anonKey): SupabaseClient {
  return createClient(server.url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
}

/** POSTs raw JSON text to an auth route; resolves with the status and the parsed body. */
async function post(path: string, body: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${server.url}/auth/v1/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: server.anonKey },
    body,
  });
  return { status: response.status, json: await response.json() };
}

function gotrueError(code: number, errorCode: string, msg: string) {
  return { code, error_code: errorCode, msg };
}

describe('auth input limits', () => {
  it('refuses the quadratic-regex email at once as too long, in GoTrue’s shape', async () => {
    const { error } = await supabase().auth.signUp({
      email: `a@${'.'.repeat(80_000)} `,
      password: 'correct horse',
    });
    expect(error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'An email address is too long',
    });
  });

  it('refuses a 1,000,000-character email with 400 and a body over 1 MiB with 413', async () => {
    const long = await supabase().auth.signUp({
      email: `${'a'.repeat(1_000_000)}@example.com`,
      password: 'correct horse',
    });
    expect(long.error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'An email address is too long',
    });
    const huge = await post(
      'signup',
      JSON.stringify({ email: `${'a'.repeat(2_000_000)}@example.com`, password: 'x' }),
    );
    expect(huge).toEqual({
      status: 413,
      json: gotrueError(
        413,
        'request_entity_too_large',
        'Request body too large (max 1048576 bytes)',
      ),
    });
  });

  it('checks the format of a 255-character email in linear time and accepts GoTrue’s formats', async () => {
    const worst = await supabase().auth.signUp({
      email: `a@${'a.'.repeat(126)}-`,
      password: 'correct horse',
    });
    expect(worst.error).toMatchObject({
      status: 400,
      message: 'Unable to validate email address: invalid format',
    });
    const local = await supabase().auth.signUp({
      email: 'Dev+Local@localhost',
      password: 'correct horse',
    });
    expect(local.error).toBeNull();
    expect(local.data.user?.email).toBe('dev+local@localhost');
  });

  it('answers NUL characters with 400 validation errors, never a database 500', async () => {
    const nulText = 'Request body must not contain null characters (\\u0000)';
    const inEmail = await supabase().auth.signUp({
      email: 'nul\0@example.com',
      password: 'pw1234',
    });
    expect(inEmail.error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: nulText,
    });
    const inMetadata = await supabase().auth.signUp({
      email: 'meta@example.com',
      password: 'correct horse',
      options: { data: { name: 'a\0b' } },
    });
    expect(inMetadata.error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: nulText,
    });
    const inSignIn = await supabase().auth.signInWithPassword({
      email: 'x\0@example.com',
      password: 'correct horse',
    });
    expect(inSignIn.error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: nulText,
    });
    const inRefresh = await post(
      'token?grant_type=refresh_token',
      JSON.stringify({ refresh_token: '\0' }),
    );
    expect(inRefresh).toEqual({
      status: 400,
      json: gotrueError(400, 'validation_failed', nulText),
    });
    const { rows } = await db.query(`select 1 from auth.users where email = 'meta@example.com'`);
    expect(rows).toHaveLength(0);
  });

  it('checks the password like GoTrue: required, at most 72 bytes, at least 6 characters', async () => {
    const missing = await post('signup', JSON.stringify({ email: 'p@example.com' }));
    expect(missing).toEqual({
      status: 400,
      json: gotrueError(400, 'validation_failed', 'Signup requires a valid password'),
    });
    const long = await supabase().auth.signUp({ email: 'p@example.com', password: 'é'.repeat(37) });
    expect(long.error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'Password cannot be longer than 72 characters',
    });
    const short = await supabase().auth.signUp({ email: 'p@example.com', password: '12345' });
    expect(short.error).toMatchObject({ status: 422, code: 'weak_password' });
  });

  it('refuses JSON nested deeper than 1000 levels as bad_json', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const result = await post(
      'signup',
      `{"email":"deep@example.com","password":"correct horse","data":{"x":${deep}}}`,
    );
    expect(result).toEqual({
      status: 400,
      json: gotrueError(
        400,
        'bad_json',
        'Could not parse request body as JSON: exceeded max depth',
      ),
    });
  });

  it('refuses a body that is JSON but not an object as bad_json, and creates no user', async () => {
    const before = await db.query('select count(*)::int as n from auth.users');
    for (const body of ['[]', '"x"', '1', 'true', '[{"email":"a@example.com"}]']) {
      for (const path of ['signup', 'token?grant_type=password']) {
        expect(await post(path, body)).toEqual({
          status: 400,
          json: gotrueError(
            400,
            'bad_json',
            'Could not parse request body as JSON: expected a JSON object',
          ),
        });
      }
    }
    const after = await db.query('select count(*)::int as n from auth.users');
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('answers an admin user id that is not a UUID with GoTrue’s 404, not a database error', async () => {
    const response = await fetch(`${server.url}/auth/v1/admin/users/${'-'.repeat(36)}`, {
      headers: { apikey: server.serviceRoleKey, authorization: `Bearer ${server.serviceRoleKey}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(
      gotrueError(404, 'validation_failed', 'user_id must be an UUID'),
    );
  });

  it('answers pagination that is not an unsigned integer with GoTrue’s 400', async () => {
    const admin = supabase(server.serviceRoleKey).auth.admin;
    const bad = await fetch(`${server.url}/auth/v1/admin/users?page=1e400`, {
      headers: { apikey: server.serviceRoleKey, authorization: `Bearer ${server.serviceRoleKey}` },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual(
      gotrueError(
        400,
        'validation_failed',
        'Bad Pagination Parameters: strconv.ParseUint: parsing "1e400": invalid syntax',
      ),
    );
    const far = await admin.listUsers({ page: 9_007_199_254_740_991, perPage: 1000 });
    expect(far.error).toBeNull();
    expect(far.data.users).toEqual([]);
  });
});
