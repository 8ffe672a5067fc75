import { randomUUID } from 'node:crypto';
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoomkitServer } from '../startServer';
import {
  VERSIONS,
  client,
  collect,
  databaseServer,
  failOnProcessErrors,
  joined,
  testServer,
  until,
  type Vsn,
} from './helpers';

failOnProcessErrors();

interface Broadcast {
  type: string;
  event: string;
  payload: unknown;
  meta?: { id?: string; replayed?: boolean };
}

interface SystemMessage {
  extension: string;
  status: string;
  message: string;
  channel: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const shared = databaseServer();
let server: RoomkitServer;
let db: pg.Client;

beforeAll(async () => {
  ({ server, db } = shared);
  await db.query(`
    create policy "archive read" on realtime.messages for select to authenticated
      using (realtime.topic() like 'archive:%');
  `);
});

/** A channel that records its `system` messages and subscribe statuses. */
function observed(channel: RealtimeChannel): { system: SystemMessage[]; statuses: string[] } {
  const system: SystemMessage[] = [];
  const statuses: string[] = [];
  channel.on('system', {}, (payload: SystemMessage) => system.push(payload));
  channel.subscribe((status) => statuses.push(status));
  return { system, statuses };
}

function bytesOf(payload: unknown): number[] {
  expect(payload).toBeInstanceOf(ArrayBuffer);
  return [...new Uint8Array(payload as ArrayBuffer)];
}

describe.each(VERSIONS)('broadcast.replication_ready on vsn %s', (vsn: Vsn) => {
  it('sends "Replication connection established" once, after the join', async () => {
    const topic = `ready-${randomUUID()}`;
    const channel = client(server, { vsn }).channel(topic, {
      config: { broadcast: { replication_ready: true } },
    });
    const { system, statuses } = observed(channel);
    await until(() => system.length > 0, 10_000, 'the system message');
    expect(statuses).toEqual(['SUBSCRIBED']);
    expect(system).toEqual([
      {
        extension: 'system',
        status: 'ok',
        message: 'Replication connection established',
        channel: topic,
      },
    ]);
    // Broadcasts from the database do reach it now.
    const received = collect<Broadcast>(channel, 'after-ready');
    await db.query(`select realtime.send('{"n":1}'::jsonb, 'after-ready', $1, false)`, [topic]);
    await until(() => received.length === 1, 10_000, 'the broadcast from the database');
    expect(system).toHaveLength(1);
  });

  it('sends no system message without the option', async () => {
    const topic = `plain-${randomUUID()}`;
    const channel = client(server, { vsn }).channel(topic, {
      config: { broadcast: { self: true } },
    });
    const { system, statuses } = observed(channel);
    const received = collect<Broadcast>(channel, 'echo');
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'the join');
    // The server handles pushes in order, so a broadcast's echo comes after any system message.
    await channel.send({ type: 'broadcast', event: 'echo', payload: {} });
    await until(() => received.length === 1, 10_000, 'the echo');
    expect(system).toEqual([]);
  });
});

describe('broadcast.replication_ready without a database', () => {
  it('closes the channel with "Replication connection was not established in time"', async () => {
    const local = await testServer();
    const channel = client(local).channel('nowhere', {
      config: { broadcast: { replication_ready: true } },
    });
    const { system, statuses } = observed(channel);
    await until(() => statuses.includes('CLOSED'), 10_000, 'the channel to close');
    expect(system).toEqual([
      {
        extension: 'system',
        status: 'error',
        message: 'Replication connection was not established in time',
        channel: 'nowhere',
      },
    ]);
  });
});

