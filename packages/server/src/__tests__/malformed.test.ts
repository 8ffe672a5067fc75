import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../auth/jwt';
import { DEFAULT_PUBLISHABLE_KEY, DEFAULT_SECRET_KEY } from '../auth';
import type { RoomkitServer } from '../startServer';
import {
  VERSIONS,
  failOnProcessErrors,
  recordingLogger,
  sleep,
  testServer,
  until,
} from './helpers';
import {
  LOBBY,
  RawClient,
  broadcastPush,
  droppedReasons,
  expectRoomUndisturbed,
  frame,
  scene,
  socketUrl,
  type Scene,
} from './rawClient';

// Nothing any of these inputs does may reach the process as an uncaught error.
failOnProcessErrors();

describe.each(VERSIONS)('malformed text on vsn %s', (vsn) => {
  it('drops text that is not JSON and keeps the socket', async () => {
    const s = await scene(vsn);
    const mark = s.a.received.length;
    s.a.sendText('{"topic":"realtime:lobby","event":"broadcast",');
    const beat = await s.a.heartbeat();
    expect(s.a.received.slice(mark)).toEqual([beat]);
    expect(droppedReasons(s.logger)).toEqual([expect.stringMatching(/JSON/)]);
    await expectRoomUndisturbed(s);
  });

  it('drops an empty text frame and keeps the socket', async () => {
    const s = await scene(vsn);
    const mark = s.a.received.length;
    s.a.sendText('');
    const beat = await s.a.heartbeat();
    expect(s.a.received.slice(mark)).toEqual([beat]);
    expect(droppedReasons(s.logger)).toHaveLength(1);
    await expectRoomUndisturbed(s);
  });
});

