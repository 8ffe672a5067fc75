import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import pg from 'pg';
import { useEffect, type ReactNode } from 'react';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeProvider } from '../RealtimeProvider';
import { syncQueriesWithRealtime } from '../query/syncQueriesWithRealtime';
import { startTestRealtime, type TestRealtime } from '../testing';
import { useBroadcast } from '../useBroadcast';
import { useChannelStatus } from '../useChannelStatus';
import { usePostgresChanges } from '../usePostgresChanges';
import { usePresence } from '../usePresence';
import { useRealtime } from '../useRealtime';
import { sleep } from './helpers';

// The whole auth lifecycle on the real server: RLS on a table and on realtime.messages, two users
// who sign in, out and in again through supabase.auth, a token that expires while the laptop
// sleeps, a client swapped for another, and third-party auth (`accessToken`).

let realtime: TestRealtime;
let db: pg.Client;
const clients: SupabaseClient[] = [];
let count = 0;

beforeAll(async () => {
  realtime = await startTestRealtime({ db: 'embedded' });
  db = new pg.Client({ connectionString: realtime.server.dbUrl ?? '' });
  await db.connect();
  await db.query(`
    create table public.notes (id serial primary key, owner uuid not null, body text not null);
    alter table public.notes enable row level security;
    create policy "owners read their notes" on public.notes
      for select to authenticated using (owner = auth.uid());
    alter publication supabase_realtime add table public.notes;
    create table public.team_members (topic text not null, user_id uuid not null);
    create policy "members read" on realtime.messages for select to authenticated
      using (exists (select 1 from public.team_members m
                      where m.topic = realtime.topic() and m.user_id = auth.uid()));
    create policy "members write" on realtime.messages for insert to authenticated
      with check (exists (select 1 from public.team_members m
                           where m.topic = realtime.topic() and m.user_id = auth.uid()));
  `);
}, 60_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.removeAllChannels()));
});

afterAll(async () => {
  await db?.end();
  await realtime?.stop();
});

/** A client with Supabase Auth (no stored session) on the test server. */
function authClient(): SupabaseClient {
  const client = createClient(realtime.server.url, realtime.server.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `auth-${++count}` },
    realtime: { transport: WebSocket as never, reconnectAfterMs: () => 100 },
  });
  clients.push(client);
  return client;
}

/** A client with third-party auth: realtime-js asks `token()` whenever it wants a token. */
function thirdPartyClient(token: () => Promise<string | null>): SupabaseClient {
  const client = createClient(realtime.server.url, realtime.server.anonKey, {
    accessToken: token,
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `auth-${++count}` },
    realtime: { transport: WebSocket as never, reconnectAfterMs: () => 100 },
  });
  clients.push(client);
  return client;
}

/** Signs a new account up and returns its credentials and id. */
async function account(name: string) {
  const email = `${name}-${randomUUID()}@example.com`;
  const password = 'correct horse battery';
  const { data, error } = await authClient().auth.signUp({ email, password });
  if (error || !data.user) throw error ?? new Error('no user');
  return { email, password, id: data.user.id };
}

/** A private team room whose only member is `member`, and a client of theirs that posts to it. */
async function team(member: string) {
  const topic = `team:${randomUUID()}`;
  await db.query('insert into public.team_members values ($1, $2)', [topic, member]);
  const poster = thirdPartyClient(async () => realtime.server.mintToken({ sub: member }));
  const channel = poster.channel(topic, { config: { private: true } });
  await new Promise<void>((resolve) =>
    channel.subscribe((status) => status === 'SUBSCRIBED' && resolve()),
  );
  return {
    topic,
    post: (text: string) => channel.send({ type: 'broadcast', event: 'memo', payload: { text } }),
  };
}

