import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { RoomkitServer } from '../startServer';
import { VERSIONS, client, collect, joined, testServer, until, type Vsn } from './helpers';

interface Broadcast {
  type: string;
  event: string;
  payload: unknown;
  meta?: unknown;
}

function batchUrl(server: RoomkitServer): string {
  return `${server.url}/realtime/v1/api/broadcast`;
}

function singleUrl(server: RoomkitServer, topic: string, event: string, query = ''): string {
  const path = `${encodeURIComponent(topic)}/events/${encodeURIComponent(event)}`;
  return `${server.url}/realtime/v1/api/broadcast/${path}${query}`;
}

/** POSTs a batch with the given headers; resolves with the status and the body text. */
async function postBatch(
  server: RoomkitServer,
  body: unknown,
  headers: Record<string, string> = { apikey: server.anonKey },
): Promise<{ status: number; text: string }> {
  const response = await fetch(batchUrl(server), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** A subscribed receiver on its own client; collects one event. */
async function receiver(
  server: RoomkitServer,
  name: string,
  event: string,
  options: { vsn?: Vsn; token?: string; private?: boolean } = {},
): Promise<Broadcast[]> {
  const supabase = client(server, { vsn: options.vsn ?? '2.0.0' });
  if (options.token !== undefined) await supabase.realtime.setAuth(options.token);
  const channel = supabase.channel(name, { config: { private: options.private ?? false } });
  const received = collect<Broadcast>(channel, event);
  await joined(channel);
  return received;
}

describe.each(VERSIONS)('REST broadcast to vsn %s subscribers', (vsn) => {
  it('delivers an httpSend JSON payload from A to subscribed B', async () => {
    const server = await testServer();
    const toB = await receiver(server, 'news:1', 'headline', { vsn });
    const a = client(server, { vsn }).channel('news:1');
    expect(await a.httpSend('headline', { title: 'hi', tags: ['a'] })).toEqual({ success: true });
    await until(() => toB.length === 1, 10_000, 'B to receive');
    expect(toB).toEqual([
      { type: 'broadcast', event: 'headline', payload: { title: 'hi', tags: ['a'] } },
    ]);
  });

  it('falls back to the batch endpoint when A sends on a channel it never subscribed', async () => {
    const server = await testServer();
    const toB = await receiver(server, 'fallback', 'ping', { vsn });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const a = client(server, { vsn }).channel('fallback');
      expect(await a.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } })).toBe('ok');
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/falling back to REST/));
    } finally {
      warn.mockRestore();
    }
    await until(() => toB.length === 1, 10_000, 'B to receive');
    expect(toB).toEqual([{ type: 'broadcast', event: 'ping', payload: { n: 1 } }]);
    // A never opened a socket: only B's is open.
    expect(server.connectionCount()).toBe(1);
  });

  it('delivers meta.id when a batch message has an id', async () => {
    const server = await testServer();
    const toB = await receiver(server, 'ids', 'saved', { vsn });
    const id = randomUUID();
    const { status } = await postBatch(server, {
      messages: [{ topic: 'ids', event: 'saved', payload: { row: 1 }, id }],
    });
    expect(status).toBe(202);
    await until(() => toB.length === 1, 10_000, 'B to receive');
    expect(toB).toEqual([{ type: 'broadcast', event: 'saved', payload: { row: 1 }, meta: { id } }]);
  });
});

describe('REST binary payloads', () => {
  it('delivers an httpSend ArrayBuffer to vsn 2.0.0 as an ArrayBuffer and not to vsn 1.0.0', async () => {
    const server = await testServer();
    const toV2 = await receiver(server, 'bytes', 'blob', { vsn: '2.0.0' });
    const toV1 = await receiver(server, 'bytes', 'blob', { vsn: '1.0.0' });
    const probeV1 = await receiver(server, 'bytes', 'probe', { vsn: '1.0.0' });
    const a = client(server).channel('bytes');
    expect(await a.httpSend('blob', new Uint8Array([1, 2, 3, 255]).buffer)).toEqual({
      success: true,
    });
    expect(await a.httpSend('probe', {})).toEqual({ success: true });
    await until(() => toV2.length === 1 && probeV1.length === 1, 10_000, 'deliveries');
    expect(toV2[0]?.payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(toV2[0]?.payload as ArrayBuffer)]).toEqual([1, 2, 3, 255]);
    expect(toV2[0]).toMatchObject({ type: 'broadcast', event: 'blob' });
    expect(toV1).toEqual([]);
  });

  it('sends a typed-array payload as octet-stream too', async () => {
    const server = await testServer();
    const toB = await receiver(server, 'bytes', 'blob');
    const a = client(server).channel('bytes');
    await a.httpSend('blob', new Uint8Array([9, 8, 7]));
    await until(() => toB.length === 1, 10_000, 'B to receive');
    expect([...new Uint8Array(toB[0]?.payload as ArrayBuffer)]).toEqual([9, 8, 7]);
  });
});

