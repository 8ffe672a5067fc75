import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../devApi';
import { DEFAULT_LIMITS } from '../options';
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

/** Heap and buffer memory still held after a full garbage collection. */
function heldAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // A second pass collects what the first only finalized.
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/**
 * A socket that joins topics and tracks presence, keeping only the replies it waits for: the
 * large presence diffs it is sent are dropped unread, so RSS measures what the server holds.
 */
async function presenceTracker(server: RoomkitServer) {
  const socket = new WebSocket(socketUrl(server, { apikey: server.anonKey, vsn: '2.0.0' }));
  await new Promise((resolve) => socket.once('open', resolve));
  const waiting = new Map<string, (status: string) => void>();
  socket.on('message', (data: Buffer) => {
    if (data.length > 10_000) return;
    const [, ref, , event, body] = JSON.parse(data.toString()) as [
      unknown,
      string | null,
      string,
      string,
      { status: string },
    ];
    if (event === 'phx_reply' && ref !== null) waiting.get(ref)?.(body.status);
  });
  let nextRef = 1;
  const push = (joinRef: string | null, topic: string, event: string, body: unknown) => {
    const ref = String(nextRef++);
    const status = new Promise<string>((resolve) => waiting.set(ref, resolve));
    socket.send(JSON.stringify([joinRef ?? ref, ref, topic, event, body]));
    return { ref, status };
  };
  return {
    socket,
    async joinAndTrack(topic: string, payload: unknown): Promise<string> {
      const join = push(null, topic, 'phx_join', {
        config: { presence: { key: 'k', enabled: true } },
      });
      expect(await join.status).toBe('ok');
      return push(join.ref, topic, 'presence', { type: 'presence', event: 'track', payload })
        .status;
    },
  };
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

  it('holds presence within maxPresenceBytes while four sockets track 3 MB payloads on 25 channels each', async () => {
    const server = await testServer();
    const limit = DEFAULT_LIMITS.maxPresenceBytes;
    const heldBefore = heldAfterGc();
    const before = rss();
    let peak = before;
    const payload = { blob: 'x'.repeat(3_000_000) };
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, async (_, socketIndex) => {
        const tracker = await presenceTracker(server);
        const statuses: string[] = [];
        for (let channel = 0; channel < 25; channel++) {
          statuses.push(
            await tracker.joinAndTrack(`realtime:flood-${socketIndex}-${channel}`, payload),
          );
          peak = Math.max(peak, rss());
          expect(server.stats.presenceBytes).toBeLessThanOrEqual(limit);
        }
        return { tracker, statuses };
      }),
    );
    const statuses = outcomes.flatMap((outcome) => outcome.statuses);
    const accepted = statuses.filter((status) => status === 'ok').length;
    // 32 MiB holds eleven 3 MB metas; the other 89 tracks are refused.
    expect(accepted).toBe(Math.floor(limit / 3_000_100));
    expect(statuses.filter((status) => status === 'error')).toHaveLength(100 - accepted);
    // Without the budget, the same flood keeps 300 MB of presence on the server.
    expect(heldAfterGc() - heldBefore, 'memory kept after the flood').toBeLessThan(2 * limit);
    expect(peak - before, 'peak RSS growth').toBeLessThan(300 * MB);
    for (const { tracker } of outcomes) tracker.socket.terminate();
    await until(() => server.stats.presenceBytes === 0, 10_000, 'presence to be given back');
  }, 120_000);
});
