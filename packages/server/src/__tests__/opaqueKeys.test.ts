import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PUBLISHABLE_KEY, DEFAULT_SECRET_KEY, opaqueKeys } from '../auth';
import { silentLogger } from '../options';
import { startServer, type RoomkitServer } from '../startServer';
import { subscribe } from './helpers';

const CUSTOM_SECRET = 'a-custom-secret-that-is-at-least-32-characters-long';

let server: RoomkitServer;
let db: pg.Client;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  server = await startServer({
    port: 0,
    db: 'embedded',
    ephemeral: true,
    jwtSecret: CUSTOM_SECRET,
    logger: silentLogger,
    limits: { connectErrorDelayMs: 0, joinErrorDelayMs: 0 },
  });
  db = new pg.Client({ connectionString: server.dbUrl ?? '' });
  await db.connect();
  await db.query(`
    create table public.diary (id bigint generated always as identity primary key, entry text not null);
    alter table public.diary enable row level security;
    grant all on public.diary to anon, authenticated, service_role;
    insert into public.diary (entry) values ('dear diary');
    insert into auth.users (email) values ('someone@example.com');
  `);
}, 60_000);

afterAll(async () => {
  for (const supabase of clients) await supabase.removeAllChannels();
  await db?.end();
  await server?.stop();
});

function supabase(key: string): SupabaseClient {
  const client = createClient(server.url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  clients.push(client);
  return client;
}

describe('opaqueKeys', () => {
  it('gives the well-known keys for the default secret only', () => {
    expect(opaqueKeys('super-secret-jwt-token-with-at-least-32-characters-long')).toEqual({
      publishableKey: DEFAULT_PUBLISHABLE_KEY,
      secretKey: DEFAULT_SECRET_KEY,
    });
    const custom = opaqueKeys(CUSTOM_SECRET);
    expect(custom.publishableKey).not.toBe(DEFAULT_PUBLISHABLE_KEY);
    expect(custom.secretKey).not.toBe(DEFAULT_SECRET_KEY);
  });

  it('derives keys in Supabase’s format, the same for the same secret and different for another', () => {
    const custom = opaqueKeys(CUSTOM_SECRET);
    expect(custom.publishableKey).toMatch(/^sb_publishable_[\w-]{22}_[\w-]{8}$/);
    expect(custom.secretKey).toMatch(/^sb_secret_[\w-]{22}_[\w-]{8}$/);
    expect(opaqueKeys(CUSTOM_SECRET)).toEqual(custom);
    expect(opaqueKeys(`${CUSTOM_SECRET}!`).secretKey).not.toBe(custom.secretKey);
  });
});

describe('a server with a custom --jwt-secret', () => {
  it('returns the keys derived from its secret', () => {
    expect(server.publishableKey).toBe(opaqueKeys(CUSTOM_SECRET).publishableKey);
    expect(server.secretKey).toBe(opaqueKeys(CUSTOM_SECRET).secretKey);
  });

  it('refuses the well-known secret key on the data API', async () => {
    const { data, error } = await supabase(DEFAULT_SECRET_KEY).from('diary').select('entry');
    expect(data).toBeNull();
    expect(error).toMatchObject({ code: 'PGRST301' });
  });

  it('refuses the well-known publishable key on the data API', async () => {
    const { error } = await supabase(DEFAULT_PUBLISHABLE_KEY).from('diary').select('entry');
    expect(error).toMatchObject({ code: 'PGRST301' });
  });

  it('refuses the well-known secret key on the auth admin API: it cannot list or delete users', async () => {
    const admin = supabase(DEFAULT_SECRET_KEY).auth.admin;
    const listed = await admin.listUsers();
    expect(listed.error).toMatchObject({ status: 403, code: 'bad_jwt' });
    const { rows } = await db.query<{ id: string }>('select id from auth.users limit 1');
    const deleted = await admin.deleteUser(rows[0]?.id ?? '');
    expect(deleted.error).toMatchObject({ status: 403, code: 'bad_jwt' });
    const { rows: still } = await db.query('select 1 from auth.users');
    expect(still).toHaveLength(1);
  });

  it('refuses a socket with the well-known secret key, so it joins no private channel', async () => {
    const channel = supabase(DEFAULT_SECRET_KEY).channel('vault', { config: { private: true } });
    const { status } = await subscribe(channel);
    expect(status).not.toBe('SUBSCRIBED');
    expect(server.stats.joins).toBe(0);
  });

  it('refuses a REST broadcast with the well-known secret key', async () => {
    const response = await fetch(`${server.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: DEFAULT_SECRET_KEY },
      body: JSON.stringify({ messages: [{ topic: 'vault', event: 'x', payload: {} }] }),
    });
    expect(response.status).toBe(401);
  });

  it('accepts its derived secret key as service_role everywhere', async () => {
    const service = supabase(server.secretKey);
    const { data, error } = await service.from('diary').select('entry');
    expect(error).toBeNull();
    expect(data).toEqual([{ entry: 'dear diary' }]);
    const listed = await service.auth.admin.listUsers();
    expect(listed.error).toBeNull();
    expect(listed.data.users.map((user) => user.email)).toEqual(['someone@example.com']);
    const channel = service.channel('vault', { config: { private: true } });
    expect((await subscribe(channel)).status).toBe('SUBSCRIBED');
  });

  it('accepts its derived publishable key as anon, which RLS keeps out of the diary', async () => {
    const { data, error } = await supabase(server.publishableKey).from('diary').select('entry');
    expect(error).toBeNull();
    expect(data).toEqual([]);
  });
});