describe('wrongly shaped text on vsn 2.0.0', () => {
  it.each([
    {
      shape: 'a vsn 1.0.0 object',
      text: '{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"90","join_ref":null}',
    },
    { shape: 'an array of four', text: '[null,"90","phoenix","heartbeat"]' },
    { shape: 'a topic that is not a string', text: '[null,"90",42,"heartbeat",{}]' },
    { shape: 'an event that is not a string', text: '[null,"90","phoenix",7,{}]' },
    { shape: 'a bare string', text: '"heartbeat"' },
    { shape: 'null', text: 'null' },
  ])('drops $shape and keeps the socket', async ({ text }) => {
    const s = await scene('2.0.0');
    const mark = s.a.received.length;
    s.a.sendText(text);
    const beat = await s.a.heartbeat();
    expect(s.a.received.slice(mark)).toEqual([beat]);
    expect(droppedReasons(s.logger)).toHaveLength(1);
    await expectRoomUndisturbed(s);
  });

  it('ignores elements after the fifth, like the real serializer', async () => {
    const s = await scene('2.0.0');
    s.a.sendText('[null,"90","phoenix","heartbeat",{},"extra",1]');
    const reply = await s.a.reply('90');
    expect(reply.raw).toEqual([null, '90', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
    expect(droppedReasons(s.logger)).toEqual([]);
  });
});

describe('wrongly shaped text on vsn 1.0.0', () => {
  it.each([
    { shape: 'a vsn 2.0.0 array', text: '[null,"90","phoenix","heartbeat",{}]' },
    { shape: 'a bare string', text: '"heartbeat"' },
    { shape: 'a number', text: '42' },
    { shape: 'null', text: 'null' },
    { shape: 'an object without a topic', text: '{"event":"heartbeat","payload":{},"ref":"90"}' },
    {
      shape: 'an object whose event is not a string',
      text: '{"topic":"phoenix","event":["heartbeat"],"payload":{},"ref":"90"}',
    },
  ])('drops $shape and keeps the socket', async ({ text }) => {
    const s = await scene('1.0.0');
    const mark = s.a.received.length;
    s.a.sendText(text);
    const beat = await s.a.heartbeat();
    expect(s.a.received.slice(mark)).toEqual([beat]);
    expect(droppedReasons(s.logger)).toHaveLength(1);
    await expectRoomUndisturbed(s);
  });
});

describe('binary frames on vsn 2.0.0', () => {
  const push = (s: Scene, overrides: { meta?: string; payload?: unknown } = {}) =>
    broadcastPush({
      joinRef: s.aJoinRef,
      ref: '90',
      topic: LOBBY,
      event: 'leak',
      payload: { secret: 1 },
      ...overrides,
    });

  it('delivers a well-formed broadcast push from A to B (the control for the cases below)', async () => {
    const s = await scene('2.0.0');
    s.a.sendBinary(push(s));
    await until(() => s.b.broadcasts().length === 1, 10_000, 'B to receive the push');
    expect(s.b.broadcasts()).toEqual([
      { type: 'broadcast', event: 'leak', payload: { secret: 1 } },
    ]);
    expect(droppedReasons(s.logger)).toEqual([]);
  });

  it.each([
    {
      name: 'an unknown kind (9)',
      reason: /kind 9/,
      spoil: (bytes: Buffer) => bytes.fill(9, 0, 1),
    },
    {
      name: 'kind 4, which only servers send',
      reason: /kind 4/,
      spoil: (bytes: Buffer) => bytes.fill(4, 0, 1),
    },
    {
      name: 'kind 2 (Phoenix broadcast)',
      reason: /kind 2/,
      spoil: (bytes: Buffer) => bytes.fill(2, 0, 1),
    },
    {
      name: 'a truncated header',
      reason: /truncated/,
      spoil: (bytes: Buffer) => bytes.subarray(0, 4),
    },
    {
      name: 'a topic length past the end',
      reason: /truncated/,
      spoil: (bytes: Buffer) => bytes.fill(250, 3, 4),
    },
    {
      name: 'a body cut short of its declared lengths',
      reason: /truncated/,
      spoil: (bytes: Buffer) => bytes.subarray(0, 12),
    },
    {
      name: 'an unknown payload encoding (7)',
      reason: /encoding 7/,
      spoil: (bytes: Buffer) => bytes.fill(7, 6, 7),
    },
  ])('drops a frame with $name and keeps the socket', async ({ reason, spoil }) => {
    const s = await scene('2.0.0');
    const mark = s.a.received.length;
    s.a.sendBinary(spoil(push(s)));
    const beat = await s.a.heartbeat();
    expect(s.a.received.slice(mark)).toEqual([beat]);
    expect(droppedReasons(s.logger)).toEqual([expect.stringMatching(reason)]);
    await expectRoomUndisturbed(s);
  });

  it('drops a frame whose metadata is not valid JSON and keeps the socket', async () => {
    const s = await scene('2.0.0');
    const mark = s.a.received.length;
    s.a.sendBinary(push(s, { meta: '{"persist":' }));
    const beat = await s.a.heartbeat();
    expect(s.a.received.slice(mark)).toEqual([beat]);
    expect(droppedReasons(s.logger)).toEqual([expect.stringMatching(/JSON/)]);
    await expectRoomUndisturbed(s);
  });
});

describe('binary frames on vsn 1.0.0', () => {
  it('drops a binary broadcast push and keeps the socket', async () => {
    const s = await scene('1.0.0');
    const mark = s.a.received.length;
    s.a.sendBinary(
      broadcastPush({ joinRef: s.aJoinRef, ref: '90', topic: LOBBY, event: 'leak', payload: {} }),
    );
    const beat = await s.a.heartbeat();
    expect(s.a.received.slice(mark)).toEqual([beat]);
    expect(droppedReasons(s.logger)).toEqual([expect.stringMatching(/vsn 2\.0\.0/)]);
    await expectRoomUndisturbed(s);
  });
});

describe.each(VERSIONS)('replies to odd pushes on vsn %s', (vsn) => {
  it('answers a push to a topic it has not joined with unmatched topic and a null join_ref', async () => {
    const s = await scene(vsn);
    // As a client whose channel the server already closed would send it: with its old join_ref.
    const ref = s.a.send('77', 'realtime:elsewhere', 'broadcast', {
      type: 'broadcast',
      event: 'leak',
      payload: {},
    });
    const reply = await s.a.reply(ref);
    expect(reply.raw).toEqual(
      frame(vsn, null, ref, 'realtime:elsewhere', 'phx_reply', {
        status: 'error',
        response: { reason: 'unmatched topic' },
      }),
    );
    await s.a.heartbeat();
    await expectRoomUndisturbed(s);
  });

  it('answers phx_leave for a topic it has not joined with ok', async () => {
    const s = await scene(vsn);
    const ref = s.a.send('77', 'realtime:elsewhere', 'phx_leave', {});
    const reply = await s.a.reply(ref);
    expect(reply.raw).toEqual(
      frame(vsn, '77', ref, 'realtime:elsewhere', 'phx_reply', { status: 'ok', response: {} }),
    );
    await s.a.heartbeat();
    await expectRoomUndisturbed(s);
  });

  it('refuses a join on a topic outside realtime: with unmatched topic, and stays unjoined', async () => {
    const s = await scene(vsn);
    const ref = s.a.takeRef();
    s.a.send(ref, 'room:lobby', 'phx_join', { config: {} }, ref);
    const reply = await s.a.reply(ref);
    expect(reply.raw).toEqual(
      frame(vsn, null, ref, 'room:lobby', 'phx_reply', {
        status: 'error',
        response: { reason: 'unmatched topic' },
      }),
    );
    const push = s.a.send(ref, 'room:lobby', 'broadcast', { type: 'broadcast', event: 'x' });
    expect((await s.a.reply(push)).payload).toEqual({
      status: 'error',
      response: { reason: 'unmatched topic' },
    });
    await expectRoomUndisturbed(s);
  });

  it('refuses a join on realtime: without a name with TopicNameRequired', async () => {
    const s = await scene(vsn);
    const ref = s.a.takeRef();
    s.a.send(ref, 'realtime:', 'phx_join', { config: {} }, ref);
    const reply = await s.a.reply(ref);
    expect(reply.raw).toEqual(
      frame(vsn, ref, ref, 'realtime:', 'phx_reply', {
        status: 'error',
        response: { reason: 'TopicNameRequired: You must provide a topic name' },
      }),
    );
    const push = s.a.send(ref, 'realtime:', 'broadcast', { type: 'broadcast', event: 'x' });
    expect((await s.a.reply(push)).payload).toEqual({
      status: 'error',
      response: { reason: 'unmatched topic' },
    });
    await s.a.heartbeat();
    await expectRoomUndisturbed(s);
  });

  it('ignores an unknown event on a joined channel, logs it and keeps the channel', async () => {
    const s = await scene(vsn);
    const mark = s.a.received.length;
    s.a.send(s.aJoinRef, LOBBY, 'shout', { hello: 'world' });
    const beat = await s.a.heartbeat();
    expect(s.a.received.slice(mark)).toEqual([beat]);
    expect(s.logger.lines).toContainEqual(
      expect.stringMatching(/^unexpected message from client .*"event":"shout"/),
    );
    await expectRoomUndisturbed(s);
    // A is still in the room: it received C's probe too.
    await until(() => s.a.broadcasts().length === 1, 10_000, 'A to receive the probe');
  });

  it('closes the old channel with its join_ref when a topic is joined twice, then joins afresh', async () => {
    const s = await scene(vsn);
    const mark = s.a.received.length;
    const ref = s.a.takeRef();
    s.a.send(ref, LOBBY, 'phx_join', { config: { presence: { enabled: false } } }, ref);
    await s.a.reply(ref);
    expect(s.a.received.slice(mark).map((message) => message.raw)).toEqual([
      frame(vsn, s.aJoinRef, s.aJoinRef, LOBBY, 'phx_close', {}),
      frame(vsn, ref, ref, LOBBY, 'phx_reply', {
        status: 'ok',
        response: { postgres_changes: [] },
      }),
    ]);
    await expectRoomUndisturbed(s);
    // The room holds A once, not twice.
    await until(() => s.a.broadcasts().length > 0, 10_000, 'A to receive the probe');
    await sleep(50);
    expect(s.a.broadcasts()).toHaveLength(1);
  });

  it('delivers a broadcast push whose join_ref is missing or stale, and acknowledges it', async () => {
    const s = await scene(vsn, { aConfig: { broadcast: { ack: true } } });
    const missing = s.a.send(null, LOBBY, 'broadcast', {
      type: 'broadcast',
      event: 'note',
      payload: { n: 1 },
    });
    const stale = s.a.send('stale-1', LOBBY, 'broadcast', {
      type: 'broadcast',
      event: 'note',
      payload: { n: 2 },
    });
    // The reply carries the channel's current join_ref, whatever the push said.
    expect((await s.a.reply(missing)).raw).toEqual(
      frame(vsn, s.aJoinRef, missing, LOBBY, 'phx_reply', { status: 'ok', response: {} }),
    );
    expect((await s.a.reply(stale)).raw).toEqual(
      frame(vsn, s.aJoinRef, stale, LOBBY, 'phx_reply', { status: 'ok', response: {} }),
    );
    await until(() => s.b.broadcasts().length === 2, 10_000, 'B to receive both');
    expect(s.b.broadcasts()).toEqual([
      { type: 'broadcast', event: 'note', payload: { n: 1 } },
      { type: 'broadcast', event: 'note', payload: { n: 2 } },
    ]);
  });

  it('answers a heartbeat with an ok reply on the phoenix topic', async () => {
    const logger = recordingLogger();
    const server = await testServer({ logger });
    const a = await RawClient.open(server, vsn);
    const ref = a.send(null, 'phoenix', 'heartbeat', {});
    const reply = await a.reply(ref);
    expect(reply.raw).toEqual(
      frame(vsn, null, ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} }),
    );
    expect(a.received).toHaveLength(1);
  });
});

