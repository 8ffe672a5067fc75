// pnpm bench:react, last part: what one user's N tabs cost with a connection per tab against one
// connection shared by `acrossTabs`, both arms in one run: sockets at the server, frames the
// server wrote to them, and the tabs' CPU, in real Chromium on the real server.
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { Browser, CDPSession, Page } from 'playwright-core';
import WebSocket from 'ws';
import { launchChromium } from '../../../testing/chromium';
import { serveTabsPage } from '../src/__tests__/tabsPage/serve';
import { startTestRealtime } from '../src/testing';
import { openTabsPage, signUpIn } from './tabsPage';

const TABS = [1, 5, 10];
const RATE = 50;
const SECONDS = 10;
const COUNT = RATE * SECONDS;
/** After every tab joined: presence and the live query's first stream settle before measuring. */
const SETTLE_MS = 3000;

type PageWindow = {
  page: { leader: string; room: string; fetches: number; ticks: number[]; supabase: never };
};

const realtime = await startTestRealtime({
  db: 'embedded',
  dev: true,
  transport: WebSocket as never,
  limits: { maxEventsPerSecond: 1_000_000_000 },
});
const db = new pg.Client({ connectionString: realtime.server.dbUrl ?? '' });
await db.connect();
// The page's live query is tied to `notes`: each join carries a real postgres binding.
await db.query(`
  create table public.notes (id serial primary key, body text not null);
  grant all on public.notes to anon, authenticated;
  alter publication supabase_realtime add table public.notes;
`);
await db.end();
const { vite, url } = await serveTabsPage();
const browser: Browser = await launchChromium();
const sender = (await realtime.user('sender')).channel('board');
await new Promise<void>((resolve) =>
  sender.subscribe((status) => status === 'SUBSCRIBED' && resolve()),
);

/** The server's sockets signed in as `sub`, with the frames written to each. */
async function sockets(sub: string): Promise<{ framesSent: number }[]> {
  const response = await fetch(`${realtime.server.url}/roomkit/v1/connections`, {
    headers: { apikey: realtime.server.anonKey },
  });
  const all = (await response.json()) as { sub: string | null; framesSent: number }[];
  return all.filter((socket) => socket.sub === sub);
}
const framesTo = async (sub: string) =>
  (await sockets(sub)).reduce((sum, socket) => sum + socket.framesSent, 0);

/** CPU time (user + system, ms) of every Chromium process this benchmark started. */
function browserCpuMs(): number {
  const ticks = 100; // USER_HZ on Linux
  const parents = new Map<number, number>();
  const stats = new Map<number, { comm: string; cpu: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      stats.set(Number(entry), { comm, cpu: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // A process that ended while being read.
    }
  }
  const ours = (pid: number): boolean => {
    for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at)) {
      if (at === process.pid) return true;
    }
    return false;
  };
  let total = 0;
  for (const [pid, { comm, cpu }] of stats) {
    if (comm.startsWith('chrom') && ours(pid)) total += cpu;
  }
  return (total * 1000) / ticks;
}

/** Main-thread task and script time (ms) of every page, from Chromium's own counters. */
async function pageCpuMs(sessions: CDPSession[]): Promise<{ task: number; script: number }> {
  let task = 0;
  let script = 0;
  for (const session of sessions) {
    const { metrics } = await session.send('Performance.getMetrics');
    for (const { name, value } of metrics) {
      if (name === 'TaskDuration') task += value * 1000;
      if (name === 'ScriptDuration') script += value * 1000;
    }
  }
  return { task, script };
}

interface Arm {
  tabs: number;
  shared: boolean;
  sockets: number;
  leaders: number;
  setupFrames: number;
  frames: number;
  taskMs: number;
  scriptMs: number;
  browserMs: number;
}

