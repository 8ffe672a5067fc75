import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../options';
import { startServer, type RoomkitServer } from '../startServer';
import { until } from './helpers';

let server: RoomkitServer;
let db: pg.Client;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  server = await startServer({ port: 0, db: 'embedded', ephemeral: true, logger: silentLogger });
  db = new pg.Client({ connectionString: server.dbUrl ?? '' });
  await db.connect();
  await db.query(`
    create table public.todos (
      id bigint generated always as identity primary key,
      owner uuid not null default auth.uid(),
      title text not null,
      done boolean not null default false,
      created_at timestamptz not null default now()
    );
    alter table public.todos enable row level security;
    create policy "own rows" on public.todos for all to authenticated
      using (owner = auth.uid()) with check (owner = auth.uid());
    alter publication supabase_realtime add table public.todos;
    grant all on public.todos to anon, authenticated, service_role;
    create function public.add(a int, b int) returns int language sql as 'select a + b';
    create table public.settings (key text primary key, value text not null, hits int not null default 0);
    grant all on public.settings to anon, authenticated, service_role;
    create function public.my_titles() returns setof text language sql security invoker
      as 'select title from public.todos order by id';
  `);
}, 60_000);

afterAll(async () => {
  for (const supabase of clients) await supabase.removeAllChannels();
  await db?.end();
  await server?.stop();
});

function supabase(key = server.anonKey): SupabaseClient {
  const client = createClient(server.url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  clients.push(client);
  return client;
}

async function signedIn(email: string): Promise<SupabaseClient> {
  const client = supabase();
  const { error } = await client.auth.signUp({ email, password: 'correct horse' });
  expect(error).toBeNull();
  return client;
}

describe('auth', () => {
  it('signs up, signs in, gets and updates the user, refreshes and signs out', async () => {
    const client = supabase();
    const signUp = await client.auth.signUp({
      email: 'ada@example.com',
      password: 'correct horse',
      options: { data: { name: 'Ada' } },
    });
    expect(signUp.error).toBeNull();
    expect(signUp.data.session?.access_token).toBeTruthy();
    expect(signUp.data.user).toMatchObject({
      email: 'ada@example.com',
      user_metadata: { name: 'Ada' },
      is_anonymous: false,
    });

    const again = supabase();
    const signIn = await again.auth.signInWithPassword({
      email: 'ada@example.com',
      password: 'correct horse',
    });
    expect(signIn.error).toBeNull();
    const { data: got } = await again.auth.getUser();
    expect(got.user?.id).toBe(signUp.data.user?.id);

    const updated = await again.auth.updateUser({ data: { name: 'Ada L.' } });
    expect(updated.data.user?.user_metadata).toMatchObject({ name: 'Ada L.' });

    const before = (await again.auth.getSession()).data.session;
    const refreshed = await again.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session?.refresh_token).not.toBe(before?.refresh_token);
    expect(refreshed.data.session?.user.user_metadata).toMatchObject({ name: 'Ada L.' });

    expect((await again.auth.signOut()).error).toBeNull();
    const reuse = await supabase().auth.refreshSession({
      refresh_token: refreshed.data.session?.refresh_token ?? '',
    });
    expect(reuse.error?.message).toBe('Invalid Refresh Token: Refresh Token Not Found');
  });

  it('answers wrong passwords, taken emails, weak passwords and bad tokens like Supabase Auth', async () => {
    await signedIn('taken@example.com');
    const wrong = await supabase().auth.signInWithPassword({
      email: 'taken@example.com',
      password: 'nope nope',
    });
    expect(wrong.error).toMatchObject({
      status: 400,
      code: 'invalid_credentials',
      message: 'Invalid login credentials',
    });
    const taken = await supabase().auth.signUp({
      email: 'taken@example.com',
      password: 'correct horse',
    });
    expect(taken.error).toMatchObject({
      status: 422,
      code: 'user_already_exists',
      message: 'User already registered',
    });
    const weak = await supabase().auth.signUp({ email: 'weak@example.com', password: '123' });
    expect(weak.error).toMatchObject({ status: 422, code: 'weak_password' });
    const bad = await supabase().auth.getUser('not.a.jwt');
    expect(bad.error).toMatchObject({ status: 403, code: 'bad_jwt' });
  });

  it('signs in anonymous users with a real user id', async () => {
    const client = supabase();
    const { data, error } = await client.auth.signInAnonymously({
      options: { data: { name: 'Guest' } },
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ is_anonymous: true, user_metadata: { name: 'Guest' } });
    const { rows } = await db.query('select is_anonymous from auth.users where id = $1', [
      data.user?.id,
    ]);
    expect(rows[0]?.is_anonymous).toBe(true);
  });

  it('lets only the service role create, list and delete users', async () => {
    const admin = supabase(server.serviceRoleKey).auth.admin;
    const created = await admin.createUser({
      email: 'made@example.com',
      password: 'correct horse',
      email_confirm: true,
      user_metadata: { team: 'blue' },
    });
    expect(created.error).toBeNull();
    const listed = await admin.listUsers();
    expect(listed.data.users.map((user) => user.email)).toContain('made@example.com');
    expect((await admin.deleteUser(created.data.user?.id ?? '')).error).toBeNull();
    const gone = await supabase().auth.signInWithPassword({
      email: 'made@example.com',
      password: 'correct horse',
    });
    expect(gone.error?.message).toBe('Invalid login credentials');

    const denied = await supabase().auth.admin.listUsers();
    expect(denied.error).toMatchObject({
      status: 403,
      code: 'not_admin',
      message: 'User not allowed',
    });
  });
});

