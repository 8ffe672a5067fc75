import { randomUUID } from 'node:crypto';
import { createClient, type RealtimeChannel } from '@supabase/supabase-js';
import fc from 'fast-check';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/jwt';
import type { RoomkitServer } from '../startServer';
import { collect, databaseServer, failOnProcessErrors, joined, until } from './helpers';
import { RawClient, socketUrl } from './rawClient';

/*
 * A bounded, seeded property-based fuzzer: random and mutated input at every door of the server,
 * while a healthy client joined before keeps receiving. The seed is random unless FUZZ_SEED fixes
 * it; a failure prints it (and fast-check's counterexample) so the run can be replayed exactly:
 *   FUZZ_SEED=123 npx vitest run --project server packages/server/src/__tests__/fuzz.test.ts
 * FUZZ_RUNS scales the number of runs per property (default 1).
 */

failOnProcessErrors();

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const MB = 1024 * 1024;

// The project-wide message rate would close the healthy channels under a flood of fuzz
// broadcasts, which is the real server's documented behaviour, not a failure.
const shared = databaseServer({ maxEventsPerSecond: 1_000_000 });
let server: RoomkitServer;
let db: pg.Client;
let tokens: string[] = [];
let receiver: { channel: RealtimeChannel; received: { payload: { n: number } }[] };
let sender: RealtimeChannel;
let v1Receiver: RawClient;
let probes = 0;
let rssBefore = 0;

beforeAll(async () => {
  ({ server, db } = shared);
  await db.query(`
    create table fuzz_items (id bigint generated always as identity primary key, body text,
      n int, tags text[], meta jsonb);
    alter publication supabase_realtime add table fuzz_items;
    create policy "fuzz read" on realtime.messages for select to authenticated
      using (realtime.topic() like 'fuzz%' and auth.uid() is not null);
  `);
  tokens = [
    server.anonKey,
    server.serviceRoleKey,
    await server.mintToken({ sub: randomUUID() }),
    await server.mintToken({ sub: 'not-a-uuid' }),
    await server.mintToken({ sub: randomUUID(), expiresIn: -10 }),
    await mintToken({ secret: 'another-secret-that-is-at-least-32-characters' }),
    'sb_publishable_fuzz',
    'not.a.jwt',
  ];
  // Clients of their own, not the per-test helpers: they must outlive every test of the file.
  const healthyClient = () =>
    createClient(server.url, server.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as never },
    });
  const channel = healthyClient().channel('healthy');
  receiver = { channel, received: collect(channel, 'probe') };
  await joined(channel);
  sender = await joined(healthyClient().channel('healthy'));
  v1Receiver = await RawClient.open(server, '1.0.0');
  await v1Receiver.join('realtime:healthy');
  rssBefore = process.memoryUsage().rss;
}, 60_000);

afterAll(async () => {
  await receiver?.channel.unsubscribe();
  await sender?.unsubscribe();
});

/** The invariants after every run: the server answers, and the healthy clients still receive. */
async function expectHealthy(): Promise<void> {
  // The raw client has no heartbeat of its own; without one the idle timeout would close it.
  await v1Receiver.heartbeat();
  const n = ++probes;
  await sender.send({ type: 'broadcast', event: 'probe', payload: { n } });
  await until(
    () => receiver.received.some((message) => message.payload.n === n),
    10_000,
    `the healthy client to receive probe ${n}`,
  );
  await until(
    () => v1Receiver.broadcasts().some((body) => JSON.stringify(body).includes(`"n":${n}`)),
    10_000,
    `the vsn 1.0.0 client to receive probe ${n}`,
  );
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * MB);
}

/** Runs a property with the shared seed; a failure names the seed to replay it with. */
async function check<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  runs: number,
  run: (value: T) => Promise<void>,
): Promise<void> {
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        await run(value);
        await expectHealthy();
      }),
      // Shrinking against a live server takes long; the counterexample is printed as found.
      { seed: SEED, numRuns: Math.ceil(runs * SCALE), endOnFailure: true },
    );
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const why = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause ?? '');
    throw new Error(
      `fuzz "${name}" failed with FUZZ_SEED=${SEED}: ${error instanceof Error ? error.message : String(error)}\n${why}`,
    );
  }
}

// ---- WebSocket frames -------------------------------------------------------------------------

