import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../devApi';
import type { RoomkitServer } from '../startServer';
import { failOnProcessErrors, recordingLogger, testServer, until } from './helpers';
import { RawClient, socketUrl } from './rawClient';

failOnProcessErrors();

const MB = 1024 * 1024;

function rss(): number {
  return process.memoryUsage().rss;
}

/** A socket that never reads what the server sends, as a frozen tab or a hostile client. */
async function nonReader(server: RoomkitServer): Promise<WebSocket> {
  const socket = new WebSocket(socketUrl(server, { apikey: server.anonKey, vsn: '2.0.0' }));
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('open', resolve));
  socket.pause();
  return socket;
}

/** The raw stream under a `ws` socket, to see how much the client itself has not yet sent. */
function unsent(socket: WebSocket): number {
  return (socket as unknown as { _socket: { writableLength: number } })._socket.writableLength;
}

describe('memory under sockets that stop reading', () => {
  it('stays bounded while six non-reading sockets flood heartbeats, and comes back down after', async () => {
    const server = await testServer();
    const sockets = await Promise.all(Array.from({ length: 6 }, () => nonReader(server)));
    const before = rss();
    let peak = before;
    const beat = '[null,"1","phoenix","heartbeat",{}]';
    // Each heartbeat leaves a reply queued on the server. Flood until 2 million are sent (over
    // 600 MB of queued replies when small frames are counted by their bytes alone), or until the
    // server stops reading from the flooders for two seconds.
    let sent = 0;
    let lastProgress = Date.now();
    while (sent < 2_000_000 && Date.now() - lastProgress < 2000) {
      let progressed = false;
      for (const socket of sockets) {
        for (let burst = 0; burst < 50 && unsent(socket) < MB; burst++) {
          socket.send(beat);
          sent++;
          progressed = true;
        }
      }
      if (progressed) lastProgress = Date.now();
      peak = Math.max(peak, rss());
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(peak - before, `peak RSS growth after ${sent} heartbeats`).toBeLessThan(200 * MB);

    // A client that reads is served all along.
    const healthy = await RawClient.open(server, '2.0.0');
    expect((await healthy.heartbeat()).payload).toEqual({ status: 'ok', response: {} });

    for (const socket of sockets) socket.terminate();
    await until(() => server.connectionCount() === 1, 10_000, 'the flooders to be gone');
    await until(() => rss() - before < 150 * MB, 20_000, 'RSS to come back down');
  }, 90_000);

  it('drops the socket holding the most unsent output first when the server-wide cap is reached', async () => {
    const logger = recordingLogger();
    const server = await testServer({
      dev: true,
      logger,
      limits: { maxTotalBufferedBytes: 8 * MB, maxEventsPerSecond: 1_000_000 },
    });
    const as = async (sub: string) =>
      RawClient.open(server, '2.0.0', { key: await server.mintToken({ sub }) });
    // Heavy is in two rooms and light in one, so heavy always holds about twice as much.
    const heavy = await as('heavy');
    await heavy.join('realtime:room-a');
    await heavy.join('realtime:room-b');
    const light = await as('light');
    await light.join('realtime:room-a');
    const reader = await as('reader');
    await reader.join('realtime:room-a');
    const sender = await as('sender');
    const senderA = await sender.join('realtime:room-a');
    const senderB = await sender.join('realtime:room-b');
    for (const client of [heavy, light]) client.pauseReading();

    const list = (await (
      await fetch(`${server.url}/roomkit/v1/connections`, {
        headers: { apikey: server.anonKey },
      })
    ).json()) as ConnectionInfo[];
    const idOf = (sub: string) => list.find((connection) => connection.sub === sub)?.id;
    const dropped = () =>
      logger.lines
        .filter((line) => line.startsWith('slow consumer dropped'))
        .map((line) => String((JSON.parse(line.slice(line.indexOf('{'))) as { id: number }).id));

    const payload = { text: 'x'.repeat(4000) };
    for (let round = 0; round < 20_000 && dropped().length === 0; round++) {
      sender.send(senderA, 'realtime:room-a', 'broadcast', {
        type: 'broadcast',
        event: 'e',
        payload,
      });
      sender.send(senderB, 'realtime:room-b', 'broadcast', {
        type: 'broadcast',
        event: 'e',
        payload,
      });
      if (round % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => dropped().length > 0, 10_000, 'a slow consumer to be dropped');
    expect(dropped()).toEqual([idOf('heavy')]);
    expect(logger.lines).toContainEqual(expect.stringMatching(/server output cap/));
    // Light keeps its socket; the reader keeps receiving.
    const probe = reader.broadcasts().length;
    sender.send(senderA, 'realtime:room-a', 'broadcast', { type: 'broadcast', event: 'probe' });
    await until(() => reader.broadcasts().length > probe, 10_000, 'the reader to get the probe');
    expect(server.connectionCount()).toBe(3);
  }, 60_000);
});
