import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../devApi';
import type { RoomkitServer } from '../startServer';
import { collect, joined, sleep, testServer, until } from './helpers';

const clients: SupabaseClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((supabase) => supabase.removeAllChannels()));
});

/** A user's official client: the anon key on the socket, the user's token on every join. */
async function userClient(
  server: RoomkitServer,
  sub: string,
  heartbeatIntervalMs = 25_000,
): Promise<SupabaseClient> {
  const token = await server.mintToken({ sub, role: 'authenticated' });
  const supabase = createClient(server.url, server.anonKey, {
    accessToken: async () => token,
    realtime: { transport: WebSocket as never, reconnectAfterMs: () => 100, heartbeatIntervalMs },
  });
  clients.push(supabase);
  return supabase;
}

async function call(
  server: RoomkitServer,
  path: string,
  init: { method?: string; body?: string; apikey?: string | null } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.apikey !== null) headers.apikey = init.apikey ?? server.anonKey;
  const response = await fetch(`${server.url}/roomkit/v1/${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body,
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('development endpoints', () => {
  it('lists sockets with the user of their newest token and their channels', async () => {
    const server = await testServer({ dev: true });
    const alice = await userClient(server, 'alice');
    await joined(alice.channel('room-1'));
    const { status, body } = await call(server, 'connections');
    expect(status).toBe(200);
    const list = body as ConnectionInfo[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      sub: 'alice',
      role: 'authenticated',
      vsn: '2.0.0',
      channels: ['realtime:room-1'],
    });
    expect(Date.parse(list[0]?.connectedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it("drops one user's socket like a lost network: it reconnects and rejoins, others are untouched", async () => {
    const server = await testServer({ dev: true });
    const alice = await userClient(server, 'alice');
    const bob = await userClient(server, 'bob');
    const aliceRoom = alice.channel('room-1');
    const statuses: string[] = [];
    const heard = collect(aliceRoom, 'ping');
    aliceRoom.subscribe((status) => statuses.push(status));
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'alice joined');
    const bobRoom = await joined(bob.channel('room-1', { config: { broadcast: { self: true } } }));
    const bobHeard = collect(bobRoom, 'ping');
    const bobSocket = async () =>
      ((await call(server, 'connections')).body as ConnectionInfo[]).find((c) => c.sub === 'bob')
        ?.id;
    const bobBefore = await bobSocket();

    const dropped = await call(server, 'connections/drop', {
      method: 'POST',
      body: JSON.stringify({ sub: 'alice' }),
    });
    expect(dropped).toEqual({ status: 200, body: { dropped: 1 } });
    // The client saw an abnormal close and comes back by itself to SUBSCRIBED.
    await until(() => statuses.filter((s) => s === 'SUBSCRIBED').length === 2, 10_000, 'rejoin');
    expect(statuses).toContain('CHANNEL_ERROR');
    // Bob's socket is the same one: never closed.
    expect(await bobSocket()).toBe(bobBefore);
    await bobRoom.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } });
    await until(() => heard.length === 1 && bobHeard.length === 1, 10_000, 'both hear bob');
    expect(server.connectionCount()).toBe(2);
  });

  it('counts the frames it writes to each socket and in all', async () => {
    const server = await testServer({ dev: true });
    const alice = await userClient(server, 'alice');
    const bob = await userClient(server, 'bob');
    const heard = collect(await joined(alice.channel('room-1')), 'ping');
    const bobRoom = await joined(bob.channel('room-1'));
    const sent = async () => {
      const list = (await call(server, 'connections')).body as ConnectionInfo[];
      return Object.fromEntries(list.map((socket) => [socket.sub, socket.framesSent]));
    };
    const before = await sent();
    const total = server.stats.framesSent;
    // Each socket got at least its join's reply.
    expect(before.alice).toBeGreaterThanOrEqual(1);
    expect(before.bob).toBeGreaterThanOrEqual(1);
    expect(total).toBeGreaterThanOrEqual((before.alice ?? 0) + (before.bob ?? 0));
    for (let n = 1; n <= 3; n++) {
      await bobRoom.send({ type: 'broadcast', event: 'ping', payload: { n } });
    }
    await until(() => heard.length === 3, 10_000, 'alice hears three pings');
    // Three deliveries to alice; bob's sends need no reply (no ack) and do not come back to him.
    expect(await sent()).toEqual({ alice: (before.alice ?? 0) + 3, bob: before.bob });
    expect(server.stats.framesSent).toBe(total + 3);
  });

  it('stalls a socket: its heartbeats go unanswered, the client gives up on it and reconnects', async () => {
    const server = await testServer({ dev: true });
    const alice = await userClient(server, 'alice', 300);
    const room = alice.channel('room-1');
    const statuses: string[] = [];
    room.subscribe((status) => statuses.push(status));
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'alice joined');
    const before = ((await call(server, 'connections')).body as ConnectionInfo[])[0]?.id;
    expect(
      await call(server, 'connections/stall', { method: 'POST', body: '{"sub":"alice"}' }),
    ).toEqual({ status: 200, body: { stalled: 1 } });
    // The heartbeat timeout closes the stalled socket on the client side; it comes back on a new one.
    await until(() => statuses.filter((s) => s === 'SUBSCRIBED').length === 2, 10_000, 'rejoin');
    const ids = ((await call(server, 'connections')).body as ConnectionInfo[])
      .filter((info) => info.channels.includes('realtime:room-1'))
      .map((info) => info.id);
    // The stalled socket lingers at the server (it reads nothing, not even the close) until the
    // 60 s idle timeout; the client is on a new one.
    expect(ids).toContain(before);
    expect(ids.filter((id) => id !== before)).toHaveLength(1);
  });

  it('bounds a stall: the idle timeout closes the stalled socket, and the client is back on a new one', async () => {
    const server = await testServer({ dev: true, limits: { idleTimeoutMs: 800 } });
    const alice = await userClient(server, 'alice', 300);
    const room = alice.channel('room-1');
    const statuses: string[] = [];
    room.subscribe((status) => statuses.push(status));
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'alice joined');
    const stalledId = ((await call(server, 'connections')).body as ConnectionInfo[])[0]?.id;
    expect((await call(server, 'connections/stall', { method: 'POST' })).body).toEqual({
      stalled: 1,
    });
    await until(() => statuses.filter((s) => s === 'SUBSCRIBED').length >= 2, 10_000, 'rejoin');
    // The stalled socket reads nothing, so nothing it is sent refreshes its idle clock.
    let ids = [stalledId];
    for (const started = Date.now(); ids.includes(stalledId) && Date.now() - started < 10_000;) {
      await sleep(100);
      ids = ((await call(server, 'connections')).body as ConnectionInfo[]).map((info) => info.id);
    }
    expect(ids).not.toContain(stalledId);
    expect(ids).toHaveLength(1);
  });

  it('answers a stall with a bad body or method like a drop', async () => {
    const server = await testServer({ dev: true });
    expect(await call(server, 'connections/stall', { method: 'POST', body: '[1]' })).toEqual({
      status: 400,
      body: { message: 'The body must be an object with optional string fields "id" and "sub".' },
    });
    expect((await call(server, 'connections/stall')).status).toBe(405);
    expect(
      (await call(server, 'connections/stall', { method: 'POST', body: '{"sub":"nobody"}' })).body,
    ).toEqual({
      stalled: 0,
    });
  });

  it('drops by id, and every socket without a filter', async () => {
    const server = await testServer({ dev: true });
    const alice = await userClient(server, 'alice');
    const bob = await userClient(server, 'bob');
    await joined(alice.channel('a'));
    await joined(bob.channel('b'));
    const list = (await call(server, 'connections')).body as ConnectionInfo[];
    const bobs = list.find((info) => info.sub === 'bob');
    expect(
      (
        await call(server, 'connections/drop', {
          method: 'POST',
          body: JSON.stringify({ id: bobs?.id }),
        })
      ).body,
    ).toEqual({ dropped: 1 });
    expect(
      (
        await call(server, 'connections/drop', {
          method: 'POST',
          body: JSON.stringify({ sub: 'nobody' }),
        })
      ).body,
    ).toEqual({ dropped: 0 });
    await until(() => server.connectionCount() === 2, 10_000, 'bob reconnected');
    expect((await call(server, 'connections/drop', { method: 'POST' })).body).toEqual({
      dropped: 2,
    });
  });

  it('refuses a missing or bad apikey, a bad body, and answers 404 when off', async () => {
    const on = await testServer({ dev: true });
    expect(await call(on, 'connections', { apikey: null })).toEqual({
      status: 401,
      body: { message: 'Unauthorized: send a valid apikey header.' },
    });
    expect((await call(on, 'connections', { apikey: 'not-a-key' })).status).toBe(401);
    expect(await call(on, 'connections/drop', { method: 'POST', body: '{"sub":' })).toEqual({
      status: 400,
      body: { message: 'Request body is not valid JSON.' },
    });
    expect(
      await call(on, 'connections/drop', { method: 'POST', body: JSON.stringify({ sub: 7 }) }),
    ).toEqual({
      status: 400,
      body: { message: 'The body must be an object with optional string fields "id" and "sub".' },
    });
    expect((await call(on, 'connections', { method: 'POST' })).status).toBe(405);
    const off = await testServer();
    const refused = await call(off, 'connections');
    expect(refused.status).toBe(404);
    expect(JSON.stringify(refused.body)).toContain('--dev');
  });

  it('answers a browser preflight from another origin', async () => {
    const server = await testServer({ dev: true });
    const response = await fetch(`${server.url}/roomkit/v1/connections/drop`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:6006',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'apikey, content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('apikey');
  });
});
