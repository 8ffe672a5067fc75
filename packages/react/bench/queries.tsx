// pnpm bench:react, third part: a 5,000-row infinite query receiving 200 row changes per second,
// kept live with `apply: 'merge'` against the naive `apply: 'invalidate'`, in the same run.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { JSDOM } from 'jsdom';
import { createClient } from '@supabase/supabase-js';
import {
  QueryClient,
  QueryClientProvider,
  type InfiniteData,
  type QueryKey,
} from '@tanstack/react-query';
import { createElement, memo, useEffect } from 'react';
import WebSocket from 'ws';

const dom = new JSDOM('<!doctype html><div id="root"></div>');
Object.assign(globalThis, { window: dom.window, document: dom.window.document });
// Node 20 has no navigator; react-dom reads it once at load.
if (!('navigator' in globalThis)) Object.assign(globalThis, { navigator: dom.window.navigator });
const { createRoot } = await import('react-dom/client');
const { RealtimeProvider, useChannelStatus } = await import('../src/index');
const { useRealtimeInfiniteQuery } = await import('../src/query');

const ROWS = 5000;
const PAGE = 500;
const CHANGES = 1000;
const PER_SECOND = 200;
const ROUNDS = 3;

type Apply = 'merge' | 'invalidate';
type Item = { id: number; title: string; n: number };

const child = fork(fileURLToPath(new URL('./changer.ts', import.meta.url)), {
  execArgv: ['--conditions=source', '--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ready = await new Promise<{ url: string; anonKey: string; token: string }>((resolve) =>
  child.once('message', (message) => resolve(message as never)),
);
const supabase = createClient(ready.url, ready.anonKey, {
  accessToken: async () => ready.token,
  auth: { persistSession: false, autoRefreshToken: false },
  realtime: { transport: WebSocket as never },
});

async function until(check: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 120_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function change(ids: number[]): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string; perSecond: number }) => {
      if (message.type !== 'changed') return;
      child.off('message', onMessage);
      resolve(message.perSecond);
    };
    child.on('message', onMessage);
    child.send({ type: 'change', ids, perSecond: PER_SECOND });
  });
}

// --- The page: one memoized component per row, as a list of 5,000 should be written ------------

let rendered = 0;
// Every (row, value) pair that reached the screen.
const shown = new Set<string>();
let fetches = 0;
// Changes that reached the query.
let received = 0;

const Row = memo(function Row({ item }: { item: Item }) {
  rendered++;
  shown.add(`${item.id}:${item.n}`);
  return createElement('li', null, `${item.title}: ${item.n}`);
});

let feed:
  | {
      data: InfiniteData<Item[], number> | undefined;
      isFetching: boolean;
      fetchNextPage: (options: { cancelRefetch: boolean }) => Promise<unknown>;
      joined: boolean;
    }
  | undefined;

function Feed({ apply }: { apply: Apply }) {
  const query = useRealtimeInfiniteQuery<Item, Error, QueryKey, number>(
    {
      queryKey: ['items', apply],
      initialPageParam: 0,
      queryFn: async ({ pageParam }) => {
        fetches++;
        const { data, error } = await supabase
          .from('bench_items')
          .select()
          .order('id')
          .range(pageParam, pageParam + PAGE - 1);
        if (error) throw new Error(error.message);
        return data as Item[];
      },
      getNextPageParam: (last, all) => (last.length < PAGE ? undefined : all.length * PAGE),
    },
    {
      table: 'bench_items',
      apply,
      order: { column: 'id' },
      onChange: () => void received++,
    },
  );
  const joined = useChannelStatus('db:public.bench_items').phase === 'joined';
  // Read by the benchmark loop once React has committed.
  useEffect(() => {
    feed = { ...query, joined };
  });
  return createElement(
    'ul',
    null,
    query.data?.pages.map((page) => page.map((item) => createElement(Row, { key: item.id, item }))),
  );
}

const rows = () => feed?.data?.pages.flat() ?? [];

interface Result {
  rendersPerChange: number;
  cpuMsPerChange: number;
  mainThreadMsPerChange: number;
  shownShare: number;
  fetchesPerChange: number;
  receivedShare: number;
  catchUpMs: number;
  sentPerSecond: number;
}

