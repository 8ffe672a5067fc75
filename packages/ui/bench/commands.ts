// Node-side commands of the benchmark: cursor senders as real clients, Chromium's metrics, results.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { writeFileSync } from 'node:fs';
import type {} from '@vitest/browser-playwright';
import { format } from 'prettier';
import type { CDPSession } from 'playwright';
import type { BrowserCommand } from 'vitest/node';
import WebSocket from 'ws';
import { SERVERS, type TestServers } from '../src/__tests__/commands';

const servers = (): TestServers => {
  const current = (globalThis as { [SERVERS]?: TestServers })[SERVERS];
  if (!current) throw new Error('The ui global setup did not start the test server.');
  return current;
};

let senders: SupabaseClient[] = [];
let session: CDPSession | undefined;

export const benchCommands = {
  /** Joins `count` users to the room's cursor channel (presence + broadcast) from Node. */
  benchJoinSenders: (async (_context, room: string, count: number) => {
    const front = servers().front();
    senders = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const token = await front.mintToken({ sub: `sender-${i}`, role: 'authenticated' });
        const client = createClient(front.url, front.anonKey, {
          accessToken: async () => token,
          auth: { persistSession: false, autoRefreshToken: false, storageKey: `bench-${i}` },
          realtime: { transport: WebSocket as never },
        });
        const channel = client.channel(`${room}:cursors`, {
          config: { presence: { key: `sender-${i}` } },
        });
        await new Promise<void>((resolve) =>
          channel.subscribe((status) => {
            if (status === 'SUBSCRIBED') resolve();
          }),
        );
        await channel.track({ name: `User ${i}` });
        return client;
      }),
    );
  }) satisfies BrowserCommand<[string, number]>,
  /** Every sender moves its cursor at `hz` for `ms`; resolves with the number of events sent. */
  benchMoveSenders: (async (_context, room: string, hz: number, ms: number) => {
    let sent = 0;
    const start = Date.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const t = (Date.now() - start) / 1000;
        senders.forEach((client, i) => {
          const channel = client.getChannels().find((c) => c.topic === `realtime:${room}:cursors`);
          void channel?.send({
            type: 'broadcast',
            event: 'cursor',
            payload: {
              id: `sender-${i}`,
              x: 0.5 + 0.4 * Math.sin(t + i),
              y: 0.5 + 0.4 * Math.cos(t * 1.3 + i),
            },
          });
          sent++;
        });
        if (Date.now() - start >= ms) {
          clearInterval(timer);
          resolve();
        }
      }, 1000 / hz);
    });
    return sent;
  }) satisfies BrowserCommand<[string, number, number]>,
  benchStopSenders: (async () => {
    await Promise.all(senders.map((client) => client.removeAllChannels()));
    senders = [];
  }) satisfies BrowserCommand<[]>,
  /** Chromium's cumulative main-thread script time, in ms. */
  benchScriptMs: (async (context) => {
    // One session for the run: Chromium counts from `Performance.enable`.
    session ??= await context.page.context().newCDPSession(context.page);
    await session.send('Performance.enable');
    const { metrics } = await session.send('Performance.getMetrics');
    return 1000 * (metrics.find((metric) => metric.name === 'ScriptDuration')?.value ?? 0);
  }) satisfies BrowserCommand<[]>,
  benchWrite: (async (_context, markdown: string) => {
    // Formatted as the repository's prettier check expects.
    const formatted = await format(markdown, { parser: 'markdown' });
    writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), formatted);
  }) satisfies BrowserCommand<[string]>,
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    benchJoinSenders: (room: string, count: number) => Promise<void>;
    benchMoveSenders: (room: string, hz: number, ms: number) => Promise<number>;
    benchStopSenders: () => Promise<void>;
    benchScriptMs: () => Promise<number>;
    benchWrite: (markdown: string) => Promise<void>;
  }
}
