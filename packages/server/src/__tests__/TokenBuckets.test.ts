import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../auth/TokenBuckets';
import type { RoomkitServer } from '../startServer';
import { testServer } from './helpers';

function supabase(server: RoomkitServer): SupabaseClient {
  return createClient(server.url, server.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
}

describe('TokenBuckets', () => {
  it('allows a burst, refuses the next, and refills at the rate', () => {
    let now = 0;
    const buckets = new TokenBuckets(0.5, 3, () => now);
    expect([buckets.take('ip'), buckets.take('ip'), buckets.take('ip')]).toEqual([
      true,
      true,
      true,
    ]);
    expect(buckets.take('ip')).toBe(false);
    expect(buckets.take('other ip')).toBe(true);
    now = 1999;
    expect(buckets.take('ip')).toBe(false);
    now = 2000;
    expect(buckets.take('ip')).toBe(true);
    expect(buckets.take('ip')).toBe(false);
    now = 1_000_000;
    expect([buckets.take('ip'), buckets.take('ip'), buckets.take('ip')]).toEqual([
      true,
      true,
      true,
    ]);
    expect(buckets.take('ip')).toBe(false);
  });
});

describe('sign-in rate limit', () => {
  it('answers 429 over_request_rate_limit after GoTrue’s burst of 30 wrong passwords, even for the right one', async () => {
    // One token back per 5 minutes, so the refill cannot race the test.
    const server = await testServer({ db: 'embedded', limits: { authTokenRequestsPer5Min: 1 } });
    const client = supabase(server);
    const { error } = await client.auth.signUp({
      email: 'target@example.com',
      password: 'correct horse',
    });
    expect(error).toBeNull();
    for (let attempt = 0; attempt < 30; attempt++) {
      const wrong = await client.auth.signInWithPassword({
        email: 'target@example.com',
        password: `guess ${attempt}`,
      });
      expect(wrong.error).toMatchObject({ status: 400, code: 'invalid_credentials' });
    }
    const right = await client.auth.signInWithPassword({
      email: 'target@example.com',
      password: 'correct horse',
    });
    expect(right.data.session).toBeNull();
    expect(right.error).toMatchObject({
      status: 429,
      code: 'over_request_rate_limit',
      message: 'Request rate limit reached',
    });
    const raw = await fetch(`${server.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: server.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'target@example.com', password: 'correct horse' }),
    });
    expect(raw.status).toBe(429);
    expect(await raw.json()).toEqual({
      code: 429,
      error_code: 'over_request_rate_limit',
      msg: 'Request rate limit reached',
    });
  }, 60_000);

  it('limits by default: a burst of 30, then about one attempt per 2 seconds', async () => {
    const server = await testServer({ db: 'embedded' });
    const client = supabase(server);
    let allowed = 0;
    for (let attempt = 0; attempt < 100; attempt++) {
      const { error } = await client.auth.signInWithPassword({
        email: 'nobody@example.com',
        password: 'guess',
      });
      if (error?.status === 429) break;
      expect(error).toMatchObject({ status: 400, code: 'invalid_credentials' });
      allowed++;
    }
    expect(allowed).toBeGreaterThanOrEqual(30);
    expect(allowed).toBeLessThan(100);
  }, 60_000);

  it('counts refreshes too, and is off with authTokenRequestsPer5Min: 0', async () => {
    const limited = await testServer({ db: 'embedded', limits: { authTokenBurst: 2 } });
    const refresh = (server: RoomkitServer) =>
      fetch(`${server.url}/auth/v1/token?grant_type=refresh_token`, {
        method: 'POST',
        headers: { apikey: server.anonKey, 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: 'unknown' }),
      }).then((response) => response.status);
    expect([await refresh(limited), await refresh(limited), await refresh(limited)]).toEqual([
      400, 400, 429,
    ]);
    const open = await testServer({
      db: 'embedded',
      limits: { authTokenRequestsPer5Min: 0, authTokenBurst: 2 },
    });
    expect([await refresh(open), await refresh(open), await refresh(open)]).toEqual([
      400, 400, 400,
    ]);
  }, 60_000);
});