async function round(apply: Apply, offset: number): Promise<Result> {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { staleTime: Infinity, retry: false } },
  });
  const root = createRoot(document.createElement('div'));
  root.render(
    createElement(
      QueryClientProvider,
      { client: queryClient },
      createElement(RealtimeProvider, { client: supabase }, createElement(Feed, { apply })),
    ),
  );
  await until(() => Boolean(feed?.joined && feed.data), 'the first page and the channel');
  // One page at a time, each once the feed is idle (the read made when the table's changes first
  // stream may be in flight): `feed` is what the last commit saw.
  for (;;) {
    await until(() => feed?.isFetching === false, 'an idle feed');
    if (rows().length >= ROWS) break;
    await feed?.fetchNextPage({ cancelRefetch: false });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  process.stderr.write(`${apply}: ${ROWS} rows loaded\n`);
  await new Promise((resolve) => setTimeout(resolve, 500));

  // Distinct rows (7919 is prime to 5,000), a different set each round.
  const ids = Array.from({ length: CHANGES }, (_, i) => (((offset + i) * 7919) % ROWS) + 1);
  const before = new Map(rows().map((item) => [item.id, item.n]));
  const expected = new Map(ids.map((id) => [id, (before.get(id) ?? 0) + 1]));
  const done = () => rows().every((item) => (expected.get(item.id) ?? item.n) === item.n);

  shown.clear();
  received = 0;
  const renders = rendered;
  const fetched = fetches;
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const sentPerSecond = await change(ids);
  const sentAt = performance.now();
  await until(done, `the ${apply} arm to show every change`);
  const catchUpMs = performance.now() - sentAt;
  const used = process.cpuUsage(cpu);
  const busy = performance.eventLoopUtilization(loop);
  const result: Result = {
    rendersPerChange: (rendered - renders) / CHANGES,
    cpuMsPerChange: (used.user + used.system) / 1000 / CHANGES,
    mainThreadMsPerChange: busy.active / CHANGES,
    shownShare: ids.filter((id) => shown.has(`${id}:${expected.get(id)}`)).length / CHANGES,
    fetchesPerChange: (fetches - fetched) / CHANGES,
    receivedShare: received / CHANGES,
    catchUpMs,
    sentPerSecond,
  };
  process.stderr.write(`${apply}: ${JSON.stringify(result)}\n`);
  root.unmount();
  queryClient.clear();
  feed = undefined;
  return result;
}

const results: Record<Apply, Result[]> = { merge: [], invalidate: [] };
// A warm-up round each (JIT, connection pools), then alternating rounds so drift hits both alike.
await round('merge', 0);
await round('invalidate', CHANGES);
for (let i = 0; i < ROUNDS; i++) {
  for (const apply of ['merge', 'invalidate'] as const) {
    results[apply].push(await round(apply, (2 + i * 2 + (apply === 'merge' ? 0 : 1)) * CHANGES));
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const of = (apply: Apply, key: keyof Result) => median(results[apply].map((each) => each[key]));
const fixed = (value: number, digits = 2) => value.toFixed(digits);
const lines = [
  `${ROWS} rows in ${ROWS / PAGE} pages, ${CHANGES} updates at ${PER_SECOND}/s per round, median of ${ROUNDS} rounds per arm`,
  '',
  '| measure | merge | invalidate | merge / invalidate |',
  '| --- | --- | --- | --- |',
  ...(
    [
      ['row components rendered per change', 'rendersPerChange', 2],
      ['changes received by the query', 'receivedShare', 3],
      ['changes that reached the screen', 'shownShare', 3],
      ['fetches per change', 'fetchesPerChange', 3],
      ['main thread busy per change (ms)', 'mainThreadMsPerChange', 3],
      ['CPU per change, whole process (ms)', 'cpuMsPerChange', 3],
      ['from the last write to the last change shown (ms)', 'catchUpMs', 0],
      ['updates sent per second', 'sentPerSecond', 0],
    ] as const
  ).map(([label, key, digits]) => {
    const merge = of('merge', key);
    const invalidate = of('invalidate', key);
    const ratio = invalidate === 0 ? '–' : `${fixed(merge / invalidate)}x`;
    return `| ${label} | ${fixed(merge, digits)} | ${fixed(invalidate, digits)} | ${ratio} |`;
  }),
  '',
  `per round, merge: ${JSON.stringify(results.merge)}`,
  `per round, invalidate: ${JSON.stringify(results.invalidate)}`,
];
console.log(lines.join('\n'));

await supabase.removeAllChannels();
child.send({ type: 'stop' });
await new Promise((resolve) => child.once('exit', resolve));
process.exit(0);
