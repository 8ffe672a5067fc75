import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import {
  client,
  collect,
  joined,
  recordingLogger,
  sleep,
  subscribe,
  testServer,
  until,
} from './helpers';

describe('limits', () => {
  it('refuses a join past the channels-per-socket limit with the real reason', async () => {
    const server = await testServer({ limits: { maxChannelsPerClient: 2 } });
    const supabase = client(server);
    await joined(supabase.channel('one'));
    await joined(supabase.channel('two'));
    const { status, error } = await subscribe(supabase.channel('three'));
    expect(status).toBe('CHANNEL_ERROR');
    expect(error?.message).toBe('ChannelRateLimitReached: Too many channels');
  });

  it('delays a refused join like the real server', async () => {
    const server = await testServer({ limits: { maxChannelsPerClient: 0, joinErrorDelayMs: 400 } });
    const started = Date.now();
    const { status } = await subscribe(client(server).channel('slow'));
    expect(status).toBe('CHANNEL_ERROR');
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('closes receiving channels once the message rate is over the limit, after delivering', async () => {
    const logger = recordingLogger();
    // The rate is averaged over the last 10 ticks of 100 ms: a burst of 20 messages keeps it at
    // or over 20/s for a whole second, however slowly the machine runs the test.
    const server = await testServer({
      logger,
      limits: { maxEventsPerSecond: 20, eventsTickMs: 100, eventsBuckets: 10 },
    });
    const sender = await joined(client(server).channel('busy'));
    const receiver = client(server).channel('busy');
    const received = collect(receiver, 'tick');
    const system: { message: string }[] = [];
    const statuses: string[] = [];
    receiver.on('system', {}, (payload: { message: string }) => system.push(payload));
    receiver.subscribe((status) => statuses.push(status));
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'subscribe');
    // 10 messages in + 10 deliveries: 20 within the averaged second, at the limit of 20/s.
    for (let i = 0; i < 10; i++)
      await sender.send({ type: 'broadcast', event: 'tick', payload: { i } });
    await until(() => received.length === 10, 10_000, 'first burst');
    // The next tick finds the rate over the limit and says so; the next message closes them.
    await until(
      () => logger.lines.some((line) => line.includes('MessagePerSecondRateLimitReached')),
      10_000,
      'the rate to trip',
    );
    expect(statuses).not.toContain('CLOSED');
    await sender.send({ type: 'broadcast', event: 'tick', payload: { i: 10 } });
    await until(() => statuses.includes('CLOSED'), 10_000, 'rate close');
    expect(received).toHaveLength(11);
    expect(system.map((entry) => entry.message)).toContain('Too many messages per second');
    expect(sender.state).toBe('joined');
  });

  it('answers an oversized broadcast with an error reply when ack is on', async () => {
    const server = await testServer({ limits: { maxPayloadSizeKb: 1 } });
    const a = await joined(client(server).channel('big', { config: { broadcast: { ack: true } } }));
    const b = client(server).channel('big');
    const received = collect(b, 'blob');
    await joined(b);
    expect(
      await a.send({ type: 'broadcast', event: 'blob', payload: { text: 'x'.repeat(2000) } }),
    ).toBe('error');
    expect(await a.send({ type: 'broadcast', event: 'blob', payload: { text: 'small' } })).toBe(
      'ok',
    );
    await until(() => received.length === 1, 10_000, 'small message');
    expect(received[0]).toMatchObject({ payload: { text: 'small' } });
  });

  it('replies to heartbeats, so a client with a short heartbeat stays connected', async () => {
    const server = await testServer({ limits: { idleTimeoutMs: 400 } });
    const supabase = client(server, { heartbeatIntervalMs: 100 });
    const channel = await joined(supabase.channel('alive'));
    await sleep(900);
    expect(channel.state).toBe('joined');
    expect(server.stats.connectionsOpened).toBe(1);
  });

  it('closes a socket that sends nothing for the idle timeout, with code 1000', async () => {
    const server = await testServer({ limits: { idleTimeoutMs: 300 } });
    const url = `${server.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${server.anonKey}&vsn=2.0.0`;
    // Timed from before the socket opens: the server's idle timer cannot start earlier, while
    // the client may see 'open' late on a loaded machine.
    const started = Date.now();
    const socket = new WebSocket(url);
    await new Promise((resolve) => socket.once('open', resolve));
    const code = await new Promise<number>((resolve) => socket.once('close', resolve));
    expect(code).toBe(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await until(() => server.connectionCount() === 0, 10_000, 'server to forget the socket');
  });

  it('closes only the socket that sends a frame over the frame limit', async () => {
    const server = await testServer({ limits: { maxFrameBytes: 10_000 } });
    const base = `${server.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${server.anonKey}&vsn=2.0.0`;
    const bad = new WebSocket(base);
    await new Promise((resolve) => bad.once('open', resolve));
    const other = await joined(client(server).channel('frames'));
    const closed = new Promise<number>((resolve) => bad.once('close', resolve));
    bad.send('x'.repeat(20_000));
    expect(await closed).toBe(1009);
    expect(other.state).toBe('joined');
  });
});
