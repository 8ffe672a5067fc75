import { describe, expect, it } from 'vitest';
import { VERSIONS, client, collect, joined, sleep, testServer, until } from './helpers';

describe.each(VERSIONS)('broadcast on vsn %s', (vsn) => {
  it('delivers a message from A to B and not back to A by default', async () => {
    const server = await testServer();
    const a = await joined(client(server, { vsn }).channel('room-1'));
    const bChannel = client(server, { vsn }).channel('room-1');
    const toA = collect(a, 'greet');
    const toB = collect(bChannel, 'greet');
    await joined(bChannel);
    expect(await a.send({ type: 'broadcast', event: 'greet', payload: { text: 'hi' } })).toBe('ok');
    await until(() => toB.length === 1, 10_000, 'B to receive');
    expect(toB[0]).toEqual({ type: 'broadcast', event: 'greet', payload: { text: 'hi' } });
    await sleep(100);
    expect(toA).toHaveLength(0);
  });

  it('echoes to the sender with self: true', async () => {
    const server = await testServer();
    const a = client(server, { vsn }).channel('room-self', {
      config: { broadcast: { self: true } },
    });
    const toA = collect(a, 'ping');
    await joined(a);
    await a.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } });
    await until(() => toA.length === 1, 10_000, 'self echo');
    expect(toA[0]).toMatchObject({ event: 'ping', payload: { n: 1 } });
  });

  it('acknowledges with ack: true', async () => {
    const server = await testServer();
    const a = await joined(
      client(server, { vsn }).channel('room-ack', { config: { broadcast: { ack: true } } }),
    );
    expect(await a.send({ type: 'broadcast', event: 'x', payload: {} })).toBe('ok');
    expect(server.stats.broadcasts).toBe(1);
  });
});

describe('broadcast across protocol versions', () => {
  it('lets vsn 1.0.0 and 2.0.0 clients in one room exchange JSON messages', async () => {
    const server = await testServer();
    const v1 = client(server, { vsn: '1.0.0' }).channel('mixed');
    const v2 = client(server, { vsn: '2.0.0' }).channel('mixed');
    const toV1 = collect(v1, 'm');
    const toV2 = collect(v2, 'm');
    await joined(v1);
    await joined(v2);
    await v1.send({ type: 'broadcast', event: 'm', payload: { from: 'v1' } });
    await v2.send({ type: 'broadcast', event: 'm', payload: { from: 'v2' } });
    await until(() => toV1.length === 1 && toV2.length === 1, 10_000, 'both to receive');
    expect(toV1[0]).toMatchObject({ payload: { from: 'v2' } });
    expect(toV2[0]).toMatchObject({ payload: { from: 'v1' } });
  });

  it('delivers binary payloads to vsn 2.0.0 clients as ArrayBuffers, and not to vsn 1.0.0', async () => {
    const server = await testServer();
    const sender = await joined(client(server).channel('bin'));
    const v2 = client(server).channel('bin');
    const v1 = client(server, { vsn: '1.0.0' }).channel('bin');
    const toV2 = collect<{ payload: ArrayBuffer }>(v2, 'blob');
    const toV1 = collect(v1, 'blob');
    const probe = collect(v1, 'probe');
    await joined(v2);
    await joined(v1);
    await sender.send({
      type: 'broadcast',
      event: 'blob',
      payload: new Uint8Array([1, 2, 3, 255]).buffer,
    });
    await sender.send({ type: 'broadcast', event: 'probe', payload: {} });
    await until(() => toV2.length === 1 && probe.length === 1, 10_000, 'binary delivery');
    expect(toV2[0]?.payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(toV2[0]?.payload as ArrayBuffer)]).toEqual([1, 2, 3, 255]);
    expect(toV1).toHaveLength(0);
  });

  it('keeps public and private channels of one name apart', async () => {
    const server = await testServer();
    const token = await server.mintToken({ sub: 'user-1' });
    const publicA = await joined(client(server).channel('split'));
    const privateSupabase = client(server);
    await privateSupabase.realtime.setAuth(token);
    const privateB = privateSupabase.channel('split', { config: { private: true } });
    const toPrivate = collect<{ payload: { from: string } }>(privateB, 'e');
    await joined(privateB);
    const privateSender = client(server);
    await privateSender.realtime.setAuth(token);
    const privateC = await joined(privateSender.channel('split', { config: { private: true } }));
    await publicA.send({ type: 'broadcast', event: 'e', payload: { from: 'public' } });
    await privateC.send({ type: 'broadcast', event: 'e', payload: { from: 'private' } });
    await until(() => toPrivate.length >= 1, 10_000, 'private delivery');
    await sleep(150);
    expect(toPrivate.map((message) => message.payload.from)).toEqual(['private']);
  });
});
