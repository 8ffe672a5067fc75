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
  await db.query(`
    create table public.items (id int primary key, name text, data jsonb);
    grant all on public.items to anon, authenticated, service_role;
    insert into public.items values (1, 'one', '{}');
  `);
}, 60_000);

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

function supabase(): SupabaseClient {
  return createClient(server.url, server.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
}

/** A raw request to the data API; resolves with the status and the parsed body. */
async function rest(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; json: { code?: string; message?: string } }> {
  const response = await fetch(`${server.url}/rest/v1/${path}`, {
    ...init,
    headers: { apikey: server.anonKey, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, json: (await response.json()) as { code?: string } };
}

describe('data API input limits', () => {
  it('refuses an or-tree nested thousands deep with PostgREST’s 400, not a database 500', async () => {
    const depth = 3000;
    const result = await rest(`items?or=(${'or('.repeat(depth)}id.eq.1${')'.repeat(depth)})`);
    expect(result.status).toBe(400);
    expect(result.json.code).toBe('PGRST100');
    expect(result.json.message).toMatch(/^"failed to parse logic tree/);
    const { data } = await supabase().from('items').select('id').or('id.eq.1,or(id.eq.2)');
    expect(data).toEqual([{ id: 1 }]);
  });

  it('refuses a body nested thousands deep with 400 PGRST102, not a 500', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const inserted = await rest('items', {
      method: 'POST',
      body: `{"id":2,"name":"deep","data":${deep}}`,
    });
    expect(inserted).toMatchObject({
      status: 400,
      json: { code: 'PGRST102', message: 'Empty or invalid json' },
    });
    const patched = await rest('items?id=eq.1', { method: 'PATCH', body: `{"data":${deep}}` });
    expect(patched.status).toBe(400);
    const called = await rest('rpc/nothing', { method: 'POST', body: `{"a":${deep}}` });
    expect(called.status).toBe(400);
  });

  it('answers NUL characters in values, names and bodies with 400, never 500', async () => {
    const { error: value } = await supabase().from('items').select('id').eq('name', 'a\0b');
    expect(value).toMatchObject({ code: '22021' });
    const column = await rest(`items?select=${encodeURIComponent('na\0me')}`);
    expect(column).toMatchObject({ status: 400, json: { code: '22021' } });
    const filter = await rest(`items?${encodeURIComponent('na\0me')}=eq.x`);
    expect(filter).toMatchObject({ status: 400, json: { code: '22021' } });
    const order = await rest(`items?order=${encodeURIComponent('na\0me')}.desc`);
    expect(order).toMatchObject({ status: 400, json: { code: '22021' } });
    const table = await rest(encodeURIComponent('ite\0ms'));
    expect(table.status).toBe(400);
    const { error: body } = await supabase().from('items').insert({ id: 3, name: 'a\0b' });
    expect(body?.code).toMatch(/^22/);
    // The pool is healthy afterwards.
    const { data } = await supabase().from('items').select('name').eq('id', 1);
    expect(data).toEqual([{ name: 'one' }]);
  });
});