describe('realtime.send_binary', () => {
  /** A joined public channel on each protocol version, recording one event. */
  async function members(topic: string, event: string) {
    const channels: Record<Vsn, { client: SupabaseClient; received: Broadcast[] }> = {
      '1.0.0': { client: client(server, { vsn: '1.0.0' }), received: [] },
      '2.0.0': { client: client(server, { vsn: '2.0.0' }), received: [] },
    };
    for (const vsn of VERSIONS) {
      const channel = channels[vsn].client.channel(topic);
      channels[vsn].received = collect<Broadcast>(channel, event);
      await joined(channel);
    }
    return { v1: channels['1.0.0'].received, v2: channels['2.0.0'].received };
  }

  it('stores the bytes in binary_payload and reaches vsn 2.0.0 clients as a binary broadcast', async () => {
    const topic = `bytes-${randomUUID()}`;
    const { v2 } = await members(topic, 'blob');
    await db.query(`select realtime.send_binary('\\xdeadbeef'::bytea, 'blob', $1, false)`, [topic]);
    await until(() => v2.length === 1, 10_000, 'the binary broadcast');
    const [message] = v2;
    expect(message?.type).toBe('broadcast');
    expect(message?.event).toBe('blob');
    expect(bytesOf(message?.payload)).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(message?.meta?.id).toMatch(UUID);
    const { rows } = await db.query<{ payload: unknown; binary_payload: Buffer }>(
      'select payload, binary_payload from realtime.messages where id = $1',
      [message?.meta?.id],
    );
    expect(rows).toEqual([
      { payload: null, binary_payload: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
    ]);
  });

  it('reaches no vsn 1.0.0 client, as on the real server, while JSON messages still do', async () => {
    const topic = `mixed-${randomUUID()}`;
    const { v1, v2 } = await members(topic, '*');
    await db.query(`select realtime.send_binary('\\x0102'::bytea, 'bin', $1, false)`, [topic]);
    await db.query(`select realtime.send('{"n":1}'::jsonb, 'json', $1, false)`, [topic]);
    await until(() => v2.length === 2, 10_000, 'both messages on vsn 2.0.0');
    await until(() => v1.length === 1, 10_000, 'the JSON message on vsn 1.0.0');
    expect(v2.map((message) => message.event)).toEqual(['bin', 'json']);
    expect(v1.map((message) => message.event)).toEqual(['json']);
  });

  it('refuses a row with both a JSON and a binary payload', async () => {
    await expect(
      db.query(
        `insert into realtime.messages (topic, extension, payload, binary_payload)
         values ('both', 'broadcast', '{}', '\\x00')`,
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it.each(VERSIONS)(
    'replays binary messages to vsn 2.0.0 and leaves them out for vsn 1.0.0 (%s)',
    async (vsn) => {
      const topic = `archive:${randomUUID()}`;
      const since = Date.now() - 60_000;
      await db.query(`select realtime.send_binary('\\x0a0b'::bytea, 'bin', $1, true)`, [topic]);
      await db.query(`select realtime.send('{"n":2}'::jsonb, 'json', $1, true)`, [topic]);
      const supabase = client(server, { vsn });
      await supabase.realtime.setAuth(await server.mintToken({ sub: randomUUID() }));
      const channel = supabase.channel(topic, {
        config: { private: true, broadcast: { replay: { since } } },
      });
      const received = collect<Broadcast>(channel, '*');
      await joined(channel);
      const expected = vsn === '2.0.0' ? ['bin', 'json'] : ['json'];
      await until(() => received.length === expected.length, 10_000, 'the replayed messages');
      expect(received.map((message) => message.event)).toEqual(expected);
      for (const message of received) expect(message.meta).toMatchObject({ replayed: true });
      if (vsn === '2.0.0') expect(bytesOf(received[0]?.payload)).toEqual([0x0a, 0x0b]);
    },
  );
});

describe('a broadcast from the database', () => {
  it('reaches clients only once other sessions can see its transaction', async () => {
    const topic = `visible-${randomUUID()}`;
    await db.query('create table if not exists public.visible_notes (id text primary key)');
    const channel = client(server).channel(topic);
    const seen: boolean[] = [];
    const reader = new pg.Client({ connectionString: server.dbUrl ?? '' });
    await reader.connect();
    // What a client does on hearing of a stored row: it reads the row at once.
    channel.on('broadcast', { event: 'stored' }, () => {
      void reader
        .query('select exists(select 1 from public.visible_notes) as found')
        .then(({ rows }) => seen.push(rows[0]?.found === true));
    });
    await joined(channel);
    // A synchronous standby that never answers holds the commit: written, streamed to
    // replication, and not yet visible to other sessions, which is the moment a loaded
    // machine can stretch.
    await db.query(`alter system set synchronous_standby_names = 'roomkit_absent_standby'`);
    await db.query('select pg_reload_conf()');
    const writer = new pg.Client({ connectionString: server.dbUrl ?? '' });
    await writer.connect();
    try {
      const held = writer.query(
        `begin; insert into public.visible_notes values ('one');
         select realtime.send('{}'::jsonb, 'stored', $$${topic}$$, false); commit;`,
      );
      const waiting = async () =>
        (
          await db.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where wait_event = 'SyncRep'`,
          )
        ).rows[0]?.n === 1;
      const started = Date.now();
      while (!(await waiting())) {
        if (Date.now() - started > 5000) throw new Error('the commit was not held');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Long enough for a broadcast sent at the stream's commit to arrive and be read back.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await db.query('alter system reset synchronous_standby_names');
      await db.query('select pg_reload_conf()');
      await held;
      await until(() => seen.length === 1, 10_000, 'the broadcast read back');
      expect(seen).toEqual([true]);
    } finally {
      await db.query('alter system reset synchronous_standby_names');
      await db.query('select pg_reload_conf()');
      await writer.end();
      await reader.end();
    }
  });
});