let users = 0;
async function run(tabs: number, shared: boolean): Promise<Arm> {
  const context = await browser.newContext();
  try {
    const open = (tab: string): Promise<Page> =>
      openTabsPage(context, url, realtime.server, { tab, ...(shared ? {} : { share: 'off' }) });
    const first = await open('tab1');
    const sub = await signUpIn(first, `tabs-load-${++users}@example.com`);
    const pages = [first];
    for (let i = 2; i <= tabs; i++) pages.push(await open(`tab${i}`));
    for (const page of pages) {
      await page.waitForFunction(
        () => {
          const { room, fetches } = (window as unknown as PageWindow).page;
          return room === 'joined' && fetches > 0;
        },
        undefined,
        { timeout: 60_000 },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const roles = await Promise.all(
      pages.map((page) => page.evaluate(() => (window as unknown as PageWindow).page.leader)),
    );
    const sessions = await Promise.all(pages.map((page) => context.newCDPSession(page)));
    for (const session of sessions) await session.send('Performance.enable');

    const setupFrames = await framesTo(sub);
    const cpuBefore = await pageCpuMs(sessions);
    const browserBefore = browserCpuMs();
    // Open loop: the sender keeps its schedule whatever the tabs do.
    const started = performance.now();
    for (let n = 0; n < COUNT; n++) {
      const wait = started + (n * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      void sender.send({ type: 'broadcast', event: 'tick', payload: { n } });
    }
    for (const page of pages) {
      await page.waitForFunction(
        (count) => (window as unknown as PageWindow).page.ticks.filter(Boolean).length >= count,
        COUNT,
        { timeout: 60_000 },
      );
    }
    const browserMs = browserCpuMs() - browserBefore;
    const cpuAfter = await pageCpuMs(sessions);
    const mine = await sockets(sub);
    return {
      tabs,
      shared,
      sockets: mine.length,
      leaders: roles.filter((role) => role === 'leading').length,
      setupFrames,
      frames: mine.reduce((sum, socket) => sum + socket.framesSent, 0) - setupFrames,
      taskMs: cpuAfter.task - cpuBefore.task,
      scriptMs: cpuAfter.script - cpuBefore.script,
      browserMs,
    };
  } finally {
    await context.close();
  }
}

try {
  const arms: Arm[] = [];
  // Both arms of each size twice in one run, per tab / shared / shared / per tab, so neither
  // always goes first and each pair shows the noise.
  for (const tabs of TABS) {
    for (const shared of [false, true, true, false]) arms.push(await run(tabs, shared));
  }
  const sum = (tabs: number, shared: boolean, of: (arm: Arm) => number) =>
    arms.filter((arm) => arm.tabs === tabs && arm.shared === shared).reduce((t, a) => t + of(a), 0);
  const ratio = (a: number, b: number) => (b === 0 ? '—' : (a / b).toFixed(2));
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log(
    `\nOne user's tabs, ${COUNT} broadcasts at ${RATE}/s to the room every tab is in (Chromium)`,
  );
  console.log(
    '| tabs | arm | sockets | leaders | frames to join and settle | frames during the ticks | page main-thread time | of it, script | browser CPU (all processes) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const arm of arms) {
    console.log(
      `| ${arm.tabs} | ${arm.shared ? 'shared' : 'per tab'} | ${arm.sockets} | ${arm.leaders} | ${arm.setupFrames} | ${arm.frames} | ${ms(arm.taskMs)} | ${ms(arm.scriptMs)} | ${ms(arm.browserMs)} |`,
    );
  }
  console.log('\nShared / per tab (sums of both runs of each arm)');
  console.log(
    '| tabs | sockets | frames to join and settle | frames during the ticks | page main-thread time | browser CPU |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const tabs of TABS) {
    const cells = (['sockets', 'setupFrames', 'frames', 'taskMs', 'browserMs'] as const).map(
      (field) =>
        ratio(
          sum(tabs, true, (a) => a[field]),
          sum(tabs, false, (a) => a[field]),
        ),
    );
    console.log(`| ${tabs} | ${cells.join(' | ')} |`);
  }
} finally {
  await sender.unsubscribe();
  await browser.close();
  await vite.close();
  await realtime.stop();
}
