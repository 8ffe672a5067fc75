import { describe, expect, it } from 'vitest';
import { DEFAULT_PUBLISHABLE_KEY, DEFAULT_SECRET_KEY } from '../auth';
import { VERSIONS, client, collect, joined, subscribe, testServer, until } from './helpers';

interface SystemMessage {
  extension: string;
  status: string;
  message: string;
  channel: string;
}

describe.each(VERSIONS)('tokens on vsn %s', (vsn) => {
  it('closes a channel when its token expires, with the real system message', async () => {
    const server = await testServer();
    const supabase = client(server, { vsn });
    // Long enough that the join is answered before it, on a loaded machine too.
    await supabase.realtime.setAuth(await server.mintToken({ sub: 'u1', expiresIn: 4 }));
    const channel = supabase.channel('expiring');
    const system: SystemMessage[] = [];
    const statuses: string[] = [];
    channel.on('system', {}, (payload: SystemMessage) => system.push(payload));
    channel.subscribe((status) => statuses.push(status));
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'subscribe');
    await until(() => statuses.includes('CLOSED'), 10_000, 'expiry close');
    expect(system).toContainEqual({
      extension: 'system',
      status: 'error',
      message: expect.stringMatching(/^Token has expired \d+ seconds ago$/) as unknown as string,
      channel: 'expiring',
    });
  });

  it('refuses a join whose access_token has expired', async () => {
    const server = await testServer();
    const supabase = client(server, { vsn });
    await supabase.realtime.setAuth(await server.mintToken({ sub: 'u1', expiresIn: -10 }));
    const { status, error } = await subscribe(supabase.channel('late'));
    expect(status).toBe('CHANNEL_ERROR');
    expect(error?.message).toMatch(/^InvalidJWTToken: Token has expired \d+ seconds ago$/);
  });

  it('refuses a join with a token signed by another secret', async () => {
    const server = await testServer();
    const other = await testServer({ jwtSecret: 'another-secret-that-is-at-least-32-characters' });
    const supabase = client(server, { vsn });
    await supabase.realtime.setAuth(await other.mintToken({ sub: 'u1' }));
    const { status, error } = await subscribe(supabase.channel('forged'));
    expect(status).toBe('CHANNEL_ERROR');
    expect(error?.message).toBe('JwtSignatureError: Failed to validate JWT signature');
  });

  it('keeps a channel open when a fresh token is pushed before expiry', async () => {
    const server = await testServer();
    const supabase = client(server, { vsn });
    const first = await server.mintToken({ sub: 'u1', expiresIn: 4 });
    await supabase.realtime.setAuth(first);
    const channel = supabase.channel('refreshed');
    const statuses: string[] = [];
    channel.subscribe((status) => statuses.push(status));
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'subscribe');
    await supabase.realtime.setAuth(await server.mintToken({ sub: 'u1', expiresIn: 60 }));
    // Past the first token's expiry, by a margin.
    const { exp } = JSON.parse(atob(first.split('.')[1] ?? '')) as { exp: number };
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 + 1000 - Date.now()));
    expect(statuses).toEqual(['SUBSCRIBED']);
    expect(channel.state).toBe('joined');
  });

  it('closes a channel when an invalid token is pushed', async () => {
    const server = await testServer();
    const supabase = client(server, { vsn });
    const channel = supabase.channel('bad-push');
    const system: SystemMessage[] = [];
    const statuses: string[] = [];
    channel.on('system', {}, (payload: SystemMessage) => system.push(payload));
    channel.subscribe((status) => statuses.push(status));
    await until(() => statuses.includes('SUBSCRIBED'), 10_000, 'subscribe');
    await supabase.realtime.setAuth('not.a.jwt');
    await until(() => statuses.includes('CLOSED'), 10_000, 'close');
    expect(system.map((entry) => entry.message)).toContain('The token provided is not a valid JWT');
  });
});

describe('private channels without a database', () => {
  it('lets a signed-in user join and exchange messages on a private channel', async () => {
    const server = await testServer();
    const a = client(server);
    const b = client(server);
    await a.realtime.setAuth(await server.mintToken({ sub: 'a' }));
    await b.realtime.setAuth(await server.mintToken({ sub: 'b' }));
    const channelA = await joined(a.channel('secret', { config: { private: true } }));
    const channelB = b.channel('secret', { config: { private: true } });
    const received = collect(channelB, 'note');
    await joined(channelB);
    await channelA.send({ type: 'broadcast', event: 'note', payload: { text: 'psst' } });
    await until(() => received.length === 1, 10_000, 'private delivery');
  });

  it('refuses an anon join on a private channel with the real Unauthorized text', async () => {
    const server = await testServer();
    const { status, error } = await subscribe(
      client(server).channel('secret', { config: { private: true } }),
    );
    expect(status).toBe('CHANNEL_ERROR');
    expect(error?.message).toBe(
      'Unauthorized: You do not have permissions to read from this Channel topic: secret',
    );
  });
});

describe('opaque API keys', () => {
  it('accepts the publishable key as anon and the secret key as service_role', async () => {
    const server = await testServer();
    const anon = await joined(client(server, { key: DEFAULT_PUBLISHABLE_KEY }).channel('keys'));
    const service = client(server, { key: DEFAULT_SECRET_KEY }).channel('keys', {
      config: { private: true },
    });
    expect((await subscribe(service)).status).toBe('SUBSCRIBED');
    expect(anon.state).toBe('joined');
    expect(server.connectionCount()).toBe(2);
  });
});