describe('join_ref leniency for binary pushes on vsn 2.0.0', () => {
  it('delivers a binary push whose join_ref is empty or stale', async () => {
    const s = await scene('2.0.0');
    const base = { ref: '90', topic: LOBBY, event: 'note' };
    s.a.sendBinary(broadcastPush({ ...base, joinRef: '', payload: { n: 1 } }));
    s.a.sendBinary(broadcastPush({ ...base, joinRef: 'stale-1', payload: { n: 2 } }));
    await until(() => s.b.broadcasts().length === 2, 10_000, 'B to receive both');
    expect(s.b.broadcasts()).toEqual([
      { type: 'broadcast', event: 'note', payload: { n: 1 } },
      { type: 'broadcast', event: 'note', payload: { n: 2 } },
    ]);
  });
});

describe('vsn 1.0.0 output', () => {
  it('never carries a join_ref, in replies, pushes or broadcasts', async () => {
    const s = await scene('1.0.0');
    const a = await RawClient.open(s.server, '1.0.0');
    const joinRef = await a.join(LOBBY, { presence: { enabled: true } });
    await a.heartbeat();
    await a.reply(
      a.send('77', 'realtime:elsewhere', 'broadcast', { type: 'broadcast', event: 'x' }),
    );
    s.c.send(s.cJoinRef, LOBBY, 'broadcast', { type: 'broadcast', event: 'hi', payload: {} });
    await until(() => a.broadcasts().length === 1, 10_000, 'the broadcast');
    a.send(joinRef, LOBBY, 'phx_leave', {});
    await until(() => a.received.some((message) => message.event === 'phx_close'), 10_000, 'close');
    const events = a.received.map((message) => message.event);
    expect(events).toEqual(
      expect.arrayContaining(['phx_reply', 'presence_state', 'broadcast', 'phx_close']),
    );
    for (const message of a.received) {
      expect(Object.keys(message.raw as object).sort()).toEqual([
        'event',
        'payload',
        'ref',
        'topic',
      ]);
    }
  });
});

