import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
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
  sleep,
  subscribe,
  until,
  type Vsn,
} from './helpers';
import {
  LOBBY,
  RawClient,
  broadcastPush,
  droppedReasons,
  expectRoomUndisturbed,
  scene,
  type Scene,
} from './rawClient';

failOnProcessErrors();

/** `{"x":[[[…]]]}` with `depth` arrays, as text: `JSON.stringify` itself could not write it. */
function deepJson(depth: number): string {
  return `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

/** A text push whose payload is given as JSON text, in the socket's protocol version. */
function rawPush(
  vsn: Vsn,
  joinRef: string,
  ref: string,
  event: string,
  payloadText: string,
): string {
  const j = JSON.stringify(joinRef);
  const r = JSON.stringify(ref);
  const t = JSON.stringify(LOBBY);
  const e = JSON.stringify(event);
  return vsn === '2.0.0'
    ? `[${j},${r},${t},${e},${payloadText}]`
    : `{"topic":${t},"event":${e},"payload":${payloadText},"ref":${r},"join_ref":${j}}`;
}

/** A vsn 2.0.0 binary broadcast push (kind 3) with raw bytes for its event and payload. */
function binaryPush(options: {
  joinRef: string;
  event: Buffer;
  payload: Buffer;
  encoding: 0 | 1;
}): Buffer {
  const joinRef = Buffer.from(options.joinRef);
  const ref = Buffer.from('90');
  const topic = Buffer.from(LOBBY);
  const header = Buffer.from([
    3,
    joinRef.length,
    ref.length,
    topic.length,
    options.event.length,
    0,
    options.encoding,
  ]);
  return Buffer.concat([header, joinRef, ref, topic, options.event, options.payload]);
}

/** A receiver of the other protocol version, joined to the lobby of a scene. */
async function otherVersionReceiver(s: Scene): Promise<RawClient> {
  const other = await RawClient.open(s.server, s.a.vsn === '2.0.0' ? '1.0.0' : '2.0.0');
  await other.join(LOBBY);
  return other;
}

describe.each(VERSIONS)('deeply nested payloads on vsn %s', (vsn) => {
  it.each([6_000, 100_000])(
    'drops a broadcast nested %i levels deep, logs why, and keeps the socket and the room',
    async (depth) => {
      const s = await scene(vsn);
      const other = await otherVersionReceiver(s);
      const mark = s.a.received.length;
      s.a.sendText(
        rawPush(
          vsn,
          s.aJoinRef,
          '90',
          'broadcast',
          `{"type":"broadcast","event":"deep","payload":${deepJson(depth)}}`,
        ),
      );
      const beat = await s.a.heartbeat();
      expect(s.a.received.slice(mark)).toEqual([beat]);
      expect(droppedReasons(s.logger)).toEqual([expect.stringMatching(/deeper than 1000 levels/)]);
      await expectRoomUndisturbed(s);
      await until(
        () => other.broadcasts().length === 1,
        10_000,
        'the other version to get the probe',
      );
    },
  );

  it.each([6_000, 100_000])(
    'drops a presence track nested %i levels deep, logs why, and keeps the socket and the room',
    async (depth) => {
      const s = await scene(vsn, { aConfig: { presence: { enabled: true } } });
      const mark = s.a.received.length;
      s.a.sendText(
        rawPush(
          vsn,
          s.aJoinRef,
          '90',
          'presence',
          `{"type":"presence","event":"track","payload":${deepJson(depth)}}`,
        ),
      );
      const beat = await s.a.heartbeat();
      expect(s.a.received.slice(mark)).toEqual([beat]);
      expect(droppedReasons(s.logger)).toEqual([expect.stringMatching(/deeper than 1000 levels/)]);
      await expectRoomUndisturbed(s);
      // A can still track a normal payload.
      const ref = s.a.send(s.aJoinRef, LOBBY, 'presence', {
        type: 'presence',
        event: 'track',
        payload: { name: 'a' },
      });
      expect((await s.a.reply(ref)).payload).toEqual({ status: 'ok', response: {} });
    },
  );

  it('delivers a broadcast nested just inside the limit (1,000 levels in the frame)', async () => {
    const s = await scene(vsn);
    // The frame itself, the broadcast object and the payload object are three of the levels.
    const inner = 997;
    const payload = `{"x":${'['.repeat(inner)}${']'.repeat(inner)}}`;
    s.a.sendText(
      rawPush(
        vsn,
        s.aJoinRef,
        '90',
        'broadcast',
        `{"type":"broadcast","event":"deep","payload":${payload}}`,
      ),
    );
    await until(() => s.b.broadcasts().length === 1, 10_000, 'B to receive the nested broadcast');
    expect(droppedReasons(s.logger)).toEqual([]);
  });
});

describe('deeply nested binary payloads on vsn 2.0.0', () => {
  it.each([6_000, 100_000])(
    'drops a JSON binary push nested %i levels deep while vsn 1.0.0 members are in the room',
    async (depth) => {
      const s = await scene('2.0.0');
      const v1 = await otherVersionReceiver(s);
      const mark = s.a.received.length;
      s.a.sendBinary(
        binaryPush({
          joinRef: s.aJoinRef,
          event: Buffer.from('deep'),
          payload: Buffer.from(deepJson(depth)),
          encoding: 1,
        }),
      );
      const beat = await s.a.heartbeat();
      expect(s.a.received.slice(mark)).toEqual([beat]);
      expect(droppedReasons(s.logger)).toEqual([expect.stringMatching(/deeper than 1000 levels/)]);
      await expectRoomUndisturbed(s);
      await until(
        () => v1.broadcasts().length === 1,
        10_000,
        'the vsn 1.0.0 member to get the probe',
      );
      expect(v1.broadcasts()).toHaveLength(1);
    },
  );
});

describe('binary broadcast names that are not UTF-8 on vsn 2.0.0', () => {
  it('drops a push whose event is 100 bytes of 0xFF and keeps every member of both versions', async () => {
    const s = await scene('2.0.0');
    const v1 = await otherVersionReceiver(s);
    const mark = s.a.received.length;
    s.a.sendBinary(
      binaryPush({
        joinRef: s.aJoinRef,
        event: Buffer.alloc(100, 0xff),
        payload: Buffer.from('{"n":1}'),
        encoding: 1,
      }),
    );
    const beat = await s.a.heartbeat();
    expect(s.a.received.slice(mark)).toEqual([beat]);
    expect(droppedReasons(s.logger)).toEqual([expect.stringMatching(/event is not valid UTF-8/)]);
    await expectRoomUndisturbed(s);
    await until(
      () => v1.broadcasts().length === 1,
      10_000,
      'the vsn 1.0.0 member to get the probe',
    );
  });

  it('delivers a push whose event is 85 three-byte characters (255 bytes) to both versions', async () => {
    const s = await scene('2.0.0');
    const v1 = await otherVersionReceiver(s);
    const event = '€'.repeat(85);
    s.a.sendBinary(
      broadcastPush({ joinRef: s.aJoinRef, ref: '90', topic: LOBBY, event, payload: { n: 1 } }),
    );
    await until(() => s.b.broadcasts().length === 1, 10_000, 'B to receive it');
    await until(() => v1.broadcasts().length === 1, 10_000, 'the vsn 1.0.0 member to receive it');
    expect(s.b.broadcasts()).toEqual([{ type: 'broadcast', event, payload: { n: 1 } }]);
    expect(v1.broadcasts()).toEqual([{ type: 'broadcast', event, payload: { n: 1 } }]);
  });
});

describe('REST single-event endpoint with long names', () => {
  const post = (s: Scene, event: string, contentType: string, body: string) =>
    fetch(`${s.server.url}/realtime/v1/api/broadcast/lobby/events/${encodeURIComponent(event)}`, {
      method: 'POST',
      headers: { apikey: s.server.anonKey, 'content-type': contentType },
      body,
    });

  it.each(['application/json', 'application/octet-stream'])(
    'answers a 300-character event with 422 and delivers nothing (%s)',
    async (contentType) => {
      const s = await scene('2.0.0');
      const v1 = await otherVersionReceiver(s);
      const response = await post(s, 'e'.repeat(300), contentType, '{"n":1}');
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({
        errors: { event: ['should be at most 255 byte(s)'] },
      });
      await expectRoomUndisturbed(s);
      await until(
        () => v1.broadcasts().length === 1,
        10_000,
        'the vsn 1.0.0 member to get the probe',
      );
      expect(v1.broadcasts()).toHaveLength(1);
    },
  );

  it('delivers a 255-byte event to both versions', async () => {
    const s = await scene('2.0.0');
    const v1 = await otherVersionReceiver(s);
    const event = 'e'.repeat(255);
    const response = await post(s, event, 'application/json', '{"n":1}');
    expect(response.status).toBe(202);
    await until(() => s.b.broadcasts().length === 1, 10_000, 'B to receive it');
    await until(() => v1.broadcasts().length === 1, 10_000, 'the vsn 1.0.0 member to receive it');
    expect(s.b.broadcasts()).toEqual([{ type: 'broadcast', event, payload: { n: 1 } }]);
    expect(v1.broadcasts()).toEqual([{ type: 'broadcast', event, payload: { n: 1 } }]);
  });

  it('answers a path that is not percent-encoded UTF-8 with 400', async () => {
    const s = await scene('2.0.0');
    const response = await fetch(
      `${s.server.url}/realtime/v1/api/broadcast/lobby/events/%E0%A4%A`,
      {
        method: 'POST',
        headers: { apikey: s.server.anonKey, 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(response.status).toBe(400);
    await expectRoomUndisturbed(s);
  });

  it.each([6_000, 100_000])(
    'answers a JSON body nested %i levels deep with 400, on both REST endpoints',
    async (depth) => {
      const s = await scene('1.0.0');
      const single = await post(s, 'deep', 'application/json', deepJson(depth));
      expect(single.status).toBe(400);
      expect(await single.json()).toEqual({
        message: 'Request body nests deeper than 1000 levels',
      });
      const batch = await fetch(`${s.server.url}/realtime/v1/api/broadcast`, {
        method: 'POST',
        headers: { apikey: s.server.anonKey, 'content-type': 'application/json' },
        body: `{"messages":[{"topic":"lobby","event":"deep","payload":${deepJson(depth)}}]}`,
      });
      expect(batch.status).toBe(400);
      await expectRoomUndisturbed(s);
    },
  );
});

describe.each(VERSIONS)('one socket flooding unknown pushes on vsn %s', (vsn) => {
  it("never closes other users' channels", async () => {
    // A one-second window sampled every 100 ms, so the project rate would trip at once.
    const s = await scene(vsn, {
      limits: { maxEventsPerSecond: 100, eventsTickMs: 100, eventsBuckets: 10 },
    });
    for (let index = 0; index < 7000; index++) s.a.send(s.aJoinRef, LOBBY, 'shout', { index });
    await s.a.heartbeat();
    // Let the rate counter close a few buckets over the flood.
    await sleep(400);
    await expectRoomUndisturbed(s);
    const events = () => s.b.received.map((message) => message.event);
    expect(events()).not.toContain('system');
    expect(events()).not.toContain('phx_close');
    // B is still in the room for the next message too.
    await expectRoomUndisturbed(s, s.b.broadcasts());
  });
});

describe('access_token on a private channel whose policy re-check fails', () => {
  const shared = databaseServer();
  let server: RoomkitServer;
  let db: pg.Client;
  const userA = randomUUID();

  beforeAll(async () => {
    ({ server, db } = shared);
    // auth.uid() casts `sub` to uuid, so a token for "user-a" makes this policy raise.
    // The second policy ends its own database session when the token asks it to, as a
    // database restart in the middle of the check would.
    await db.query(`
      create policy "ledger read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'ledger:%' and auth.uid() is not null);
      create or replace function public.end_my_session() returns boolean
        language plpgsql security definer as $fn$
      begin
        if auth.jwt() ->> 'end_session' = 'yes' then
          perform pg_terminate_backend(pg_backend_pid());
        end if;
        return true;
      end
      $fn$;
      create policy "fragile read" on realtime.messages for select to authenticated
        using (realtime.topic() like 'fragile:%' and public.end_my_session());
    `);
  });

  /** A private channel joined as user A, with its system messages and statuses recorded. */
  async function joinedPrivately(topic: string) {
    const supabase = client(server);
    await supabase.realtime.setAuth(await server.mintToken({ sub: userA }));
    const channel = supabase.channel(topic, { config: { private: true } });
    const system: Record<string, unknown>[] = [];
    const statuses: string[] = [];
    channel.on('system', {}, (payload: Record<string, unknown>) => system.push(payload));
    channel.subscribe((status) => statuses.push(status));
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'the private join');
    return { supabase, system, statuses };
  }

  /** Two public clients: proof that the server still serves everyone else. */
  async function expectServerServing(): Promise<void> {
    const receiver = client(server).channel('bystanders');
    const received = collect(receiver, 'ping');
    await joined(receiver);
    const sender = await joined(client(server).channel('bystanders'));
    await sender.send({ type: 'broadcast', event: 'ping', payload: {} });
    await until(() => received.length === 1, 10_000, 'a bystander broadcast');
  }

  it("closes the channel with the real server's system message when the policy raises", async () => {
    const topic = `ledger:${randomUUID()}`;
    const { supabase, system, statuses } = await joinedPrivately(topic);
    await supabase.realtime.setAuth(await server.mintToken({ sub: 'user-a' }));
    await until(() => statuses.includes('CLOSED'), 10_000, 'the channel to close');
    expect(system).toContainEqual({
      extension: 'system',
      status: 'error',
      message: `You do not have permissions to read from this Channel topic: ${topic}`,
      channel: topic,
    });
    await expectServerServing();
  });

  it('refuses a join whose policy raises as Unauthorized, like the real server', async () => {
    const supabase = client(server);
    await supabase.realtime.setAuth(await server.mintToken({ sub: 'user-a' }));
    const topic = `ledger:${randomUUID()}`;
    const { status, error } = await subscribe(
      supabase.channel(topic, { config: { private: true } }),
    );
    expect(status).toBe('CHANNEL_ERROR');
    expect(error?.message).toBe(
      `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`,
    );
    await expectServerServing();
  });

  it('closes the channel with "unable to connect" when the database session ends during the check', async () => {
    const topic = `fragile:${randomUUID()}`;
    const { supabase, system, statuses } = await joinedPrivately(topic);
    await supabase.realtime.setAuth(
      await server.mintToken({ sub: userA, claims: { end_session: 'yes' } }),
    );
    await until(() => statuses.includes('CLOSED'), 10_000, 'the channel to close');
    expect(system).toContainEqual({
      extension: 'system',
      status: 'error',
      message: 'Realtime was unable to connect to the project database',
      channel: topic,
    });
    await expectServerServing();
    // The broken database connection was not pooled again: the next private join works.
    await joinedPrivately(`fragile:${randomUUID()}`);
  });

  it('drops a broadcast from the database nested too deep to send, and still delivers the rest of its transaction', async () => {
    const feed = client(server).channel('feed');
    const received = collect<{ event: string }>(feed, '*');
    await joined(feed);
    const deep = `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    await db.query('begin');
    await db.query("select realtime.send($1::jsonb, 'deep', 'feed', false)", [deep]);
    await db.query(`select realtime.send('{"n":1}'::jsonb, 'shallow', 'feed', false)`);
    await db.query('commit');
    await until(() => received.length === 1, 10_000, 'the shallow message');
    expect(received.map((message) => message.event)).toEqual(['shallow']);
    await expectServerServing();
  });
});

describe('a client that resets its connection during a refused handshake', () => {
  it('is logged and forgotten, and the server keeps serving', async () => {
    const s = await scene('2.0.0', { limits: { connectErrorDelayMs: 200 } });
    const { port } = new URL(s.server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      [
        'GET /realtime/v1/websocket?vsn=2.0.0&apikey=garbage HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        '',
        '',
      ].join('\r\n'),
    );
    await until(
      () => s.logger.lines.some((line) => line.startsWith('connection refused')),
      10_000,
      'the refusal to start',
    );
    // A reset (RST), not a polite close, while the server still waits to answer.
    socket.resetAndDestroy();
    await sleep(400);
    await expectRoomUndisturbed(s);
  });
});