const short = fc.string({ maxLength: 24 });
const anyJson = fc.jsonValue({ maxDepth: 4 });
const topic = fc.oneof(
  fc.constantFrom('realtime:fuzz', 'realtime:healthy', 'realtime:fuzz-private', 'phoenix'),
  fc.constantFrom('realtime:', 'room:1', ''),
  short.map((name) => `realtime:${name}`),
  short,
);
const event = fc.oneof(
  fc.constantFrom('phx_join', 'phx_leave', 'broadcast', 'presence', 'access_token', 'heartbeat'),
  short,
);
const ref = fc.oneof(fc.constant(null), fc.stringMatching(/^[0-9]{1,4}$/), fc.integer(), anyJson);
const filter = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('id', 'body', 'n', 'tags', 'meta', 'nope', ''),
      fc.constantFrom('eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'is', 'cs'),
      fc.string({ maxLength: 12 }),
    )
    .map(([column, operator, value]) => `${column}=${operator}.${value}`),
  short,
  anyJson,
);
const binding = fc.record(
  {
    event: fc.oneof(fc.constantFrom('*', 'INSERT', 'UPDATE', 'DELETE'), anyJson),
    schema: fc.oneof(fc.constant('public'), anyJson),
    table: fc.oneof(fc.constantFrom('fuzz_items', '*'), anyJson),
    filter,
  },
  { requiredKeys: [] },
);
const token = fc.oneof(
  fc.integer({ min: 0, max: 7 }).map((index) => tokens[index]),
  anyJson,
);
const joinPayload = fc.record(
  {
    config: fc.oneof(
      fc.record(
        {
          broadcast: fc.record(
            { self: anyJson, ack: anyJson, replay: anyJson, replication_ready: anyJson },
            { requiredKeys: [] },
          ),
          presence: fc.record({ key: anyJson, enabled: anyJson }, { requiredKeys: [] }),
          private: fc.oneof(fc.boolean(), anyJson),
          postgres_changes: fc.oneof(fc.array(binding, { maxLength: 3 }), anyJson),
        },
        { requiredKeys: [] },
      ),
      anyJson,
    ),
    access_token: token,
  },
  { requiredKeys: [] },
);
const payload = fc.oneof(
  joinPayload,
  fc.record({ type: fc.constant('broadcast'), event: short, payload: anyJson }),
  fc.record({
    type: fc.constant('presence'),
    event: fc.constantFrom('track', 'untrack'),
    payload: anyJson,
  }),
  fc.record({ access_token: token }),
  anyJson,
);
const message = fc.record({ joinRef: ref, ref, topic, event, payload });
type Message = typeof message extends fc.Arbitrary<infer M> ? M : never;

function textFrame(vsn: string, m: Message): string {
  return vsn === '2.0.0'
    ? JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload])
    : JSON.stringify({
        topic: m.topic,
        event: m.event,
        payload: m.payload,
        ref: m.ref,
        join_ref: m.joinRef,
      });
}

/** A kind-3 binary push from its parts, then optionally spoiled byte by byte. */
const binaryFrame = fc
  .record({
    parts: fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 5, maxLength: 5 }),
    encoding: fc.integer({ min: 0, max: 2 }),
    body: fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      anyJson.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
    ),
    spoil: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
    kind: fc.constantFrom(3, 3, 3, 0, 1, 2, 4, 9),
  })
  .map(({ parts, encoding, body, spoil, kind }) => {
    const named = [...parts];
    // Often a well-formed push to a joined topic, so the spoiled bytes reach deeper code.
    named[2] = Buffer.from('realtime:fuzz');
    const header = Buffer.from([kind, ...named.map((part) => part.length), encoding]);
    const bytes = Buffer.concat([header, ...named, Buffer.from(body)]);
    for (const [index, value] of spoil) if (bytes.length > 0) bytes[index % bytes.length] = value;
    return bytes;
  });

const frame = fc.oneof(
  fc.tuple(fc.constant('text' as const), message).map(([kind, m]) => ({ kind, m })),
  fc
    .tuple(message, fc.nat(), fc.string({ maxLength: 8 }))
    .map(([m, cut, junk]) => ({ kind: 'cut' as const, m, cut, junk })),
  fc.string({ maxLength: 200 }).map((text) => ({ kind: 'raw' as const, text })),
  fc
    .tuple(fc.integer({ min: 900, max: 20_000 }), fc.boolean())
    .map(([depth, presence]) => ({ kind: 'deep' as const, depth, presence })),
  binaryFrame.map((bytes) => ({ kind: 'binary' as const, bytes })),
);

/** Opens a socket with a fuzzed version and key; null when the handshake is refused. */
async function fuzzSocket(vsn: string | null, key: string): Promise<WebSocket | null> {
  const params: Record<string, string> = { apikey: key };
  if (vsn !== null) params.vsn = vsn;
  const socket = new WebSocket(socketUrl(server, params));
  socket.on('error', () => {});
  const opened = await new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('close', () => resolve(false));
    socket.once('unexpected-response', (request) => {
      request.destroy();
      resolve(false);
    });
  });
  return opened ? socket : null;
}