describe.each(VERSIONS)('oversized input on vsn %s', (vsn) => {
  it('closes only the connection that sends a frame over the frame limit, with 1009', async () => {
    const s = await scene(vsn, { limits: { maxFrameBytes: 10_000 } });
    s.a.sendText(JSON.stringify([null, '90', 'phoenix', 'heartbeat', { pad: 'x'.repeat(20_000) }]));
    await until(() => s.a.closeCode !== null, 10_000, 'A to be closed');
    expect(s.a.closeCode).toBe(1009);
    await until(() => s.server.connectionCount() === 2, 10_000, 'the server to drop A');
    await expectRoomUndisturbed(s);
    expect(s.b.closeCode).toBeNull();
    expect(s.c.closeCode).toBeNull();
  });

  it('answers an oversized broadcast with payload_size_exceeded when ack is on', async () => {
    const s = await scene(vsn, {
      limits: { maxPayloadSizeKb: 1 },
      aConfig: { broadcast: { ack: true } },
    });
    const small = { type: 'broadcast', event: 'blob', payload: { text: 'x'.repeat(1000) } };
    const fits = s.a.send(s.aJoinRef, LOBBY, 'broadcast', small);
    expect((await s.a.reply(fits)).payload).toEqual({ status: 'ok', response: {} });
    const big = s.a.send(s.aJoinRef, LOBBY, 'broadcast', {
      type: 'broadcast',
      event: 'blob',
      payload: { text: 'x'.repeat(3000) },
    });
    expect((await s.a.reply(big)).raw).toEqual(
      frame(vsn, s.aJoinRef, big, LOBBY, 'phx_reply', {
        status: 'error',
        response: 'payload_size_exceeded',
      }),
    );
    expect(s.logger.lines).toContainEqual(expect.stringMatching(/^broadcast payload too large/));
    await s.a.heartbeat();
    await expectRoomUndisturbed(s, [small]);
  });

  it('drops an oversized broadcast silently when ack is off', async () => {
    const s = await scene(vsn, { limits: { maxPayloadSizeKb: 1 } });
    const mark = s.a.received.length;
    s.a.send(s.aJoinRef, LOBBY, 'broadcast', {
      type: 'broadcast',
      event: 'blob',
      payload: { text: 'x'.repeat(3000) },
    });
    const beat = await s.a.heartbeat();
    expect(s.a.received.slice(mark)).toEqual([beat]);
    expect(s.logger.lines).toContainEqual(expect.stringMatching(/^broadcast payload too large/));
    await expectRoomUndisturbed(s);
  });
});

