// pnpm bench:react, third part: the latency a follower tab pays for sharing the connection, from
// the leader's socket to the follower's `useBroadcast` callback, at 200 events/s, in Chromium.
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { launchChromium } from '../../../testing/chromium';
import { serveTabsPage } from '../src/__tests__/tabsPage/serve';
import { startTestRealtime } from '../src/testing';
import { openTabsPage, signUpIn } from './tabsPage';

const RATE = 200;
const SECONDS = 15;
const COUNT = RATE * SECONDS;

type Window = { page: { leader: string; room: string; ticks: number[]; supabase: never } };

const realtime = await startTestRealtime({
  db: 'embedded',
  transport: WebSocket as never,
  limits: { maxEventsPerSecond: 1_000_000_000 },
});
const { vite, url } = await serveTabsPage();
const browser = await launchChromium();
try {
  const context = await browser.newContext();
  const open = (tab: string): Promise<Page> => openTabsPage(context, url, realtime.server, { tab });
  const first = await open('tab1');
  await signUpIn(first, 'bench@example.com');
  const second = await open('tab2');
  for (const page of [first, second]) {
    await page.waitForFunction(
      () => (window as unknown as Window).page.room === 'joined',
      undefined,
      {
        timeout: 30_000,
      },
    );
  }
  const roles = await Promise.all(
    [first, second].map((page) => page.evaluate(() => (window as unknown as Window).page.leader)),
  );
  const leader = roles[0] === 'leading' ? first : second;
  const follower = leader === first ? second : first;
  // When each tick came off the leader's socket, before any of Roomkit's code ran.
  await leader.evaluate(() => {
    const { supabase } = (
      window as unknown as { page: { supabase: import('@supabase/supabase-js').SupabaseClient } }
    ).page;
    const arrivals: number[] = [];
    (window as unknown as { arrivals: number[] }).arrivals = arrivals;
    supabase.realtime.stateChangeCallbacks.message.unshift([
      'bench',
      (message: { event?: string; payload?: { event?: string; payload?: { n?: number } } }) => {
        const n = message.payload?.payload?.n;
        if (message.event === 'broadcast' && message.payload?.event === 'tick' && n !== undefined) {
          arrivals[n] = performance.timeOrigin + performance.now();
        }
      },
    ]);
  });

  const sender = (await realtime.user('sender')).channel('board');
  await new Promise<void>((resolve) =>
    sender.subscribe((status) => status === 'SUBSCRIBED' && resolve()),
  );
  const started = performance.now();
  for (let n = 0; n < COUNT; n++) {
    const due = started + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    void sender.send({ type: 'broadcast', event: 'tick', payload: { n } });
  }
  await follower.waitForFunction(
    (count) => (window as unknown as Window).page.ticks.filter(Boolean).length >= count,
    COUNT,
    { timeout: 60_000 },
  );
  const arrivals = await leader.evaluate(
    () => (window as unknown as { arrivals: number[] }).arrivals,
  );
  const own = await leader.evaluate(() => (window as unknown as Window).page.ticks);
  const relayed = await follower.evaluate(() => (window as unknown as Window).page.ticks);
  // The first second warms up (JIT, first frames); the rest is measured.
  const measured = (ticks: number[]) =>
    arrivals
      .map((at, n) => (n >= RATE ? (ticks[n] ?? NaN) - at : NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
  const percentile = (sorted: number[], p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
  const rows: [string, number[]][] = [
    ['leader tab: socket → its own callback', measured(own)],
    ['follower tab: leader socket → follower callback', measured(relayed)],
  ];
  console.log(`\n${COUNT} broadcasts at ${RATE}/s, 2 tabs sharing one connection (Chromium)`);
  console.log('| path | events | p50 | p95 | p99 | max |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [what, sorted] of rows) {
    const ms = (p: number) => `${percentile(sorted, p).toFixed(2)} ms`;
    console.log(
      `| ${what} | ${sorted.length} | ${ms(50)} | ${ms(95)} | ${ms(99)} | ${(sorted.at(-1) ?? NaN).toFixed(2)} ms |`,
    );
  }
  await sender.unsubscribe();
} finally {
  await browser.close();
  await vite.close();
  await realtime.stop();
}
