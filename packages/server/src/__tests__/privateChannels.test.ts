import { randomUUID } from 'node:crypto';
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../options';
import { startServer, type RoomkitServer } from '../startServer';
import { client, collect, joined, sleep, subscribe, until } from './helpers';

interface Broadcast {
  type: string;
  event: string;
  payload: Record<string, unknown>;
  meta?: { id?: string; replayed?: boolean };
}

interface SystemMessage {
  extension: string;
  status: string;
  message: string;
  channel: string;
}

type PresenceState = Record<string, { presence_ref: string; [key: string]: unknown }[]>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: RoomkitServer;
let db: pg.Client;

// auth.uid() casts the `sub` claim to uuid, so users are UUIDs.
const userA = randomUUID();
const userB = randomUUID();
const userC = randomUUID();

beforeAll(async () => {
  server = await startServer({
    port: 0,
    db: 'embedded',
    ephemeral: true,
    logger: silentLogger,
    // A refused join is answered after 5 s on the real server; tests need no brake.
    limits: { joinErrorDelayMs: 0, connectErrorDelayMs: 0 },
  });
  db = new pg.Client({ connectionString: server.dbUrl ?? '' });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

/** An official client whose channels join as the user `sub` (one channel per client). */
async function signedIn(sub: string): Promise<SupabaseClient> {
  const supabase = client(server);
  await supabase.realtime.setAuth(await server.mintToken({ sub }));
  return supabase;
}

/** Collects a channel's `system` messages and its subscribe statuses. */
function observe(channel: RealtimeChannel): { system: SystemMessage[]; statuses: string[] } {
  const system: SystemMessage[] = [];
  const statuses: string[] = [];
  channel.on('system', {}, (payload: SystemMessage) => system.push(payload));
  channel.subscribe((status) => statuses.push(status));
  return { system, statuses };
}

/** A subscribed private channel that records presence joins, for presence tests. */
async function presenceMember(
  sub: string,
  topic: string,
  key: string,
): Promise<{ channel: RealtimeChannel; joins: string[] }> {
  const channel = (await signedIn(sub)).channel(topic, {
    config: { private: true, presence: { key } },
  });
  const joins: string[] = [];
  channel.on('presence', { event: 'join' }, ({ key: joinedKey, newPresences }) =>
    joins.push(`${joinedKey}:${String(newPresences[0]?.name)}`),
  );
  await joined(channel);
  return { channel, joins };
}

function presenceKeys(channel: RealtimeChannel): string[] {
  return Object.keys(channel.presenceState() as PresenceState).sort();
}

describe('private channels authorized by RLS on realtime.messages', () => {
  it('lets members join and hear each other, and refuses anyone else with the real reason', async () => {
    const topic = `club:${randomUUID()}`;
    await db.query(`
      create table public.club_members (topic text not null, user_id uuid not null);
      create policy "club members read" on realtime.messages for select to authenticated
        using (exists (select 1 from public.club_members m
                        where m.topic = realtime.topic() and m.user_id = auth.uid()));
      create policy "club members write" on realtime.messages for insert to authenticated
        with check (exists (select 1 from public.club_members m
                             where m.topic = realtime.topic() and m.user_id = auth.uid()));
    `);
    await db.query('insert into public.club_members values ($1, $2), ($1, $3)', [
      topic,
      userA,
      userB,
    ]);

    const a = await joined((await signedIn(userA)).channel(topic, { config: { private: true } }));
    const b = (await signedIn(userB)).channel(topic, { config: { private: true } });
    const toB = collect<Broadcast>(b, 'hello');
    await joined(b);
    expect(await a.send({ type: 'broadcast', event: 'hello', payload: { text: 'hi B' } })).toBe(
      'ok',
    );
    await until(() => toB.length === 1, 10_000, 'B to hear A');
    expect(toB).toEqual([{ type: 'broadcast', event: 'hello', payload: { text: 'hi B' } }]);

    const reason = `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`;
    const outsider = await subscribe(
      (await signedIn(userC)).channel(topic, { config: { private: true } }),
    );
    expect(outsider.status).toBe('CHANNEL_ERROR');
    expect(outsider.error?.message).toBe(reason);
    const anon = await subscribe(client(server).channel(topic, { config: { private: true } }));
    expect(anon.status).toBe('CHANNEL_ERROR');
    expect(anon.error?.message).toBe(reason);
  });

  it("silently drops a reader's broadcasts, while a writer's reach everyone", async () => {
    const topic = `bulletin:${randomUUID()}`;
    await db.query(`
      create policy "bulletin read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'bulletin:%');
      create policy "bulletin write" on realtime.messages for insert to authenticated
        with check (realtime.topic() like 'bulletin:%' and auth.uid() = '${userA}'::uuid);
    `);
    const config = { config: { private: true, broadcast: { ack: true } } };
    const writer = await joined((await signedIn(userA)).channel(topic, config));
    const reader = (await signedIn(userB)).channel(topic, config);
    const toReader = collect<Broadcast>(reader, 'post');
    await joined(reader);
    const listener = (await signedIn(userC)).channel(topic, config);
    const toListener = collect<Broadcast>(listener, 'post');
    await joined(listener);

    // No reply at all, even with ack: the client gives up after its timeout.
    expect(
      await reader.send(
        { type: 'broadcast', event: 'post', payload: { from: 'reader' } },
        { timeout: 1000 },
      ),
    ).toBe('timed out');
    expect(toListener).toEqual([]);

    expect(
      await writer.send({ type: 'broadcast', event: 'post', payload: { from: 'writer' } }),
    ).toBe('ok');
    await until(
      () => toListener.length === 1 && toReader.length === 1,
      10_000,
      "the writer's post to reach both",
    );
    await sleep(100);
    expect(toListener.map((message) => message.payload)).toEqual([{ from: 'writer' }]);
    expect(toReader.map((message) => message.payload)).toEqual([{ from: 'writer' }]);
  });

  it('shares presence among members whose policies allow presence, and refuses a track without write', async () => {
    const topic = `lobby:${randomUUID()}`;
    await db.query(`
      create policy "lobby presence read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'lobby:%' and realtime.messages.extension = 'presence');
      create policy "lobby presence write" on realtime.messages for insert to authenticated
        with check (realtime.topic() like 'lobby:%' and realtime.messages.extension = 'presence'
                    and auth.uid() <> '${userC}'::uuid);
    `);
    const a = await presenceMember(userA, topic, 'alice');
    const b = await presenceMember(userB, topic, 'bob');
    const c = await presenceMember(userC, topic, 'carol');

    expect(await a.channel.track({ name: 'alice' })).toBe('ok');
    await until(() => presenceKeys(b.channel).includes('alice'), 10_000, 'B to see A');
    await until(() => presenceKeys(c.channel).includes('alice'), 10_000, 'C to see A');

    // C may read presence but not write it: the track is refused and nobody sees C.
    expect(await c.channel.track({ name: 'carol' })).toBe('error');
    await sleep(150);
    expect(presenceKeys(b.channel)).toEqual(['alice']);

    expect(await a.channel.track({ name: 'alice again' })).toBe('ok');
    await until(() => b.joins.includes('alice:alice again'), 10_000, "B to see A's update");
    expect(presenceKeys(b.channel)).toEqual(['alice']);
    expect(b.joins.some((entry) => entry.startsWith('carol'))).toBe(false);
  });

  it('gives each member only what its read policies allow: broadcast, presence, or both', async () => {
    const topic = `stage:${randomUUID()}`;
    await db.query(`
      create policy "stage broadcast read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'stage:%' and realtime.messages.extension = 'broadcast'
               and auth.uid() in ('${userA}'::uuid, '${userB}'::uuid));
      create policy "stage presence read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'stage:%' and realtime.messages.extension = 'presence'
               and auth.uid() in ('${userA}'::uuid, '${userC}'::uuid));
      create policy "stage write" on realtime.messages for insert to authenticated
        with check (realtime.topic() like 'stage:%' and auth.uid() = '${userA}'::uuid);
    `);
    const a = await presenceMember(userA, topic, 'alice');
    // B may read broadcasts only, C presence only; both join with presence enabled.
    const b = await presenceMember(userB, topic, 'bob');
    const toB = collect<Broadcast>(b.channel, 'cue');
    const c = await presenceMember(userC, topic, 'carol');
    const toC = collect<Broadcast>(c.channel, 'cue');

    expect(await a.channel.track({ name: 'alice' })).toBe('ok');
    await until(() => c.joins.includes('alice:alice'), 10_000, 'C to see A');
    expect(await a.channel.send({ type: 'broadcast', event: 'cue', payload: { n: 1 } })).toBe('ok');
    await until(() => toB.length === 1, 10_000, 'B to hear the cue');
    expect(await a.channel.track({ name: 'alice on stage' })).toBe('ok');
    await until(() => c.joins.includes('alice:alice on stage'), 10_000, "C to see A's update");
    await sleep(150);

    expect(toC).toEqual([]);
    expect(b.joins).toEqual([]);
    expect(b.channel.presenceState()).toEqual({});
  });

  it('delivers realtime.send from SQL to the private channel, and private=false to the public one only', async () => {
    const topic = `notice:${randomUUID()}`;
    await db.query(`
      create policy "notice read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'notice:%');
    `);
    const privateChannel = (await signedIn(userA)).channel(topic, { config: { private: true } });
    const toPrivate = collect<Broadcast>(privateChannel, 'ev');
    await joined(privateChannel);
    const publicChannel = client(server).channel(topic);
    const toPublic = collect<Broadcast>(publicChannel, 'ev');
    await joined(publicChannel);

    await db.query(`select realtime.send('{"a":1}'::jsonb, 'ev', $1, true)`, [topic]);
    await until(() => toPrivate.length === 1, 10_000, 'the private message');
    const id = toPrivate[0]?.meta?.id;
    expect(id).toMatch(UUID);
    expect(toPrivate[0]).toEqual({
      type: 'broadcast',
      event: 'ev',
      payload: { a: 1, id },
      meta: { id },
    });

    await db.query(`select realtime.send('{"b":2}'::jsonb, 'ev', $1, false)`, [topic]);
    await until(() => toPublic.length === 1, 10_000, 'the public message');
    await sleep(150);
    expect(toPublic.map((message) => message.payload)).toEqual([
      { b: 2, id: toPublic[0]?.meta?.id },
    ]);
    expect(toPrivate).toHaveLength(1);

    // The private channel is still listening: its next message arrives, alone.
    await db.query(`select realtime.send('{"c":3}'::jsonb, 'ev', $1)`, [topic]);
    await until(() => toPrivate.length === 2, 10_000, 'the next private message');
    expect(toPrivate.map(({ payload: { id: _id, ...rest } }) => rest)).toEqual([
      { a: 1 },
      { c: 3 },
    ]);
    expect(toPublic).toHaveLength(1);
  });

  it('turns a trigger calling realtime.broadcast_changes into {operation, table, schema, record, old_record}', async () => {
    await db.query(`
      create policy "ticket read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'ticket:%');
      create table public.tickets (id uuid primary key, title text not null);
      create function public.tickets_broadcast() returns trigger language plpgsql as $$
      begin
        perform realtime.broadcast_changes('ticket:' || coalesce(NEW.id, OLD.id)::text,
          TG_OP, TG_OP, TG_TABLE_NAME, TG_TABLE_SCHEMA, NEW, OLD);
        return null;
      end $$;
      create trigger tickets_broadcast after insert or update or delete on public.tickets
        for each row execute function public.tickets_broadcast();
    `);
    const id = randomUUID();
    const channel = (await signedIn(userA)).channel(`ticket:${id}`, { config: { private: true } });
    const received = collect<Broadcast>(channel, '*');
    await joined(channel);

    await db.query(`insert into public.tickets values ($1, 'printer jam')`, [id]);
    await db.query(`update public.tickets set title = 'printer fixed' where id = $1`, [id]);
    await db.query('delete from public.tickets where id = $1', [id]);
    await until(() => received.length === 3, 10_000, 'three row broadcasts');

    const payloads = received.map(({ event, payload, meta }) => {
      expect(payload.id).toBe(meta?.id);
      const { id: _messageId, ...rest } = payload;
      return { event, ...rest };
    });
    const table = { table: 'tickets', schema: 'public' };
    expect(payloads).toEqual([
      {
        event: 'INSERT',
        operation: 'INSERT',
        ...table,
        record: { id, title: 'printer jam' },
        old_record: null,
      },
      {
        event: 'UPDATE',
        operation: 'UPDATE',
        ...table,
        record: { id, title: 'printer fixed' },
        old_record: { id, title: 'printer jam' },
      },
      {
        event: 'DELETE',
        operation: 'DELETE',
        ...table,
        record: null,
        old_record: { id, title: 'printer fixed' },
      },
    ]);
  });

  it('replays stored messages oldest first to a late joiner, without live duplicates', async () => {
    const topic = `history:${randomUUID()}`;
    await db.query(`
      create policy "history read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'history:%');
      create table public.gate_lock (id int primary key);
      insert into public.gate_lock values (1);
      create table public.gate (id int primary key);
      alter table public.gate enable row level security;
      grant select on public.gate, public.gate_lock to authenticated;
      create policy "gate read" on public.gate for select to authenticated
        using (exists (select 1 from public.gate_lock));
      alter publication supabase_realtime add table public.gate;
    `);
    // Changes reach clients in commit order, each after its row-level-security check. A change
    // to `gate` whose check waits on a lock the test holds therefore holds back the live copies
    // of every message stored after it, until the test lets go: the late joiner replays those
    // messages first, and their live copies arrive after it joined, every time.
    const watcher = (await signedIn(userC))
      .channel(`gate:${randomUUID()}`)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'gate' }, () => {});
    const watching = new Promise<void>((resolve) =>
      watcher.on('system', {}, (message: SystemMessage) => {
        if (message.message === 'Subscribed to PostgreSQL') resolve();
      }),
    );
    await joined(watcher);
    await watching;
    const early = (await signedIn(userA)).channel(topic, { config: { private: true } });
    const toEarly = collect<Broadcast>(early, 'note');
    await joined(early);
    const since = Date.now() - 1000;

    const gate = new pg.Client({ connectionString: server.dbUrl ?? '' });
    await gate.connect();
    try {
      await gate.query('begin');
      await gate.query('lock table public.gate_lock in access exclusive mode');
      await db.query('insert into public.gate values (1)');
      for (const n of [1, 2, 3]) {
        await db.query(`select realtime.send(jsonb_build_object('n', $1::int), 'note', $2, true)`, [
          n,
          topic,
        ]);
      }
      const late = (await signedIn(userB)).channel(topic, {
        config: { private: true, broadcast: { replay: { since, limit: 10 } } },
      });
      const toLate = collect<Broadcast>(late, 'note');
      await joined(late);
      await until(() => toLate.length === 3, 10_000, 'the replayed messages');
      expect(toEarly).toHaveLength(0);
      await gate.query('commit');

      await until(() => toEarly.length === 3, 10_000, 'the live copies');
      await db.query(`select realtime.send('{"n":4}'::jsonb, 'note', $1, true)`, [topic]);
      await until(() => toEarly.length === 4 && toLate.length >= 4, 10_000, 'the fourth message');
      // The live copies of 1–3 reached the late joiner's socket before the fourth message did.
      expect(toLate.map(({ payload, meta }) => [payload.n, meta?.replayed === true])).toEqual([
        [1, true],
        [2, true],
        [3, true],
        [4, false],
      ]);
      expect(toLate.map(({ meta }) => meta?.id)).toEqual(toEarly.map(({ meta }) => meta?.id));
      expect(toLate[0]?.meta).toEqual({ replayed: true, id: toLate[0]?.payload.id });
    } finally {
      await gate.query('rollback').catch(() => undefined);
      await gate.end();
    }
  });

  it('refuses replay on a public channel', async () => {
    const topic = `history:${randomUUID()}`;
    const replay = { since: Date.now() - 1000, limit: 10 };
    // The official client refuses it before sending anything...
    expect(() => client(server).channel(topic, { config: { broadcast: { replay } } })).toThrow(
      /must be a private channel/,
    );
    // ...and the server refuses a client that asks anyway.
    const socket = new WebSocket(
      `${server.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${server.anonKey}&vsn=2.0.0`,
    );
    const frames: unknown[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as unknown));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(
      JSON.stringify([
        '1',
        '1',
        `realtime:${topic}`,
        'phx_join',
        { config: { private: false, broadcast: { replay } } },
      ]),
    );
    await until(() => frames.length === 1, 10_000, 'the join reply');
    socket.close();
    expect(frames[0]).toEqual([
      '1',
      '1',
      `realtime:${topic}`,
      'phx_reply',
      {
        status: 'error',
        response: { reason: 'UnableToReplayMessages: Replay is not allowed for public channels' },
      },
    ]);
  });

  it('closes the channel when a new access_token may read nothing of the topic', async () => {
    const topic = `vault:${userA}`;
    await db.query(`
      create policy "vault owner reads" on realtime.messages for select to authenticated
        using (realtime.topic() = 'vault:' || auth.uid()::text);
    `);
    const supabase = await signedIn(userA);
    const channel = supabase.channel(topic, { config: { private: true } });
    const { system, statuses } = observe(channel);
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'A to join its vault');

    await supabase.realtime.setAuth(await server.mintToken({ sub: userB }));
    await until(() => statuses.includes('CLOSED'), 10_000, 'the channel to close');
    // Neither read is left, so the join-time check fails first, with its own text
    // (realtime_channel.ex handle_in "access_token" -> maybe_assign_policies).
    expect(system).toContainEqual({
      extension: 'system',
      status: 'error',
      message: `You do not have permissions to read from this Channel topic: ${topic}`,
      channel: topic,
    });
  });

  it('closes the channel with "no longer have permission" when a new token loses one of its reads', async () => {
    const topic = `studio:${randomUUID()}`;
    await db.query(`
      create policy "studio broadcast read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'studio:%' and realtime.messages.extension = 'broadcast');
      create policy "studio presence read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'studio:%' and realtime.messages.extension = 'presence'
               and auth.uid() = '${userA}'::uuid);
    `);
    const supabase = await signedIn(userA);
    const channel = supabase.channel(topic, { config: { private: true, presence: { key: 'a' } } });
    channel.on('presence', { event: 'sync' }, () => {});
    const { system, statuses } = observe(channel);
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'A to join with presence');

    // B may still read broadcasts but not presence: a read A had is revoked.
    await supabase.realtime.setAuth(await server.mintToken({ sub: userB }));
    await until(() => statuses.includes('CLOSED'), 10_000, 'the channel to close');
    expect(system).toContainEqual({
      extension: 'system',
      status: 'error',
      message: `You no longer have permission to read from this Channel topic: ${topic}`,
      channel: topic,
    });
  });

  it('delivers a private REST batch message only when the caller passes the INSERT policy', async () => {
    const topic = `desk:${randomUUID()}`;
    await db.query(`
      create policy "desk read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'desk:%');
      create policy "desk write" on realtime.messages for insert to authenticated
        with check (realtime.topic() like 'desk:%' and auth.uid() = '${userA}'::uuid);
    `);
    const channel = (await signedIn(userB)).channel(topic, { config: { private: true } });
    const toB = collect<Broadcast>(channel, 'memo');
    await joined(channel);
    const post = async (from: string, token?: string) => {
      const response = await fetch(`${server.url}/realtime/v1/api/broadcast`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          apikey: server.anonKey,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({
          messages: [{ topic, event: 'memo', payload: { from }, private: true }],
        }),
      });
      return response.status;
    };

    // Refused messages are dropped silently: the batch still answers 202.
    expect(await post('reader', await server.mintToken({ sub: userB }))).toBe(202);
    expect(await post('anon')).toBe(202);
    await sleep(150);
    expect(toB).toEqual([]);

    expect(await post('writer', await server.mintToken({ sub: userA }))).toBe(202);
    await until(() => toB.length === 1, 10_000, "the writer's memo");
    expect(toB).toEqual([{ type: 'broadcast', event: 'memo', payload: { from: 'writer' } }]);
  });
});