/** Sends something and waits for a frame that mentions `ref`, a close, or three seconds. */
function replyTo(socket: WebSocket, ref: string, send: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      if (String(data).includes(ref)) done();
    };
    const done = () => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve();
    };
    const timer = setTimeout(done, 3000);
    socket.on('message', onMessage);
    socket.once('close', done);
    send();
  });
}

/** Waits until the server has handled everything sent before: a heartbeat reply, or a close. */
async function settled(socket: WebSocket, vsn: string): Promise<void> {
  if (socket.readyState !== WebSocket.OPEN) return;
  const ref = `settle-${randomUUID()}`;
  const heartbeat = { joinRef: null, ref, topic: 'phoenix', event: 'heartbeat', payload: {} };
  await replyTo(socket, ref, () => socket.send(textFrame(vsn, heartbeat)));
}

describe('fuzzing the server', () => {
  it('survives random and mutated frames on both protocol versions, text and binary', async () => {
    const session = fc.record({
      vsn: fc.constantFrom('1.0.0', '2.0.0', '2.0.0', null, '3.0.0'),
      key: fc.integer({ min: 0, max: 7 }),
      // Most sessions first join the topic the other frames aim at, with a fuzzed config.
      join: fc.option(
        fc.tuple(fc.constantFrom('realtime:fuzz', 'realtime:fuzz-private'), joinPayload),
        { freq: 4 },
      ),
      frames: fc.array(frame, { minLength: 1, maxLength: 8 }),
    });
    await check('frames', session, 150, async ({ vsn, key, join, frames }) => {
      const socket = await fuzzSocket(vsn, tokens[key] ?? '');
      if (!socket) return;
      const version = vsn ?? '1.0.0';
      if (join) {
        const [joinTopic, joinBody] = join;
        const joinRef = `join-${randomUUID()}`;
        // Frames after an answered join take the channel's synchronous paths, not its queue.
        await replyTo(socket, joinRef, () =>
          socket.send(
            textFrame(version, {
              joinRef,
              ref: joinRef,
              topic: joinTopic,
              event: 'phx_join',
              payload: joinBody,
            }),
          ),
        );
      }
      for (const item of frames) {
        if (socket.readyState !== WebSocket.OPEN) break;
        switch (item.kind) {
          case 'text':
            socket.send(textFrame(version, item.m));
            break;
          case 'cut': {
            const text = textFrame(version, item.m);
            socket.send(text.slice(0, item.cut % (text.length + 1)) + item.junk);
            break;
          }
          case 'raw':
            socket.send(item.text);
            break;
          case 'deep': {
            const nested = `${'['.repeat(item.depth)}${']'.repeat(item.depth)}`;
            const event = item.presence ? 'presence' : 'broadcast';
            const body = item.presence
              ? `{"type":"presence","event":"track","payload":{"x":${nested}}}`
              : `{"type":"broadcast","event":"d","payload":{"x":${nested}}}`;
            socket.send(
              version === '2.0.0'
                ? `[null,"2","realtime:fuzz","${event}",${body}]`
                : `{"topic":"realtime:fuzz","event":"${event}","payload":${body},"ref":"2"}`,
            );
            break;
          }
          case 'binary':
            socket.send(item.bytes, { binary: true });
            break;
          default:
            item satisfies never;
        }
      }
      await settled(socket, version);
      // A change makes the fuzzed postgres_changes filters run.
      await db.query("insert into fuzz_items (body, n, tags, meta) values ('aaa', 1, '{a}', '{}')");
      await settled(socket, version);
      socket.terminate();
    });
  }, 120_000);

  const queryKey = fc.oneof(
    fc.constantFrom(
      'select',
      'order',
      'limit',
      'offset',
      'id',
      'body',
      'n',
      'tags',
      'meta',
      'or',
      'and',
      'on_conflict',
      'columns',
    ),
    short,
  );
  const queryValue = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          'eq.',
          'neq.',
          'gt.',
          'in.(',
          'like.',
          'ilike.',
          'match.',
          'is.',
          'not.eq.',
          'cs.{',
          'fts.',
          '',
        ),
        fc.string({ maxLength: 16 }),
      )
      .map(([operator, value]) => operator + value),
    short,
  );

  it('answers random REST query strings on the data API', async () => {
    const request = fc.record({
      method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'PATCH', 'DELETE'),
      table: fc.oneof(fc.constantFrom('fuzz_items', 'fuzz_items', 'nope'), short),
      query: fc.array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 5 }),
      body: fc.oneof(
        anyJson.map((value) => JSON.stringify(value) ?? ''),
        fc.string({ maxLength: 60 }),
      ),
      key: fc.integer({ min: 0, max: 7 }),
      prefer: fc.oneof(
        fc.constantFrom('return=representation', 'count=exact', 'resolution=merge-duplicates'),
        short,
      ),
    });
    await check('data API', request, 120, async ({ method, table, query, body, key, prefer }) => {
      const search = query
        .map(([name, value, encode]) =>
          encode ? `${encodeURIComponent(name)}=${encodeURIComponent(value)}` : `${name}=${value}`,
        )
        .join('&');
      const response = await fetch(`${server.url}/rest/v1/${encodeURIComponent(table)}?${search}`, {
        method,
        headers: { apikey: tokens[key] ?? '', 'content-type': 'application/json', prefer },
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      }).catch((error: unknown) => ({ status: -1, error }));
      expect(response.status, 'an HTTP answer').toBeGreaterThan(0);
      if ('text' in response) await response.text();
    });
  }, 120_000);

  it('answers random broadcast bodies on both REST broadcast endpoints', async () => {
    const batchMessage = fc.record(
      {
        topic: fc.oneof(fc.constant('fuzz'), anyJson),
        event: fc.oneof(short, anyJson),
        payload: anyJson,
        private: anyJson,
        id: fc.oneof(fc.uuid(), anyJson),
      },
      { requiredKeys: [] },
    );
    const request = fc.oneof(
      fc.record({
        kind: fc.constant('batch' as const),
        body: fc.oneof(
          fc.array(batchMessage, { maxLength: 4 }).map((messages) => JSON.stringify({ messages })),
          anyJson.map((value) => JSON.stringify(value) ?? ''),
          fc.string({ maxLength: 80 }),
        ),
        key: fc.integer({ min: 0, max: 7 }),
      }),
      fc.record({
        kind: fc.constant('single' as const),
        topic: fc.oneof(fc.constant('fuzz'), fc.string({ maxLength: 300 })),
        event: fc.oneof(fc.constant('e'), fc.string({ maxLength: 300 })),
        raw: fc.boolean(),
        contentType: fc.constantFrom(
          'application/json',
          'application/octet-stream',
          '',
          'text/plain',
        ),
        body: fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          anyJson.map((value) => Buffer.from(JSON.stringify(value) ?? '')),
        ),
        isPrivate: fc.boolean(),
        key: fc.integer({ min: 0, max: 7 }),
      }),
    );
    await check('REST broadcast', request, 120, async (input) => {
      const headers: Record<string, string> = { apikey: tokens[input.key] ?? '' };
      let response: Response;
      if (input.kind === 'batch') {
        headers['content-type'] = 'application/json';
        response = await fetch(`${server.url}/realtime/v1/api/broadcast`, {
          method: 'POST',
          headers,
          body: input.body,
        });
      } else {
        if (input.contentType !== '') headers['content-type'] = input.contentType;
        const name = (value: string) =>
          input.raw ? value.replace(/[/?#]/g, '') : encodeURIComponent(value);
        const path = `/realtime/v1/api/broadcast/${name(input.topic)}/events/${name(input.event)}${input.isPrivate ? '?private=true' : ''}`;
        response = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers,
          body: input.body,
        });
      }
      await response.text();
      // Path segments that match no route are a 404; everything else is a clean 2xx or 4xx.
      expect(response.status, 'a clean answer').toBeLessThan(500);
    });
  }, 120_000);

  it('answers random auth bodies on signup and token', async () => {
    const email = fc.oneof(fc.emailAddress(), fc.string({ maxLength: 60 }), anyJson);
    const request = fc.record({
      path: fc.constantFrom(
        'signup',
        'token?grant_type=password',
        'token?grant_type=refresh_token',
        'token?grant_type=nope',
        'token',
      ),
      body: fc.oneof(
        fc
          .record(
            {
              email,
              password: fc.oneof(fc.string({ maxLength: 40 }), anyJson),
              refresh_token: anyJson,
              data: anyJson,
            },
            { requiredKeys: [] },
          )
          .map((value) => JSON.stringify(value)),
        fc.string({ maxLength: 100 }),
      ),
      key: fc.integer({ min: 0, max: 7 }),
    });
    await check('auth', request, 80, async ({ path, body, key }) => {
      const response = await fetch(`${server.url}/auth/v1/${path}`, {
        method: 'POST',
        headers: { apikey: tokens[key] ?? '', 'content-type': 'application/json' },
        body,
      });
      await response.text();
      expect(response.status, 'an HTTP answer').toBeGreaterThan(0);
    });
  }, 120_000);
});