describe('oversized binary input on vsn 2.0.0', () => {
  it('answers an oversized binary push with payload_size_exceeded when ack is on', async () => {
    const s = await scene('2.0.0', {
      limits: { maxPayloadSizeKb: 1 },
      aConfig: { broadcast: { ack: true } },
    });
    s.a.sendBinary(
      broadcastPush({
        joinRef: s.aJoinRef,
        ref: '90',
        topic: LOBBY,
        event: 'blob',
        payload: { text: 'x'.repeat(3000) },
      }),
    );
    expect((await s.a.reply('90')).raw).toEqual([
      s.aJoinRef,
      '90',
      LOBBY,
      'phx_reply',
      { status: 'error', response: 'payload_size_exceeded' },
    ]);
    await s.a.heartbeat();
    await expectRoomUndisturbed(s);
  });
});

/** Opens a socket that the server must refuse; resolves with the HTTP status and body. */
function refusal(
  url: string,
  headers?: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      reject(new Error('the handshake was accepted'));
    });
    socket.on('error', reject);
    socket.on('unexpected-response', (request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
  });
}

/** A JWT with exactly these claims, signed with the server's secret. */
function signed(server: RoomkitServer, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(server.jwtSecret));
}

describe('handshake', () => {
  const inFuture = () => Math.floor(Date.now() / 1000) + 3600;

  it('refuses a socket without an apikey with 401 API key is missing', async () => {
    const s = await scene('2.0.0');
    const { status, body } = await refusal(socketUrl(s.server, { vsn: '2.0.0' }));
    expect(status).toBe(401);
    expect(JSON.parse(body)).toEqual({ error: 'API key is missing' });
    expect(s.logger.lines).toContainEqual(expect.stringMatching(/^connection refused/));
    await expectRoomUndisturbed(s);
  });

  it.each([
    { token: 'not-a-jwt', what: 'a token that is not a JWT' },
    { token: 'a.b.c', what: 'three garbage segments' },
    { token: 'sb_publishable_not_this_project', what: 'an unknown sb_ key' },
  ])('refuses $what with 401 The token provided is not a valid JWT', async ({ token }) => {
    const s = await scene('2.0.0');
    const { status, body } = await refusal(socketUrl(s.server, { apikey: token, vsn: '2.0.0' }));
    expect(status).toBe(401);
    expect(JSON.parse(body)).toEqual({ error: 'The token provided is not a valid JWT' });
    await expectRoomUndisturbed(s);
  });

  it('refuses a token signed with another secret with 401 Failed to validate JWT signature', async () => {
    const s = await scene('2.0.0');
    const token = await mintToken({ secret: 'another-secret-that-is-at-least-32-characters' });
    const { status, body } = await refusal(socketUrl(s.server, { apikey: token, vsn: '2.0.0' }));
    expect(status).toBe(401);
    expect(JSON.parse(body)).toEqual({ error: 'Failed to validate JWT signature' });
    await expectRoomUndisturbed(s);
  });

  it('refuses an expired token with 401 Token has expired', async () => {
    const s = await scene('2.0.0');
    const token = await s.server.mintToken({ expiresIn: -60 });
    const { status, body } = await refusal(socketUrl(s.server, { apikey: token, vsn: '2.0.0' }));
    expect(status).toBe(401);
    // The handshake body has no "N seconds ago"; that detail is only in join and system messages.
    expect(JSON.parse(body)).toEqual({ error: 'Token has expired' });
    await expectRoomUndisturbed(s);
  });

  it.each([
    { what: 'role', claims: () => ({ exp: inFuture() }) },
    { what: 'exp', claims: () => ({ role: 'anon' }) },
  ])(
    'refuses a JWT without $what with 401 Fields `role` and `exp` are required',
    async ({ claims }) => {
      const s = await scene('2.0.0');
      const token = await signed(s.server, claims());
      const { status, body } = await refusal(socketUrl(s.server, { apikey: token, vsn: '2.0.0' }));
      expect(status).toBe(401);
      expect(JSON.parse(body)).toEqual({ error: 'Fields `role` and `exp` are required in JWT' });
      await expectRoomUndisturbed(s);
    },
  );

  it('takes the x-api-key header over the apikey parameter', async () => {
    const s = await scene('2.0.0');
    const accepted = await RawClient.open(s.server, '2.0.0', {
      key: 'garbage',
      headers: { 'x-api-key': s.server.anonKey },
    });
    expect((await accepted.heartbeat()).payload).toEqual({ status: 'ok', response: {} });
    const { status } = await refusal(
      socketUrl(s.server, { apikey: s.server.anonKey, vsn: '2.0.0' }),
      {
        'x-api-key': 'garbage',
      },
    );
    expect(status).toBe(401);
    await expectRoomUndisturbed(s);
  });

  it('accepts the well-known publishable key as anon and secret key as service_role', async () => {
    const server = await testServer();
    const anon = await RawClient.open(server, '2.0.0', { key: DEFAULT_PUBLISHABLE_KEY });
    const service = await RawClient.open(server, '2.0.0', { key: DEFAULT_SECRET_KEY });
    expect((await anon.heartbeat()).payload).toEqual({ status: 'ok', response: {} });
    // Only the service role may read a private channel without a database.
    await service.join('realtime:vault', { private: true });
    const ref = anon.takeRef();
    anon.send(ref, 'realtime:vault', 'phx_join', { config: { private: true } }, ref);
    expect((await anon.reply(ref)).payload).toEqual({
      status: 'error',
      response: {
        reason: 'Unauthorized: You do not have permissions to read from this Channel topic: vault',
      },
    });
  });

  it.each(['3.0.0', '1.1.0', 'banana'])('refuses vsn %s with a bare 403', async (vsn) => {
    const s = await scene('2.0.0');
    const { status, body } = await refusal(socketUrl(s.server, { apikey: s.server.anonKey, vsn }));
    expect(status).toBe(403);
    expect(body).toBe('');
    await expectRoomUndisturbed(s);
  });

  it('speaks vsn 1.0.0 objects when vsn is missing', async () => {
    const s = await scene('1.0.0');
    const a = await RawClient.open(s.server, null);
    const reply = await a.heartbeat();
    expect(reply.raw).toEqual({
      topic: 'phoenix',
      event: 'phx_reply',
      payload: { status: 'ok', response: {} },
      ref: reply.ref,
    });
    // A vsn 2.0.0 array is the wrong shape here: dropped, no reply.
    a.sendText('[null,"90","phoenix","heartbeat",{}]');
    await a.heartbeat();
    expect(a.findReply('90')).toBeUndefined();
    await a.join(LOBBY);
    await expectRoomUndisturbed(s);
    await until(
      () => a.broadcasts().length === 1,
      10_000,
      'the vsn-less client to receive the probe',
    );
    expect(a.received.at(-1)?.raw).toMatchObject({ topic: LOBBY, event: 'broadcast', ref: null });
  });
});
