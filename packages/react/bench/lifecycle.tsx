// pnpm bench:react, second part: lifecycles that must not leak or repeat work.
// 1. 1,000 mount/unmount cycles of mixed hooks leave 0 channels and 0 listeners.
// 2. A sign-out/sign-in cycle through supabase.auth with 20 rooms joins each room once.
import { JSDOM } from 'jsdom';
// eslint-disable-next-line no-restricted-imports -- a benchmark harness, like a test: it runs the server, the package never imports it.
import { silentLogger, startServer } from '@roomkit/server';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { createElement, useEffect, type ReactNode } from 'react';
import WebSocket from 'ws';

const dom = new JSDOM('<!doctype html><div id="root"></div>');
Object.assign(globalThis, { window: dom.window, document: dom.window.document });
if (!('navigator' in globalThis)) Object.assign(globalThis, { navigator: dom.window.navigator });
const { createRoot } = await import('react-dom/client');
const {
  RealtimeProvider,
  useBroadcast,
  useChannelStatus,
  usePostgresChanges,
  usePresence,
  usePresenceSelector,
  useRealtime,
} = await import('../src/index');

/** Runs `work`, then lets React commit and run its effects (production React has no `act`). */
async function act(work: () => unknown): Promise<void> {
  await work();
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

const server = await startServer({
  port: 0,
  db: 'embedded',
  ephemeral: true,
  logger: silentLogger,
});
const db = new pg.Client({ connectionString: server.dbUrl ?? '' });
await db.connect();
await db.query(`
  create table public.bench_rows (id serial primary key, body text);
  alter publication supabase_realtime add table public.bench_rows;
  create policy "members read" on realtime.messages for select to authenticated using (true);
`);

let clients = 0;
function client(): SupabaseClient {
  return createClient(server.url, server.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `bench-${++clients}` },
    realtime: { transport: WebSocket as never },
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// --- 1. Mount/unmount cycles -------------------------------------------------------------------

const CYCLES = 1000;
const cycling = client();
let store: ReturnType<typeof useRealtime>['store'] | undefined;
let registry: ReturnType<typeof useRealtime>['registry'] | undefined;
// Counts the store's live subscriptions: every reader hook subscribes while mounted.
let subscribers = 0;
let peakSubscribers = 0;

/** Counts the store's live subscriptions by wrapping the provider's `store.subscribe`. */
function instrument(realtime: ReturnType<typeof useRealtime>): void {
  if (store === realtime.store) return;
  store = realtime.store;
  registry = realtime.registry;
  const subscribe = store.subscribe;
  store.subscribe = (listener) => {
    peakSubscribers = Math.max(peakSubscribers, ++subscribers);
    const off = subscribe(listener);
    return () => {
      subscribers--;
      off();
    };
  };
}

function Grab(): null {
  const realtime = useRealtime();
  useEffect(() => instrument(realtime), [realtime]);
  return null;
}

function Mixed({ n }: { n: number }): null {
  const room = `cycle-${n % 7}`;
  useBroadcast(room, 'tick', { onMessage: () => undefined, self: n % 2 === 0 });
  usePresence(room, { key: 'me', state: { n } });
  usePresenceSelector(room, (users) => users.length);
  useChannelStatus(room);
  usePostgresChanges({ table: 'bench_rows', room: `cycle-db-${n % 3}` });
  return null;
}

const cycleRoot = createRoot(document.createElement('div'));
const page = (children: ReactNode) =>
  createElement(RealtimeProvider, { client: cycling, lingerMs: 0 }, createElement(Grab), children);
const cycleStart = performance.now();
for (let n = 0; n < CYCLES; n++) {
  await act(async () => cycleRoot.render(page(createElement(Mixed, { n }))));
  await act(async () => cycleRoot.render(page(null)));
}
// Every room leaves after its linger (0 here) once the last consumer is gone.
await until(() => cycling.getChannels().length === 0 && registry?.active() === false, 'leaves');
const cycleMs = performance.now() - cycleStart;
const leftChannels = cycling.getChannels().length;
const leftSubscribers = subscribers;
const leftRooms = Object.keys(store?.getState().channels ?? {}).length;
await act(async () => cycleRoot.unmount());
const leftSocketCallbacks = [
  ...cycling.realtime.stateChangeCallbacks.open,
  ...cycling.realtime.stateChangeCallbacks.close,
].filter(([ref]) => String(ref).startsWith('roomkit-')).length;

// --- 2. Sign-out / sign-in with 20 rooms -------------------------------------------------------

const ROOMS = 20;
const PRIVATE = 5;
const signUp = async (name: string) => {
  const credentials = { email: `${name}-${Date.now()}@example.com`, password: 'correct horse' };
  const { error } = await client().auth.signUp(credentials);
  if (error) throw error;
  return credentials;
};
const ann = await signUp('ann');
const bob = await signUp('bob');
const switching = client();
await switching.auth.signInWithPassword(ann);
// Every join the registry makes goes through client.channel: count them.
let joins = 0;
const channel = switching.channel.bind(switching);
switching.channel = ((...args: Parameters<typeof channel>) => {
  joins++;
  return channel(...args);
}) as typeof switching.channel;

function Room({ n }: { n: number }): ReactNode {
  useBroadcast(`switch-${n}`, 'tick', { onMessage: () => undefined, private: n < PRIVATE });
  return n % 4 === 0 ? createElement(PresenceRoom, { n }) : null;
}
function PresenceRoom({ n }: { n: number }): null {
  usePresence(`switch-presence-${n}`, { key: 'me', state: { n } });
  return null;
}
const phases = () => Object.values(store?.getState().channels ?? {}).map((s) => s.phase);
const switchRoot = createRoot(document.createElement('div'));
await act(async () =>
  switchRoot.render(
    createElement(
      RealtimeProvider,
      { client: switching },
      createElement(Grab),
      ...Array.from({ length: ROOMS }, (_, n) => createElement(Room, { key: n, n })),
    ),
  ),
);
const rooms = ROOMS + Math.ceil(ROOMS / 4);
await until(() => phases().filter((p) => p === 'joined').length === rooms, 'first joins');
const firstJoins = joins;
joins = 0;
await act(async () => void (await switching.auth.signOut()));
await until(() => phases().filter((p) => p === 'unauthorized').length === PRIVATE, 'sign-out');
const signOutJoins = joins;
const switchStart = performance.now();
await act(async () => void (await switching.auth.signInWithPassword(bob)));
await until(() => phases().filter((p) => p === 'joined').length === rooms, 'rejoins');
const switchMs = performance.now() - switchStart;
await new Promise((resolve) => setTimeout(resolve, 500));
const signInJoins = joins;
await act(async () => switchRoot.unmount());

await Promise.all([cycling, switching].map((each) => each.removeAllChannels()));
await db.end();
await server.stop();

const rows = [
  ['measure', 'value'],
  [`mount/unmount cycles of mixed hooks`, `${CYCLES} in ${(cycleMs / 1000).toFixed(1)} s`],
  ['channels left on the client', String(leftChannels)],
  ['rooms left in the store', String(leftRooms)],
  ['store subscriptions while mounted (most at once)', String(peakSubscribers)],
  ['store subscriptions left', String(leftSubscribers)],
  ['socket callbacks left after the provider unmounted', String(leftSocketCallbacks)],
  [`rooms (${ROOMS} broadcast, ${PRIVATE} of them private, + presence)`, String(rooms)],
  ['joins to mount them', String(firstJoins)],
  ['joins on sign-out', String(signOutJoins)],
  ['joins on sign-in as another user (target: one per room)', String(signInJoins)],
  ['sign-in to every room joined again', `${switchMs.toFixed(0)} ms`],
];
console.log(`\nnode ${process.version}, ${process.platform}\n`);
for (const [name, value] of rows) console.log(`${(name ?? '').padEnd(60)} ${value}`);
process.exit(0);
