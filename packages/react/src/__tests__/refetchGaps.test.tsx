import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeProvider } from '../RealtimeProvider';
import { startTestRealtime, type TestRealtime } from '../testing';
import { useChannelStatus } from '../useChannelStatus';
import { usePostgresChanges } from '../usePostgresChanges';
import { useRealtimeQuery } from '../query/useRealtimeQuery';
import { sleep } from './helpers';

// Each kind of gap the issue names, produced for real against the server: the query tied to the
// channel is fetched exactly once more when the channel is back.

let realtime: TestRealtime;
let db: pg.Client;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  realtime = await startTestRealtime({ db: 'embedded', dev: true });
  db = new pg.Client({ connectionString: realtime.server.dbUrl ?? '' });
  await db.connect();
  await db.query(`
    create table public.gaps (id serial primary key, name text not null);
    alter publication supabase_realtime add table public.gaps;
  `);
}, 60_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.removeAllChannels()));
});

afterAll(async () => {
  await db?.end();
  await realtime?.stop();
});

/** A user's client with a short heartbeat, so a stalled socket is noticed within a second. */
async function userClient(sub: string, heartbeatIntervalMs = 300): Promise<SupabaseClient> {
  const token = await realtime.server.mintToken({ sub, role: 'authenticated' });
  const client = createClient(realtime.server.url, realtime.server.anonKey, {
    accessToken: async () => token,
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `gaps-${sub}` },
    realtime: {
      transport: WebSocket as never,
      heartbeatIntervalMs,
      timeout: 500,
      reconnectAfterMs: () => 100,
    },
  });
  clients.push(client);
  return client;
}

async function devCall(action: 'stall' | 'drop', sub: string): Promise<unknown> {
  const response = await fetch(`${realtime.server.url}/roomkit/v1/connections/${action}`, {
    method: 'POST',
    headers: { apikey: realtime.server.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ sub }),
  });
  return response.json();
}

/** Mounts one live query on `gaps` and returns its fetch count and the channel's statuses. */
async function liveQuery(sub: string, heartbeatIntervalMs?: number) {
  const client = await userClient(sub, heartbeatIntervalMs);
  const queries = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity } },
  });
  const state = { fetches: 0, statuses: [] as string[], deletes: false };
  const { result, rerender } = renderHook(
    () => {
      const status = useChannelStatus('db:public.gaps').phase;
      if (state.statuses.at(-1) !== status) state.statuses.push(status);
      // A later consumer of the same room with a binding the live channel lacks (see TIMED_OUT).
      usePostgresChanges({
        table: 'gaps',
        event: state.deletes ? 'DELETE' : '*',
        room: 'db:public.gaps',
      });
      return useRealtimeQuery(
        {
          queryKey: ['gaps'],
          queryFn: async () => (state.fetches++, (await db.query('select * from gaps')).rows),
        },
        { table: 'gaps' },
      );
    },
    {
      wrapper: ({ children }) => (
        <QueryClientProvider client={queries}>
          <RealtimeProvider client={client}>{children}</RealtimeProvider>
        </QueryClientProvider>
      ),
    },
  );
  await waitFor(() => expect(state.statuses.at(-1)).toBe('joined'));
  await waitFor(() => expect(result.current.isSuccess).toBe(true));
  // The first read went out before the table's changes streamed: read once more when they do.
  await waitFor(() => expect(state.fetches).toBe(2));
  await sleep(300);
  expect(state.fetches).toBe(2);
  state.fetches = 0;
  return { state, rerender };
}

describe('refetch after each kind of gap', () => {
  it('after a heartbeat timeout (the server stops answering)', async () => {
    const { state } = await liveQuery('hb-user');
    expect(await devCall('stall', 'hb-user')).toEqual({ stalled: 1 });
    await waitFor(() => expect(state.fetches).toBe(1), { timeout: 10_000 });
    await waitFor(() => expect(state.statuses.at(-1)).toBe('joined'));
    await sleep(500);
    expect(state.fetches).toBe(1);
    expect(state.statuses).toContain('joining');
  });

  it('after CHANNEL_ERROR (the replication stream behind the channel is lost)', async () => {
    const { state } = await liveQuery('err-user');
    // Ends every replication connection: the server errors channels that carry postgres changes.
    await db.query('select pg_terminate_backend(pid) from pg_stat_replication');
    await waitFor(() => expect(state.statuses).toContain('gap'), { timeout: 10_000 });
    await waitFor(() => expect(state.statuses.at(-1)).toBe('joined'), { timeout: 15_000 });
    await waitFor(() => expect(state.fetches).toBe(1), { timeout: 10_000 });
    await sleep(500);
    expect(state.fetches).toBe(1);
  });

  it('after TIMED_OUT (a join that gets no reply)', async () => {
    // A slow heartbeat, so the join's own 500 ms timeout is what fires first.
    const { state, rerender } = await liveQuery('to-user', 4000);
    expect(await devCall('stall', 'to-user')).toEqual({ stalled: 1 });
    // A new binding makes the registry rejoin the channel; on the stalled socket that join
    // gets no reply and times out, until the heartbeat gives up on the socket and reconnects.
    state.deletes = true;
    rerender();
    await waitFor(() => expect(state.statuses).toContain('gap'), { timeout: 5000 });
    await waitFor(() => expect(state.statuses.at(-1)).toBe('joined'), { timeout: 20_000 });
    await waitFor(() => expect(state.fetches).toBe(1), { timeout: 10_000 });
    await sleep(500);
    expect(state.fetches).toBe(1);
  }, 30_000);
});

describe('the first stream start', () => {
  it('keeps a row written between the first read and the start of the stream', async () => {
    const client = await userClient('first-user');
    const queries = new QueryClient({
      defaultOptions: { queries: { retry: false, staleTime: Infinity } },
    });
    let reads = 0;
    const { result } = renderHook(
      () =>
        useRealtimeQuery(
          {
            queryKey: ['gaps-first'],
            queryFn: async () => {
              const { rows } = await db.query<{ name: string }>('select name from gaps');
              // Right after the first read, before the channel could have joined: a change
              // the stream cannot carry, since it is not streaming yet.
              if (reads++ === 0) await db.query(`insert into gaps (name) values ('in between')`);
              return rows.map((row) => row.name);
            },
          },
          { table: 'gaps', apply: 'merge' },
        ),
      {
        wrapper: ({ children }) => (
          <QueryClientProvider client={queries}>
            <RealtimeProvider client={client}>{children}</RealtimeProvider>
          </QueryClientProvider>
        ),
      },
    );
    await waitFor(() => expect(result.current.data).toContain('in between'), { timeout: 10_000 });
    expect(reads).toBe(2);
  });
});
