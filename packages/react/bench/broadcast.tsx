// pnpm bench:react: CPU per received broadcast through a useBroadcast subscriber vs a plain
// channel.on callback, and renders per event vs a naive useState-list page, in one run.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { createElement, useEffect, useState, type ReactNode } from 'react';
import WebSocket from 'ws';

const dom = new JSDOM('<!doctype html><div id="root"></div>');
Object.assign(globalThis, { window: dom.window, document: dom.window.document });
// Node 20 has no navigator; react-dom reads it once at load.
if (!('navigator' in globalThis)) Object.assign(globalThis, { navigator: dom.window.navigator });
const { createRoot } = await import('react-dom/client');
const { RealtimeProvider, useBroadcast } = await import('../src/index');

const MESSAGES = 4000;
const ROUNDS = 7;

const child = fork(fileURLToPath(new URL('./sender.ts', import.meta.url)), {
  execArgv: ['--conditions=source', '--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ready = await new Promise<{ url: string; anonKey: string }>((resolve) =>
  child.once('message', (message) => resolve(message as { url: string; anonKey: string })),
);

let clients = 0;
function client(): SupabaseClient {
  return createClient(ready.url, ready.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `bench-${++clients}` },
    realtime: { transport: WebSocket as never },
  });
}

function send(room: string, event: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== 'sent') return;
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
    child.send({ type: 'send', room, event, count });
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** CPU time (user + system, µs) this process spends while `count` messages arrive. */
async function cpuFor(room: string, received: () => number, count: number): Promise<number> {
  const start = received();
  const before = process.cpuUsage();
  await send(room, 'tick', count);
  await until(() => received() - start >= count, `${count} messages on ${room}`);
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

// --- 1. CPU per received broadcast -------------------------------------------------------------

let plainCount = 0;
const plain = client();
const plainChannel = plain.channel('bench-plain').on('broadcast', { event: 'tick' }, () => {
  plainCount++;
});
await new Promise<void>((resolve) =>
  plainChannel.subscribe((status) => status === 'SUBSCRIBED' && resolve()),
);

let hookCount = 0;
function Subscriber() {
  useBroadcast<{ i: number }>('bench-hook', 'tick', {
    onMessage: () => {
      hookCount++;
    },
  });
  return null;
}
const hookClient = client();
const hookRoot = createRoot(document.createElement('div'));
hookRoot.render(createElement(RealtimeProvider, { client: hookClient }, createElement(Subscriber)));
await until(() => hookClient.getChannels()[0]?.state === 'joined', 'the hook channel');

// Warm both paths (JIT, buffers), then alternate so drift hits both alike.
for (let round = 0; round < 2; round++) {
  await cpuFor('bench-plain', () => plainCount, MESSAGES);
  await cpuFor('bench-hook', () => hookCount, MESSAGES);
}
const plainRuns: number[] = [];
const hookRuns: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  plainRuns.push((await cpuFor('bench-plain', () => plainCount, MESSAGES)) / MESSAGES);
  hookRuns.push((await cpuFor('bench-hook', () => hookCount, MESSAGES)) / MESSAGES);
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const plainUs = median(plainRuns);
const hookUs = median(hookRuns);
hookRoot.unmount();

// --- 2. Renders per event ----------------------------------------------------------------------

const EVENTS = [
  ...Array.from({ length: 90 }, () => 'cursor'),
  ...Array.from({ length: 8 }, () => 'message'),
  ...Array.from({ length: 2 }, () => 'typing'),
];
const renders = { naive: 0, roomkit: 0 };

// The common hand-rolled page: one channel, every event appended to one useState list, and
// each panel picks what it needs from the list it is handed.
function NaivePage({ supabase }: { supabase: SupabaseClient }) {
  const [events, setEvents] = useState<{ event: string }[]>([]);
  useEffect(() => {
    const channel = supabase
      .channel('bench-naive')
      .on('broadcast', { event: '*' }, (message) => setEvents((list) => [...list, message]))
      .subscribe();
    return () => void supabase.removeChannel(channel);
  }, [supabase]);
  // eslint-disable-next-line react-hooks/immutability -- counting renders is this benchmark's point
  renders.naive++;
  return createElement(
    'div',
    null,
    createElement(NaivePanel, { events, event: 'cursor' }),
    createElement(NaivePanel, { events, event: 'message' }),
    createElement(NaivePanel, { events, event: 'typing' }),
  );
}
function NaivePanel({ events, event }: { events: { event: string }[]; event: string }) {
  renders.naive++;
  return createElement('span', null, events.filter((each) => each.event === event).length);
}

// The same page on Roomkit: each panel listens to its own event.
function Panel({ event }: { event: string }) {
  const [count, setCount] = useState(0);
  useBroadcast('bench-roomkit', event, { onMessage: () => setCount((n) => n + 1) });
  // eslint-disable-next-line react-hooks/immutability -- counting renders is this benchmark's point
  renders.roomkit++;
  return createElement('span', null, count);
}
function RoomkitPage(): ReactNode {
  return createElement(
    'div',
    null,
    createElement(Panel, { event: 'cursor' }),
    createElement(Panel, { event: 'message' }),
    createElement(Panel, { event: 'typing' }),
  );
}

const naiveClient = client();
const naiveRoot = createRoot(document.createElement('div'));
naiveRoot.render(createElement(NaivePage, { supabase: naiveClient }));
const roomkitClient = client();
const roomkitRoot = createRoot(document.createElement('div'));
roomkitRoot.render(
  createElement(RealtimeProvider, { client: roomkitClient }, createElement(RoomkitPage)),
);
await until(() => naiveClient.getChannels()[0]?.state === 'joined', 'the naive channel');
await until(() => roomkitClient.getChannels()[0]?.state === 'joined', 'the roomkit channel');
await new Promise((resolve) => setTimeout(resolve, 200));

const start = { ...renders };
for (const event of EVENTS) {
  await send('bench-naive', event, 1);
  await send('bench-roomkit', event, 1);
  await new Promise((resolve) => setTimeout(resolve, 2));
}
await new Promise((resolve) => setTimeout(resolve, 500));
const naivePerEvent = (renders.naive - start.naive) / EVENTS.length;
const roomkitPerEvent = (renders.roomkit - start.roomkit) / EVENTS.length;

naiveRoot.unmount();
roomkitRoot.unmount();
await Promise.all(
  [plain, hookClient, naiveClient, roomkitClient].map((each) => each.removeAllChannels()),
);
child.send({ type: 'stop' });

const rows = [
  ['measure', 'value'],
  ['CPU per broadcast, plain channel.on', `${plainUs.toFixed(2)} µs`],
  ['CPU per broadcast, useBroadcast subscriber', `${hookUs.toFixed(2)} µs`],
  ['ratio (target ≤ 1.10)', `${(hookUs / plainUs).toFixed(3)}x`],
  ['renders per event, naive useState list (4 components)', naivePerEvent.toFixed(2)],
  ['renders per event, Roomkit useBroadcast (3 panels)', roomkitPerEvent.toFixed(2)],
];
console.log(
  `\n${MESSAGES} messages × ${ROUNDS} rounds per path (median); ${EVENTS.length} mixed events for renders`,
);
console.log(`node ${process.version}, ${process.platform}\n`);
for (const [name, value] of rows) console.log(`${(name ?? '').padEnd(56)} ${value}`);
console.log(`\nplain runs (µs): ${plainRuns.map((v) => v.toFixed(2)).join(', ')}`);
console.log(`hook runs (µs):  ${hookRuns.map((v) => v.toFixed(2)).join(', ')}`);
process.exit(0);