/** Renders a listener to a team room's memos on `client`, recording each phase it shows. */
function listenToTeam(client: SupabaseClient, topic: string) {
  const phases: string[] = [];
  const memos: string[] = [];
  const { result } = renderHook(
    () => {
      useBroadcast<{ text: string }>(topic, 'memo', {
        private: true,
        onMessage: (memo) => memos.push(memo.text),
      });
      const snapshot = useChannelStatus(topic, { private: true });
      if (phases.at(-1) !== snapshot.phase) phases.push(snapshot.phase);
      return snapshot;
    },
    { wrapper: wrapper(client) },
  );
  return { result, phases, memos };
}

async function insertNote(owner: string, body: string): Promise<void> {
  await db.query('insert into public.notes (owner, body) values ($1, $2)', [owner, body]);
}

function wrapper(client: SupabaseClient, queryClient?: QueryClient) {
  return function Wrapper({ children }: { children?: ReactNode }) {
    const tree = <RealtimeProvider client={client}>{children}</RealtimeProvider>;
    return queryClient ? (
      <QueryClientProvider client={queryClient}>{tree}</QueryClientProvider>
    ) : (
      tree
    );
  };
}

describe('the auth lifecycle through supabase.auth', () => {
  it('leaves private rooms on sign-out, then moves everything to the next user who signs in', async () => {
    const ann = await account('ann');
    const bob = await account('bob');
    const { topic, post } = await team(ann.id);
    const client = authClient();
    await client.auth.signInWithPassword(ann);
    const notes: string[] = [];
    const memos: string[] = [];
    const watcher = thirdPartyClient(async () => realtime.server.mintToken({ sub: randomUUID() }));
    const seen = watcher.channel('auth-lobby');
    const present = (): string[] => Object.keys(seen.presenceState());
    await new Promise<void>((resolve) =>
      seen
        .on('presence', { event: 'sync' }, () => undefined)
        .subscribe((status) => {
          if (status === 'SUBSCRIBED') resolve();
        }),
    );
    const { result, rerender } = renderHook(
      ({ me }: { me: string }) => {
        usePostgresChanges<{ body: string }>({
          table: 'notes',
          event: 'INSERT',
          onChange: (change) => notes.push((change.new as { body: string }).body),
        });
        useBroadcast<{ text: string }>(topic, 'memo', {
          private: true,
          onMessage: (memo) => memos.push(memo.text),
        });
        usePresence('auth-lobby', { key: me, state: { me } });
        return {
          team: useChannelStatus(topic, { private: true }),
          notes: useChannelStatus('db:public.notes:INSERT').phase,
        };
      },
      { wrapper: wrapper(client), initialProps: { me: ann.id } },
    );
    await waitFor(() => expect(result.current.team.phase).toBe('joined'), { timeout: 10_000 });
    await waitFor(() => expect(result.current.notes).toBe('joined'), { timeout: 10_000 });
    await waitFor(() => expect(present()).toEqual([ann.id]), { timeout: 10_000 });
    await insertNote(ann.id, 'ann 1');
    await post('memo 1');
    await waitFor(() => expect(notes).toEqual(['ann 1']));
    await waitFor(() => expect(memos).toEqual(['memo 1']));

    await act(async () => void (await client.auth.signOut()));
    await waitFor(() =>
      expect(result.current.team).toMatchObject({ phase: 'unauthorized', reason: 'signed out' }),
    );
    // Presence is untracked: the watcher sees Ann leave.
    await waitFor(() => expect(present()).toEqual([]), { timeout: 10_000 });
    await insertNote(ann.id, 'ann 2');
    await post('memo 2');
    await sleep(500);
    expect(notes).toEqual(['ann 1']);
    expect(memos).toEqual(['memo 1']);

    await act(async () => void (await client.auth.signInWithPassword(bob)));
    rerender({ me: bob.id });
    await waitFor(() => expect(result.current.notes).toBe('joined'), { timeout: 10_000 });
    // Bob is no member of Ann's team: the server's policies refuse him, and say so.
    await waitFor(
      () =>
        expect(result.current.team).toMatchObject({
          phase: 'unauthorized',
          reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`,
        }),
      { timeout: 10_000 },
    );
    await waitFor(() => expect(present()).toEqual([bob.id]), { timeout: 10_000 });
    // Ann's note goes into the log first: had it reached Bob, it would come before his.
    await insertNote(ann.id, 'ann 3');
    await insertNote(bob.id, 'bob 1');
    await waitFor(() => expect(notes).toEqual(['ann 1', 'bob 1']), { timeout: 10_000 });
    await post('memo 3');
    await sleep(300);
    expect(memos).toEqual(['memo 1']);
  }, 30_000);

  it('joins a members-only room as the stored session’s user when the storage answers late', async () => {
    const ann = await account('stored');
    const { topic, post } = await team(ann.id);
    const storageKey = `stored-${++count}`;
    const saved = new Map<string, string>();
    const signIn = createClient(realtime.server.url, realtime.server.anonKey, {
      auth: {
        persistSession: true,
        autoRefreshToken: false,
        storageKey,
        storage: {
          getItem: (key) => saved.get(key) ?? null,
          setItem: (key, value) => void saved.set(key, value),
          removeItem: (key) => void saved.delete(key),
        },
      },
    });
    await signIn.auth.signInWithPassword(ann);
    // An async storage (React Native's, a cookie read on the server) hands the session back
    // late: a socket opens sooner, so a join sent at once would go out as anon.
    const client = createClient(realtime.server.url, realtime.server.anonKey, {
      auth: {
        persistSession: true,
        autoRefreshToken: false,
        storageKey,
        storage: {
          getItem: async (key) => (await sleep(600), saved.get(key) ?? null),
          setItem: async (key, value) => void saved.set(key, value),
          removeItem: async (key) => void saved.delete(key),
        },
      },
      realtime: { transport: WebSocket as never, reconnectAfterMs: () => 100 },
    });
    clients.push(client);
    const { result, phases, memos } = listenToTeam(client, topic);
    await waitFor(() => expect(result.current.phase).toBe('joined'), { timeout: 5000 });
    // The server's policy admitted the first join: it carried Ann's session, not anon.
    expect(phases).toEqual(['idle', 'joining', 'joined']);
    await post('for members');
    await waitFor(() => expect(memos).toEqual(['for members']));
  }, 20_000);

  it('refreshes the session when the socket token expired while asleep, rejoins and refetches once', async () => {
    const ann = await account('sleeper');
    const { topic, post } = await team(ann.id);
    const client = authClient();
    await client.auth.signInWithPassword(ann);
    // The token the socket holds runs out in seconds, as a laptop's does during a night's sleep
    // (long enough that the first join and read finish before it, on a loaded machine too).
    await client.realtime.setAuth(await realtime.server.mintToken({ sub: ann.id, expiresIn: 5 }));
    const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    let fetches = 0;
    const phases: string[] = [];
    const memos: string[] = [];
    const { result } = renderHook(
      () => {
        const { registry } = useRealtime();
        useEffect(
          () =>
            syncQueriesWithRealtime({
              queryClient: queries,
              registry,
              room: topic,
              private: true,
              queryKey: ['team'],
            }),
          [registry],
        );
        useBroadcast<{ text: string }>(topic, 'memo', {
          private: true,
          onMessage: (memo) => memos.push(memo.text),
        });
        useQuery({ queryKey: ['team'], queryFn: async () => ++fetches }, queries);
        const snapshot = useChannelStatus(topic, { private: true });
        if (phases.at(-1) !== snapshot.phase) phases.push(snapshot.phase);
        return snapshot;
      },
      { wrapper: wrapper(client, queries) },
    );
    await waitFor(() => expect(result.current.phase).toBe('joined'), { timeout: 10_000 });
    // Read on mount, and once more on the room's first join.
    await waitFor(() => expect(fetches).toBe(2));
    await sleep(200);
    expect(fetches).toBe(2);
    // The server closes the channel with "Token has expired …" and phx_close; the registry
    // refreshes the session and joins again with the new token.
    await waitFor(() => expect(phases).toContain('gap'), { timeout: 10_000 });
    await waitFor(() => expect(result.current.phase).toBe('joined'), { timeout: 10_000 });
    expect(phases.slice(-3)).toEqual(['gap', 'rejoining', 'joined']);
    await waitFor(() => expect(fetches).toBe(3));
    await post('after the night');
    await waitFor(() => expect(memos).toEqual(['after the night']));
    await sleep(300);
    expect(fetches).toBe(3);
  }, 30_000);
});

describe('a session that cannot be refreshed', () => {
  it('reports why on the room after the token expired while asleep', async () => {
    const ann = await account('revoked');
    const { topic } = await team(ann.id);
    const client = authClient();
    await client.auth.signInWithPassword(ann);
    await client.realtime.setAuth(await realtime.server.mintToken({ sub: ann.id, expiresIn: 5 }));
    const { result } = renderHook(
      () => {
        useBroadcast(topic, 'memo', { private: true });
        return useChannelStatus(topic, { private: true });
      },
      { wrapper: wrapper(client) },
    );
    await waitFor(() => expect(result.current.phase).toBe('joined'), { timeout: 10_000 });
    // Ann signs out everywhere from another device: this client's refresh token is revoked.
    const elsewhere = authClient();
    await elsewhere.auth.signInWithPassword(ann);
    await elsewhere.auth.signOut({ scope: 'global' });
    await waitFor(() => expect(result.current.phase).toBe('errored'), { timeout: 12_000 });
    expect(result.current.reason).toBe(
      'session refresh failed: Invalid Refresh Token: Refresh Token Not Found',
    );
  }, 30_000);
});

describe('third-party auth (accessToken)', () => {
  it('joins a members-only room as the token’s user when the callback answers late, and leaves it on sign-out', async () => {
    const sub = randomUUID();
    const { topic, post } = await team(sub);
    let token: string | null = await realtime.server.mintToken({ sub });
    // The token comes late, as from an identity provider's network round trip: a socket opens
    // on this machine in a few milliseconds, so a join sent at once would go out as anon.
    let asked = 0;
    const client = thirdPartyClient(async () => {
      asked++;
      await sleep(600);
      return token;
    });
    const { result, phases, memos } = listenToTeam(client, topic);
    await waitFor(() => expect(result.current.phase).toBe('joined'), { timeout: 5000 });
    expect(asked).toBeGreaterThan(0);
    // The server's policy admitted the first join: it carried the member's token, not anon.
    expect(phases).toEqual(['idle', 'joining', 'joined']);
    await post('for members');
    await waitFor(() => expect(memos).toEqual(['for members']));
    // Signing out: the callback has no token any more. A heartbeat makes realtime-js ask it (the
    // server then refuses the room to the anon key); the next one tells the provider.
    const member = token;
    token = null;
    await client.realtime.sendHeartbeat();
    await waitFor(() => expect(client.realtime.accessTokenValue).not.toBe(member), {
      timeout: 5000,
    });
    await client.realtime.sendHeartbeat();
    await waitFor(
      () => expect(result.current).toMatchObject({ phase: 'unauthorized', reason: 'signed out' }),
      { timeout: 5000 },
    );
  }, 20_000);

  it('refreshes an expired token through the callback, and reports why when it cannot', async () => {
    const sub = randomUUID();
    const { topic } = await team(sub);
    let token = await realtime.server.mintToken({ sub, expiresIn: 5 });
    // realtime-js asks the callback for a token on connect and on each heartbeat; a first join
    // may even go out before the callback answers, and is then joined again with the token.
    const client = thirdPartyClient(async () => token);
    const phases: string[] = [];
    const { result } = renderHook(
      () => {
        useBroadcast(topic, 'memo', { private: true });
        const snapshot = useChannelStatus(topic, { private: true });
        if (phases.at(-1) !== snapshot.phase) phases.push(snapshot.phase);
        return snapshot;
      },
      { wrapper: wrapper(client) },
    );
    await waitFor(() => expect(result.current.phase).toBe('joined'), { timeout: 10_000 });
    // Tokens expire on whole seconds: this one outlives the first by at least two.
    token = await realtime.server.mintToken({ sub, expiresIn: 8 });
    // First expiry: the callback gives the newer token.
    await waitFor(() => expect(phases.slice(-3)).toEqual(['gap', 'rejoining', 'joined']), {
      timeout: 10_000,
    });
    // Second expiry: the callback keeps handing back that token, expired by now.
    await waitFor(() => expect(result.current.phase).toBe('errored'), { timeout: 12_000 });
    expect(result.current.reason).toMatch(
      /^session refresh failed: .*Token has expired \d+ seconds ago$/,
    );
  }, 30_000);

  it('follows another user when the callback starts handing out their token', async () => {
    const ann = randomUUID();
    const bob = randomUUID();
    let token = await realtime.server.mintToken({ sub: ann });
    const client = thirdPartyClient(async () => token);
    const notes: string[] = [];
    const phases: string[] = [];
    const { result } = renderHook(
      () => {
        usePostgresChanges({
          table: 'notes',
          event: 'INSERT',
          onChange: (change) => notes.push((change.new as { body: string }).body),
        });
        const snapshot = useChannelStatus('db:public.notes:INSERT');
        if (phases.at(-1) !== snapshot.phase) phases.push(snapshot.phase);
        return snapshot;
      },
      { wrapper: wrapper(client) },
    );
    await waitFor(() => expect(result.current.phase).toBe('joined'), { timeout: 10_000 });
    // The provider learns the user from the token realtime-js holds after a heartbeat.
    await client.realtime.sendHeartbeat();
    await sleep(200);
    await insertNote(ann, 'ann 1');
    await waitFor(() => expect(notes).toEqual(['ann 1']));
    token = await realtime.server.mintToken({ sub: bob });
    await client.realtime.sendHeartbeat();
    await waitFor(
      () => expect(phases).toEqual(['idle', 'joining', 'joined', 'rejoining', 'joined']),
      {
        timeout: 10_000,
      },
    );
    await insertNote(ann, 'ann 2');
    await insertNote(bob, 'bob 1');
    await waitFor(() => expect(notes).toEqual(['ann 1', 'bob 1']), { timeout: 10_000 });
  }, 20_000);
});

describe('a new client prop', () => {
  it('moves every channel and hook to the new client and removes the old client’s channels', async () => {
    const first = await realtime.user('first');
    const second = await realtime.user('second');
    const heard: string[] = [];
    let client = first;
    const { result, rerender } = renderHook(
      () => {
        const { send } = useBroadcast<{ text: string }>('swap', 'note', {
          onMessage: (note) => heard.push(note.text),
        });
        return { send, status: useChannelStatus('swap').phase, client: useRealtime().client };
      },
      {
        wrapper: ({ children }) => <RealtimeProvider client={client}>{children}</RealtimeProvider>,
      },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    expect(first.realtime.getChannels().map((channel) => channel.topic)).toEqual(['realtime:swap']);
    client = second;
    rerender();
    expect(result.current.client).toBe(second);
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(second.realtime.getChannels()).toHaveLength(1));
    expect(first.realtime.getChannels()).toEqual([]);
    const other = await realtime.user('other');
    const channel = other.channel('swap');
    await new Promise<void>((resolve) =>
      channel.subscribe((status) => status === 'SUBSCRIBED' && resolve()),
    );
    await channel.send({
      type: 'broadcast',
      event: 'note',
      payload: { text: 'to the new client' },
    });
    await waitFor(() => expect(heard).toEqual(['to the new client']));
  });
});
