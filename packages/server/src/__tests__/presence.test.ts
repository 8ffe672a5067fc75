import type { RealtimeChannel } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import type { RoomkitServer } from '../startServer';
import { VERSIONS, client, joined, sleep, testServer, until } from './helpers';
import { RawClient } from './rawClient';

type State = Record<string, { presence_ref: string; [key: string]: unknown }[]>;

function keysOf(channel: RealtimeChannel): string[] {
  return Object.keys(channel.presenceState() as State).sort();
}

describe.each(VERSIONS)('presence on vsn %s', (vsn) => {
  it('syncs, joins and leaves across three clients', async () => {
    const server = await testServer();
    const channels = ['a', 'b', 'c'].map((key) =>
      client(server, { vsn }).channel('lobby', { config: { presence: { key } } }),
    );
    const [a, b, c] = channels as [RealtimeChannel, RealtimeChannel, RealtimeChannel];
    const joinsSeenByA: string[] = [];
    const leavesSeenByA: string[] = [];
    a.on('presence', { event: 'join' }, ({ key }) => joinsSeenByA.push(key));
    a.on('presence', { event: 'leave' }, ({ key }) => leavesSeenByA.push(key));
    for (const channel of channels) {
      channel.on('presence', { event: 'sync' }, () => {});
      await joined(channel);
      expect(await channel.track({ name: channel.params.config.presence?.key })).toBe('ok');
    }
    await until(() => channels.every((channel) => keysOf(channel).length === 3), 10_000, 'sync');
    expect(keysOf(b)).toEqual(['a', 'b', 'c']);
    expect((b.presenceState() as State).c?.[0]).toMatchObject({ name: 'c' });
    expect(joinsSeenByA.sort()).toEqual(['a', 'b', 'c']);

    await c.unsubscribe();
    await until(() => keysOf(a).length === 2, 10_000, 'c to leave');
    expect(leavesSeenByA).toEqual(['c']);
    expect(keysOf(b)).toEqual(['a', 'b']);
  });

  it('shows a key tracked from two sockets once, with two metas, until one closes', async () => {
    const server = await testServer();
    const observer = client(server, { vsn }).channel('tabs');
    observer.on('presence', { event: 'sync' }, () => {});
    await joined(observer);
    const tab1 = await joined(
      client(server, { vsn }).channel('tabs', { config: { presence: { key: 'ann' } } }),
    );
    const tab2Client = client(server, { vsn });
    const tab2 = await joined(tab2Client.channel('tabs', { config: { presence: { key: 'ann' } } }));
    await tab1.track({ tab: 1 });
    await tab2.track({ tab: 2 });
    await until(() => (observer.presenceState() as State).ann?.length === 2, 10_000, 'two metas');
    expect(keysOf(observer)).toEqual(['ann']);

    tab2Client.realtime.disconnect();
    await until(() => (observer.presenceState() as State).ann?.length === 1, 10_000, 'one meta');
    expect((observer.presenceState() as State).ann?.[0]).toMatchObject({ tab: 1 });
  });

  it('sends an update as one diff with the new meta and the old one leaving', async () => {
    const server = await testServer();
    const a = await joined(
      client(server, { vsn }).channel('upd', { config: { presence: { key: 'a' } } }),
    );
    const b = client(server, { vsn }).channel('upd');
    const events: string[] = [];
    b.on('presence', { event: 'join' }, ({ newPresences }) =>
      events.push(`join:${String(newPresences[0]?.status)}`),
    );
    b.on('presence', { event: 'leave' }, ({ leftPresences }) =>
      events.push(`leave:${String(leftPresences[0]?.status)}`),
    );
    await joined(b);
    await a.track({ status: 'online' });
    await until(() => events.length === 1, 10_000, 'first join');
    await a.track({ status: 'away' });
    await until(() => events.length === 3, 10_000, 'update');
    expect(events).toEqual(['join:online', 'join:away', 'leave:online']);
    expect((b.presenceState() as State).a).toHaveLength(1);
  });

  it('treats a repeated identical track as a no-op', async () => {
    const server = await testServer();
    const a = await joined(
      client(server, { vsn }).channel('same', { config: { presence: { key: 'a' } } }),
    );
    const b = client(server, { vsn }).channel('same');
    let joins = 0;
    b.on('presence', { event: 'join' }, () => joins++);
    await joined(b);
    await a.track({ x: 1 });
    await until(() => joins === 1, 10_000, 'join');
    expect(await a.track({ x: 1 })).toBe('ok');
    await sleep(150);
    expect(joins).toBe(1);
  });

  it('removes an untracked user', async () => {
    const server = await testServer();
    const a = await joined(
      client(server, { vsn }).channel('untrack', { config: { presence: { key: 'a' } } }),
    );
    const b = client(server, { vsn }).channel('untrack');
    b.on('presence', { event: 'sync' }, () => {});
    await joined(b);
    await a.track({});
    await until(() => keysOf(b).length === 1, 10_000, 'track');
    expect(await a.untrack()).toBe('ok');
    await until(() => keysOf(b).length === 0, 10_000, 'untrack');
  });

  it('gives a client without a key a fresh key per join', async () => {
    const server = await testServer();
    const a = client(server, { vsn }).channel('anon');
    a.on('presence', { event: 'sync' }, () => {});
    await joined(a);
    await a.track({ who: 'anonymous' });
    await until(() => keysOf(a).length === 1, 10_000, 'own join');
    expect(keysOf(a)[0]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('presence rate limit', () => {
  it('closes a channel that makes a sixth presence call within 30 s, with the real text', async () => {
    const server = await testServer();
    const supabase = client(server);
    const channel = supabase.channel('limited', { config: { presence: { key: 'a' } } });
    const system: { message: string; status: string }[] = [];
    const statuses: string[] = [];
    channel.on('system', {}, (payload: { message: string; status: string }) =>
      system.push(payload),
    );
    channel.subscribe((status) => statuses.push(status));
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'subscribe');
    for (let i = 1; i <= 5; i++) expect(await channel.track({ i })).toBe('ok');
    void channel.track({ i: 6 });
    await until(() => statuses.includes('CLOSED'), 10_000, 'close');
    expect(system).toContainEqual(
      expect.objectContaining({ status: 'error', message: 'Client presence rate limit exceeded' }),
    );
  });

  it('allows five calls again once the window has passed', async () => {
    const server = await testServer({ limits: { presenceWindowMs: 300 } });
    const channel = await joined(
      client(server).channel('window', { config: { presence: { key: 'a' } } }),
    );
    for (let i = 1; i <= 5; i++) expect(await channel.track({ i })).toBe('ok');
    await sleep(350);
    for (let i = 6; i <= 10; i++) expect(await channel.track({ i })).toBe('ok');
    expect(channel.state).toBe('joined');
  });
});

describe('presence keys named like Object.prototype members', () => {
  const keys = ['__proto__', 'constructor', 'toString'];

  async function trackAs(server: RoomkitServer, topic: string, key: string, payload: unknown) {
    const raw = await RawClient.open(server, '2.0.0');
    const joinRef = await raw.join(topic, { presence: { key, enabled: true } });
    const ref = raw.send(joinRef, topic, 'presence', { type: 'presence', event: 'track', payload });
    expect((await raw.reply(ref)).payload).toMatchObject({ status: 'ok' });
    return { raw, joinRef };
  }

  it('sends a later joiner every key in presence_state, __proto__, constructor and toString included', async () => {
    const server = await testServer();
    const topic = 'realtime:proto-keys';
    for (const key of keys) await trackAs(server, topic, key, { name: key });
    const late = await RawClient.open(server, '2.0.0');
    await late.join(topic, { presence: { key: 'late', enabled: true } });
    await until(
      () => late.received.some((message) => message.event === 'presence_state'),
      3000,
      'presence_state',
    );
    const state = late.received.find((message) => message.event === 'presence_state')
      ?.payload as Record<string, { metas: { name: string }[] }>;
    expect(Object.keys(state).sort()).toEqual([...keys].sort());
    for (const key of keys) expect(state[key]?.metas[0]?.name).toBe(key);
    // The join completed after presence_state: a broadcast to the late joiner still arrives.
    const sender = await RawClient.open(server, '2.0.0');
    const senderRef = await sender.join(topic);
    sender.send(senderRef, topic, 'broadcast', {
      type: 'broadcast',
      event: 'e',
      payload: { n: 1 },
    });
    await until(() => late.broadcasts().length === 1, 3000, 'the broadcast');
  });

  it('sends the old meta of a user tracked as __proto__ as a leave when it tracks again', async () => {
    const server = await testServer();
    const topic = 'realtime:proto-leave';
    const observer = await RawClient.open(server, '2.0.0');
    await observer.join(topic, { presence: { key: 'observer', enabled: true } });
    const { raw, joinRef } = await trackAs(server, topic, '__proto__', { v: 1 });
    raw.send(joinRef, topic, 'presence', { type: 'presence', event: 'track', payload: { v: 2 } });
    const diffs = () =>
      observer.received
        .filter((message) => message.event === 'presence_diff')
        .map((message) => message.payload as { leaves: Record<string, { metas: unknown[] }> });
    await until(() => diffs().length === 2, 3000, 'the second diff');
    expect(Object.keys(diffs()[1]?.leaves ?? {})).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(diffs()[1]?.leaves, '__proto__')?.value).toMatchObject({
      metas: [{ v: 1 }],
    });
  });
});

describe('presence metas', () => {
  it('puts the server refs after the payload, replacing refs the payload brings', async () => {
    const server = await testServer();
    const topic = 'realtime:refs';
    const observer = await RawClient.open(server, '2.0.0');
    await observer.join(topic, { presence: { key: 'observer', enabled: true } });
    const raw = await RawClient.open(server, '2.0.0');
    const joinRef = await raw.join(topic, { presence: { key: 'k', enabled: true } });
    const track = (payload: unknown) =>
      raw.reply(
        raw.send(joinRef, topic, 'presence', { type: 'presence', event: 'track', payload }),
      );
    const joined = () =>
      observer.received
        .filter((message) => message.event === 'presence_diff')
        .map(
          (message) => (message.payload as { joins: Record<string, { metas: unknown[] }> }).joins,
        )
        .flatMap((joins) => joins.k?.metas ?? []);
    expect((await track({ a: 1 })).payload).toMatchObject({ status: 'ok' });
    await until(() => joined().length === 1, 3000, 'the first diff');
    const first = joined()[0] as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['a', 'phx_ref']);
    expect(first.phx_ref).toMatch(/^[\w-]{16}$/);

    expect(
      (await track({ phx_ref: 'mine', phx_ref_prev: 'also mine', b: 2 })).payload,
    ).toMatchObject({
      status: 'ok',
    });
    await until(() => joined().length === 2, 3000, 'the update');
    const second = joined()[1] as Record<string, unknown>;
    expect(second).toEqual({
      phx_ref: expect.stringMatching(/^[\w-]{16}$/),
      phx_ref_prev: first.phx_ref,
      b: 2,
    });
    expect(second.phx_ref).not.toBe(first.phx_ref);
  });
});