describe('data API with row-level security', () => {
  it('runs each request as its user: A cannot read, update or delete B’s rows', async () => {
    const a = await signedIn('a@example.com');
    const b = await signedIn('b@example.com');
    const inserted = await a.from('todos').insert({ title: 'a1' }).select('id, title').single();
    expect(inserted.error).toBeNull();
    expect(inserted.data).toMatchObject({ title: 'a1' });
    await b.from('todos').insert([{ title: 'b1' }, { title: 'b2' }]);

    const seenByA = await a.from('todos').select('title').order('id');
    expect(seenByA.data).toEqual([{ title: 'a1' }]);
    const seenByB = await b.from('todos').select('title', { count: 'exact' }).order('id');
    expect(seenByB.data).toEqual([{ title: 'b1' }, { title: 'b2' }]);
    expect(seenByB.count).toBe(2);

    const hijack = await a.from('todos').update({ title: 'stolen' }).eq('title', 'b1').select();
    expect(hijack.data).toEqual([]);
    const wipe = await a.from('todos').delete().in('title', ['b1', 'b2']).select();
    expect(wipe.data).toEqual([]);
    const forged = await a
      .from('todos')
      .insert({ title: 'forged', owner: (await b.auth.getUser()).data.user?.id });
    expect(forged.error).toMatchObject({ code: '42501' });
    expect(forged.status).toBe(403);
    const anon = await supabase().from('todos').select('*');
    expect(anon.data).toEqual([]);
    const { rows } = await db.query(
      `select title from todos where title in ('b1','b2','stolen') order by id`,
    );
    expect(rows.map((row: { title: string }) => row.title)).toEqual(['b1', 'b2']);
  });

  it('supports filters, order, range, single, maybeSingle, count, upsert and rpc', async () => {
    const user = await signedIn('filters@example.com');
    await user
      .from('todos')
      .insert(['alpha', 'beta', 'gamma', 'delta'].map((title) => ({ title })));
    const gt = await user
      .from('todos')
      .select('title')
      .like('title', '%a')
      .order('title', { ascending: false });
    expect(gt.data?.map((row) => row.title)).toEqual(['gamma', 'delta', 'beta', 'alpha']);
    const ranged = await user.from('todos').select('title').order('title').range(1, 2);
    expect(ranged.data?.map((row) => row.title)).toEqual(['beta', 'delta']);
    const one = await user.from('todos').select('title').eq('title', 'beta').single();
    expect(one.data).toEqual({ title: 'beta' });
    const none = await user.from('todos').select('title').eq('title', 'nothing').maybeSingle();
    expect(none).toMatchObject({ data: null, error: null });
    const tooMany = await user.from('todos').select('title').single();
    expect(tooMany.error).toMatchObject({ code: 'PGRST116' });
    const ilike = await user.from('todos').select('title').ilike('title', 'ALP%');
    expect(ilike.data).toEqual([{ title: 'alpha' }]);
    const isFalse = await user
      .from('todos')
      .select('title', { count: 'exact', head: true })
      .is('done', false);
    expect(isFalse.count).toBe(4);
    const alpha = (await user.from('todos').select('id').eq('title', 'alpha').single()).data as {
      id: number;
    };
    // An identity column that is generated always cannot be written, as in PostgreSQL.
    const upsertIdentity = await user
      .from('todos')
      .upsert({ id: alpha.id, title: 'alpha!', done: true })
      .select('title, done');
    expect(upsertIdentity.error).toMatchObject({ code: '428C9' });
    await user.from('settings').insert({ key: 'theme', value: 'light' });
    const merged = await user
      .from('settings')
      .upsert({ key: 'theme', value: 'dark' })
      .select('key, value');
    expect(merged.data).toEqual([{ key: 'theme', value: 'dark' }]);
    const ignored = await user
      .from('settings')
      .upsert(
        [
          { key: 'theme', value: 'blue' },
          { key: 'lang', value: 'en' },
        ],
        {
          onConflict: 'key',
          ignoreDuplicates: true,
        },
      )
      .select('key, value');
    expect(ignored.data).toEqual([{ key: 'lang', value: 'en' }]);
    const { rows: settings } = await db.query('select key, value from settings order by key');
    expect(settings).toEqual([
      { key: 'lang', value: 'en' },
      { key: 'theme', value: 'dark' },
    ]);
    const neq = await user
      .from('todos')
      .select('title')
      .neq('title', 'alpha')
      .gte('id', alpha.id)
      .lt('id', alpha.id + 2);
    expect(neq.data).toEqual([{ title: 'beta' }]);
    expect((await user.rpc('add', { a: 2, b: 3 })).data).toBe(5);
    expect((await user.rpc('my_titles')).data).toEqual(['alpha', 'beta', 'gamma', 'delta']);
  });

  it('answers unknown tables and bad filters in PostgREST’s shape', async () => {
    const client = supabase();
    const missing = await client.from('nope').select('*');
    expect(missing.status).toBe(404);
    expect(missing.error).toMatchObject({
      code: 'PGRST205',
      message: "Could not find the table 'public.nope' in the schema cache",
    });
    const badColumn = await client.from('todos').select('nonexistent');
    expect(badColumn.status).toBe(400);
    expect(badColumn.error).toMatchObject({ code: '42703' });
  });

  it('never lets filter values, column names or parameters reach SQL', async () => {
    const user = await signedIn('inject@example.com');
    await user.from('todos').insert({ title: "x'); drop table todos; --" });
    const attempts = [
      user.from('todos').select('*').eq('title', "x'); drop table todos; --"),
      user.from('todos').select('*').in('title', ["a') or 1=1 --", 'b"']),
      user.from('todos').select('*').like('title', "%'; drop table todos; --"),
      user.from('todos').select('*').order('title; drop table todos'),
      user.from('todos').select('title, "id"; drop table todos; --'),
      user.from('todos').select('*').eq('title"; drop table todos; --', 'x'),
      user.from('todos; drop table todos').select('*'),
      user.from('todos').select('*').or('title.eq.x),id.gt.0;drop table todos;--'),
      user.rpc('add; drop table todos', {}),
    ];
    const results = await Promise.all(attempts);
    expect(results[0]?.data).toHaveLength(1);
    expect(results[1]?.error).toBeNull();
    expect(results[1]?.data).toEqual([]);
    expect(results.slice(3).map((result) => result.error === null)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    const { rows } = await db.query(`select to_regclass('public.todos') as t`);
    expect(rows[0]?.t).toBe('todos');
  });
});

describe('the whole flow an app uses', () => {
  it('an admin-made user signs in, writes through the data API and sees exactly its own changes live', async () => {
    const admin = supabase(server.serviceRoleKey).auth.admin;
    await admin.createUser({
      email: 'flow@example.com',
      password: 'correct horse',
      email_confirm: true,
    });
    await admin.createUser({
      email: 'other@example.com',
      password: 'correct horse',
      email_confirm: true,
    });
    const user = supabase();
    const other = supabase();
    expect(
      (await user.auth.signInWithPassword({ email: 'flow@example.com', password: 'correct horse' }))
        .error,
    ).toBeNull();
    expect(
      (
        await other.auth.signInWithPassword({
          email: 'other@example.com',
          password: 'correct horse',
        })
      ).error,
    ).toBeNull();

    const seen: string[] = [];
    const system: string[] = [];
    const channel = user
      .channel('flow')
      .on('postgres_changes', { event: '*', schema: 'public', table: 'todos' }, (change) =>
        seen.push(
          `${change.eventType}:${String((change.new as { title?: string }).title ?? (change.old as { id?: number }).id)}`,
        ),
      )
      .on('system', {}, (payload: { message: string }) => system.push(payload.message));
    channel.subscribe();
    await until(() => system.includes('Subscribed to PostgreSQL'), 10_000, 'subscription');

    const first = await user.from('todos').insert({ title: 'one' }).select('id').single();
    const second = await user.from('todos').insert({ title: 'two' }).select('id').single();
    await other.from('todos').insert({ title: 'not mine' });
    const ids = [first.data?.id as number, second.data?.id as number];
    // Row-level security is checked against the stored row when the change is processed (as on
    // Supabase Realtime), so each write waits for its change before a later one deletes the row.
    await until(() => seen.length === 2, 20_000, 'two inserts');
    await user.from('todos').update({ title: 'one!' }).eq('id', ids[0]);
    await until(() => seen.length === 3, 20_000, 'the update');
    await user.from('todos').delete().in('id', ids);
    await until(() => seen.length === 5, 20_000, 'five changes');
    expect(seen).toEqual([
      'INSERT:one',
      'INSERT:two',
      'UPDATE:one!',
      `DELETE:${ids[0]}`,
      `DELETE:${ids[1]}`,
    ]);
  });
});
