import type { RealtimeChannel } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import type { RoomkitServer } from '../startServer';
import { client, failOnProcessErrors, joined, recordingLogger, testServer, until } from './helpers';
import { RawClient } from './rawClient';

failOnProcessErrors();

type State = Record<string, { presence_ref: string; [key: string]: unknown }[]>;

const KB = 1024;
const MB = 1024 * KB;

function stateOf(channel: RealtimeChannel): State {
  return channel.presenceState() as State;
}

/** A channel on its own client with a presence key, joined. */
async function member(server: RoomkitServer, topic: string, key: string) {
  const channel = client(server).channel(topic, { config: { presence: { key } } });
  channel.on('presence', { event: 'sync' }, () => {});
  return joined(channel);
}

/** A joined channel that watches a room's presence and tracks nothing. */
async function observer(server: RoomkitServer, topic: string) {
  return member(server, topic, `observer-${topic}`);
}

describe('the server-wide presence budget', () => {
  it('refuses a track past maxPresenceBytes with an error reply and keeps what is stored', async () => {
    const logger = recordingLogger();
    const server = await testServer({ logger, limits: { maxPresenceBytes: 250 * KB } });
    const blob = (fill: string) => ({ blob: fill.repeat(100 * KB) });
    const watching = await observer(server, 'room-1');
    const a = await member(server, 'room-1', 'a');
    const b = await member(server, 'room-2', 'b');
    const c = await member(server, 'room-3', 'c');
    expect(await a.track(blob('a'))).toBe('ok');
    expect(await b.track(blob('b'))).toBe('ok');
    await until(() => stateOf(watching).a?.length === 1, 10_000, 'a to be seen');
    const held = server.stats.presenceBytes;
    expect(held).toBeGreaterThan(200 * KB);

    expect(await c.track(blob('c'))).toBe('error');
    // A growing update is refused too, and the observer still sees a's first meta.
    expect(await a.track({ ...blob('a'), more: 'x'.repeat(60 * KB) })).toBe('error');
    expect(server.stats.presenceBytes).toBe(held);
    expect(logger.lines).toContainEqual(
      expect.stringContaining(
        `PresenceLimitReached: the server holds at most ${250 * KB} bytes of presence (maxPresenceBytes)`,
      ),
    );
    expect(stateOf(watching).a).toEqual([expect.objectContaining({ blob: 'a'.repeat(100 * KB) })]);
    expect(a.state).toBe('joined');

    // The refused room stays usable: a small track and a broadcast both go through.
    expect(await c.track({ status: 'small' })).toBe('ok');
    const received: unknown[] = [];
    const listener = client(server).channel('room-3');
    listener.on('broadcast', { event: 'ping' }, (message) => received.push(message.payload));
    listener.on('presence', { event: 'sync' }, () => {});
    await joined(listener);
    await until(() => stateOf(listener).c?.length === 1, 10_000, 'c to be seen');
    expect(stateOf(listener).c?.[0]).toMatchObject({ status: 'small' });
    await c.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } });
    await until(() => received.length === 1, 10_000, 'the broadcast');
  });

  it('names the reason in the reply to a refused track', async () => {
    const server = await testServer({ limits: { maxPresenceBytes: 10 * KB } });
    const raw = await RawClient.open(server, '2.0.0');
    const topic = 'realtime:reason';
    const joinRef = await raw.join(topic, { presence: { key: 'k', enabled: true } });
    const ref = raw.send(joinRef, topic, 'presence', {
      type: 'presence',
      event: 'track',
      payload: { blob: 'x'.repeat(20 * KB) },
    });
    expect((await raw.reply(ref)).payload).toEqual({
      status: 'error',
      response: {
        reason: `PresenceLimitReached: the server holds at most ${10 * KB} bytes of presence (maxPresenceBytes)`,
      },
    });
    expect(server.stats.presenceBytes).toBe(0);
  });

  it('gives the budget back when a member untracks or leaves, down to zero', async () => {
    const server = await testServer({ limits: { maxPresenceBytes: 150 * KB } });
    const blob = { blob: 'x'.repeat(100 * KB) };
    const a = await member(server, 'free-1', 'a');
    const b = await member(server, 'free-2', 'b');
    expect(await a.track(blob)).toBe('ok');
    expect(await b.track(blob)).toBe('error');
    expect(await a.untrack()).toBe('ok');
    expect(server.stats.presenceBytes).toBe(0);
    expect(await b.track(blob)).toBe('ok');
    expect(await a.track(blob)).toBe('error');
    await b.unsubscribe();
    await until(() => server.stats.presenceBytes === 0, 10_000, 'b to leave');
    expect(await a.track(blob)).toBe('ok');
  });
});

describe('the per-room presence bound', () => {
  it('keeps a room joinable: a joiner gets the whole presence_state instead of being cut', async () => {
    const logger = recordingLogger();
    // A 4 MiB socket cap bounds one room's presence at 2 MiB; the server-wide budget is larger.
    const server = await testServer({
      logger,
      limits: { maxBufferedBytes: 4 * MB, maxPresenceBytes: 64 * MB },
    });
    const topic = 'crowded';
    const results: string[] = [];
    // Five 900 KB metas would make a 4.5 MB presence_state, past the joiner's socket cap.
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) {
      const channel = await member(server, topic, key);
      results.push(await channel.track({ blob: key.repeat(450 * KB) }));
    }
    expect(results).toEqual(['ok', 'ok', 'error', 'error', 'error']);
    expect(logger.lines).toContainEqual(
      expect.stringContaining(
        `PresenceLimitReached: a room holds at most ${2 * MB} bytes of presence (half of maxBufferedBytes)`,
      ),
    );

    const opened = server.stats.connectionsOpened;
    const joiner = client(server).channel(topic);
    const statuses: string[] = [];
    joiner.on('presence', { event: 'sync' }, () => {});
    joiner.subscribe((status) => statuses.push(status));
    await until(() => Object.keys(stateOf(joiner)).length === 2, 20_000, 'the presence_state');
    expect(stateOf(joiner).k1?.[0]).toMatchObject({ blob: 'k1'.repeat(450 * KB) });
    expect(stateOf(joiner).k2?.[0]).toMatchObject({ blob: 'k2'.repeat(450 * KB) });
    expect(statuses).toEqual(['SUBSCRIBED']);
    expect(joiner.state).toBe('joined');
    // Its one socket was kept: no drop, no reconnect.
    expect(server.stats.connectionsOpened).toBe(opened + 1);
    expect(logger.lines.some((line) => line.startsWith('slow consumer dropped'))).toBe(false);
  }, 60_000);
});