describe('REST batch endpoint', () => {
  it('answers 202 with an empty body and delivers each message to its topic', async () => {
    const server = await testServer();
    const toRed = await receiver(server, 'red', 'paint');
    const toBlue = await receiver(server, 'blue', 'paint');
    const { status, text } = await postBatch(server, {
      messages: [
        { topic: 'red', event: 'paint', payload: { c: 'r' } },
        { topic: 'blue', event: 'paint', payload: { c: 'b' } },
      ],
    });
    expect(status).toBe(202);
    expect(text).toBe('');
    await until(() => toRed.length === 1 && toBlue.length === 1, 10_000, 'both to receive');
    expect(toRed).toEqual([{ type: 'broadcast', event: 'paint', payload: { c: 'r' } }]);
    expect(toBlue).toEqual([{ type: 'broadcast', event: 'paint', payload: { c: 'b' } }]);
  });

  it('answers 401 Unauthorized without a token and delivers nothing', async () => {
    const server = await testServer();
    const toB = await receiver(server, 'guarded', 'e');
    const message = (n: number) => ({
      messages: [{ topic: 'guarded', event: 'e', payload: { n } }],
    });
    const refused = await postBatch(server, message(1), {});
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text)).toEqual({ message: 'Unauthorized' });
    expect((await postBatch(server, message(2))).status).toBe(202);
    await until(() => toB.length === 1, 10_000, 'the accepted message');
    expect(toB.map((entry) => entry.payload)).toEqual([{ n: 2 }]);
  });

  it('takes the token from Authorization: Bearer before the apikey header', async () => {
    const server = await testServer();
    const body = { messages: [{ topic: 'order', event: 'e', payload: {} }] };
    const badBearer = await postBatch(server, body, {
      authorization: 'Bearer not-a-jwt',
      apikey: server.anonKey,
    });
    expect(badBearer.status).toBe(401);
    expect(JSON.parse(badBearer.text)).toEqual({ message: 'Unauthorized' });
    const goodBearer = await postBatch(server, body, {
      authorization: `Bearer ${server.anonKey}`,
      apikey: 'not-a-jwt',
    });
    expect(goodBearer.status).toBe(202);
  });

  it('accepts the apikey header alone, but not an apikey in the query string', async () => {
    const server = await testServer();
    const body = JSON.stringify({ messages: [{ topic: 'q', event: 'e', payload: {} }] });
    const header = await fetch(batchUrl(server), {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: server.anonKey },
      body,
    });
    expect(header.status).toBe(202);
    const query = await fetch(`${batchUrl(server)}?apikey=${server.anonKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(query.status).toBe(401);
    expect(await query.json()).toEqual({ message: 'Unauthorized' });
  });

  it.each([
    { missing: 'topic', message: { event: 'e', payload: {} } },
    { missing: 'event', message: { topic: 't', payload: {} } },
    { missing: 'payload', message: { topic: 't', event: 'e' } },
  ])('answers 422 for a message without its $missing', async ({ missing, message }) => {
    const server = await testServer();
    const { status, text } = await postBatch(server, { messages: [message] });
    expect(status).toBe(422);
    expect(JSON.parse(text)).toEqual({ errors: { messages: [{ [missing]: ["can't be blank"] }] } });
  });

  it.each([
    { what: 'a string', payload: 'hello' },
    { what: 'an array', payload: [1, 2] },
    { what: 'a number', payload: 5 },
  ])('answers 422 for a payload that is $what', async ({ payload }) => {
    const server = await testServer();
    const { status, text } = await postBatch(server, {
      messages: [{ topic: 't', event: 'e', payload }],
    });
    expect(status).toBe(422);
    expect(JSON.parse(text)).toEqual({ errors: { messages: [{ payload: ['is invalid'] }] } });
  });

  it('answers 422 for a body without messages', async () => {
    const server = await testServer();
    const { status, text } = await postBatch(server, { topic: 't', event: 'e', payload: {} });
    expect(status).toBe(422);
    expect(JSON.parse(text)).toHaveProperty('errors.messages');
  });

  it('delivers nothing from a batch with one invalid message', async () => {
    const server = await testServer();
    const toB = await receiver(server, 'atomic', 'e');
    const { status, text } = await postBatch(server, {
      messages: [
        { topic: 'atomic', event: 'e', payload: { n: 1 } },
        { topic: 'atomic', payload: { n: 2 } },
      ],
    });
    expect(status).toBe(422);
    expect(JSON.parse(text)).toEqual({
      errors: { messages: [{}, { event: ["can't be blank"] }] },
    });
    await postBatch(server, { messages: [{ topic: 'atomic', event: 'e', payload: { n: 3 } }] });
    await until(() => toB.length === 1, 10_000, 'the valid batch');
    expect(toB.map((entry) => entry.payload)).toEqual([{ n: 3 }]);
  });

  it('answers 422 for a payload over the size limit', async () => {
    const server = await testServer({ limits: { maxPayloadSizeKb: 1 } });
    const toB = await receiver(server, 'heavy', 'e');
    const { status, text } = await postBatch(server, {
      messages: [{ topic: 'heavy', event: 'e', payload: { text: 'x'.repeat(3000) } }],
    });
    expect(status).toBe(422);
    expect(JSON.parse(text)).toEqual({
      errors: { messages: [{ payload: ['Payload size exceeds tenant limit'] }] },
    });
    await postBatch(server, { messages: [{ topic: 'heavy', event: 'e', payload: { ok: 1 } }] });
    await until(() => toB.length === 1, 10_000, 'the small message');
    expect(toB.map((entry) => entry.payload)).toEqual([{ ok: 1 }]);
  });

  it('drops a private message from anon but still answers 202', async () => {
    const server = await testServer();
    const token = await server.mintToken({ sub: 'user-1' });
    const toPrivate = await receiver(server, 'vault', 'e', { token, private: true });
    const fromAnon = await postBatch(server, {
      messages: [{ topic: 'vault', event: 'e', payload: { from: 'anon' }, private: true }],
    });
    expect(fromAnon.status).toBe(202);
    expect(fromAnon.text).toBe('');
    const fromUser = await postBatch(
      server,
      { messages: [{ topic: 'vault', event: 'e', payload: { from: 'user' }, private: true }] },
      { apikey: server.anonKey, authorization: `Bearer ${token}` },
    );
    expect(fromUser.status).toBe(202);
    await until(() => toPrivate.length === 1, 10_000, 'the signed-in message');
    expect(toPrivate.map((entry) => entry.payload)).toEqual([{ from: 'user' }]);
  });

  it('delivers a private message from a signed-in user to the private channel only', async () => {
    const server = await testServer();
    const token = await server.mintToken({ sub: 'user-1' });
    const toPrivate = await receiver(server, 'split', 'e', { token, private: true });
    const toPublic = await receiver(server, 'split', 'e');
    const auth = { apikey: server.anonKey, authorization: `Bearer ${token}` };
    await postBatch(
      server,
      { messages: [{ topic: 'split', event: 'e', payload: { to: 'private' }, private: true }] },
      auth,
    );
    await postBatch(
      server,
      { messages: [{ topic: 'split', event: 'e', payload: { to: 'public' } }] },
      auth,
    );
    await until(() => toPrivate.length === 1 && toPublic.length === 1, 10_000, 'both deliveries');
    expect(toPrivate.map((entry) => entry.payload)).toEqual([{ to: 'private' }]);
    expect(toPublic.map((entry) => entry.payload)).toEqual([{ to: 'public' }]);
  });
});

describe('REST single endpoint', () => {
  it('answers 202 with an empty body and delivers the JSON payload', async () => {
    const server = await testServer();
    const toB = await receiver(server, 'room:42', 'moved');
    const response = await fetch(singleUrl(server, 'room:42', 'moved'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: server.anonKey },
      body: JSON.stringify({ x: 1 }),
    });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    await until(() => toB.length === 1, 10_000, 'B to receive');
    expect(toB).toEqual([{ type: 'broadcast', event: 'moved', payload: { x: 1 } }]);
  });

  it('refuses other media types with 415 and delivers nothing', async () => {
    const server = await testServer();
    const toB = await receiver(server, 'media', 'e');
    const refused = await fetch(singleUrl(server, 'media', 'e'), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', apikey: server.anonKey },
      body: '{"n":1}',
    });
    expect(refused.status).toBe(415);
    expect(await refused.json()).toEqual({
      error: 'Unsupported Media Type. Use application/json or application/octet-stream',
    });
    const accepted = await fetch(singleUrl(server, 'media', 'e'), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', apikey: server.anonKey },
      body: '{"n":2}',
    });
    expect(accepted.status).toBe(202);
    await until(() => toB.length === 1, 10_000, 'the accepted message');
    expect(toB.map((entry) => entry.payload)).toEqual([{ n: 2 }]);
  });

  it('accepts a request without a Content-Type, as the real server does for older callers', async () => {
    const server = await testServer();
    // A Uint8Array body makes fetch send no Content-Type at all.
    const response = await fetch(singleUrl(server, 'legacy', 'e'), {
      method: 'POST',
      headers: { apikey: server.anonKey },
      body: new TextEncoder().encode('{}'),
    });
    expect(response.status).toBe(202);
  });

  it('answers 401 Unauthorized without a valid token', async () => {
    const server = await testServer();
    const attempts: Record<string, string>[] = [
      {},
      { apikey: 'not-a-jwt' },
      { authorization: 'Bearer not-a-jwt' },
    ];
    for (const headers of attempts) {
      const response = await fetch(singleUrl(server, 'guarded', 'e'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('refuses private=true from anon with 403 Unauthorized and delivers nothing', async () => {
    const server = await testServer();
    const token = await server.mintToken({ sub: 'user-1' });
    const toPrivate = await receiver(server, 'vault', 'e', { token, private: true });
    const refused = await fetch(singleUrl(server, 'vault', 'e', '?private=true'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: server.anonKey },
      body: '{"from":"fetch"}',
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ message: 'Unauthorized' });
    const anon = client(server).channel('vault', { config: { private: true } });
    await expect(anon.httpSend('e', { from: 'anon' })).rejects.toThrow('Unauthorized');
    const user = client(server);
    await user.realtime.setAuth(token);
    await user.channel('vault', { config: { private: true } }).httpSend('e', { from: 'user' });
    await until(() => toPrivate.length === 1, 10_000, 'the signed-in message');
    expect(toPrivate.map((entry) => entry.payload)).toEqual([{ from: 'user' }]);
  });

  it('delivers private=true from a signed-in user to the private channel only', async () => {
    const server = await testServer();
    const token = await server.mintToken({ sub: 'user-1' });
    const toPrivate = await receiver(server, 'split', 'e', { token, private: true });
    const toPublic = await receiver(server, 'split', 'e', { vsn: '1.0.0' });
    const a = client(server);
    await a.realtime.setAuth(token);
    expect(
      await a.channel('split', { config: { private: true } }).httpSend('e', { to: 'private' }),
    ).toEqual({ success: true });
    // A second client: supabase.channel(sameName) would return the private instance again.
    const b = client(server).channel('split');
    expect(await b.httpSend('e', { to: 'public' })).toEqual({ success: true });
    await until(() => toPrivate.length === 1 && toPublic.length === 1, 10_000, 'both deliveries');
    expect(toPrivate).toEqual([{ type: 'broadcast', event: 'e', payload: { to: 'private' } }]);
    expect(toPublic).toEqual([{ type: 'broadcast', event: 'e', payload: { to: 'public' } }]);
  });

  it('answers 422 for a payload over the size limit, JSON or binary', async () => {
    const server = await testServer({ limits: { maxPayloadSizeKb: 1 } });
    const toB = await receiver(server, 'heavy', 'e');
    const a = client(server).channel('heavy');
    for (const [type, body] of [
      ['application/json', JSON.stringify({ text: 'x'.repeat(3000) })],
      ['application/octet-stream', new Uint8Array(3000)],
    ] as const) {
      const response = await fetch(singleUrl(server, 'heavy', 'e'), {
        method: 'POST',
        headers: { 'content-type': type, apikey: server.anonKey },
        body,
      });
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({
        errors: { payload: ['Payload size exceeds tenant limit'] },
      });
    }
    await expect(a.httpSend('e', { text: 'x'.repeat(3000) })).rejects.toThrow();
    await a.httpSend('e', { ok: 1 });
    await until(() => toB.length === 1, 10_000, 'the small message');
    expect(toB.map((entry) => entry.payload)).toEqual([{ ok: 1 }]);
  });
});

describe('REST CORS', () => {
  it.each([
    { endpoint: 'batch', url: (server: RoomkitServer) => batchUrl(server) },
    { endpoint: 'single', url: (server: RoomkitServer) => singleUrl(server, 'room', 'e') },
  ])(
    'answers a preflight on the $endpoint endpoint with 204 and open CORS headers',
    async ({ url }) => {
      const server = await testServer();
      const response = await fetch(url(server), {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:5173',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'apikey, authorization, content-type, x-client-info',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const allowed = (response.headers.get('access-control-allow-headers') ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase());
      expect(allowed).toEqual(
        expect.arrayContaining(['apikey', 'authorization', 'content-type', 'x-client-info']),
      );
      expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
    },
  );

  it('sends access-control-allow-origin on the POST response too', async () => {
    const server = await testServer();
    const response = await fetch(batchUrl(server), {
      method: 'POST',
      headers: {
        origin: 'http://localhost:5173',
        'content-type': 'application/json',
        apikey: server.anonKey,
      },
      body: JSON.stringify({ messages: [{ topic: 't', event: 'e', payload: {} }] }),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
