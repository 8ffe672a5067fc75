// The other end of bench/queries.tsx, in its own process so that neither the server's CPU nor
// PostgreSQL's is counted against the page being measured: it owns a 5,000-row table and
// updates its rows at a steady rate on command.
// eslint-disable-next-line no-restricted-imports -- a benchmark harness, like a test: it runs the server, the package never imports it.
import { silentLogger, startServer } from '@roomkit/server';
import pg from 'pg';

type Command = { type: 'change'; ids: number[]; perSecond: number } | { type: 'stop' };

export const ROWS = 5000;

const server = await startServer({
  port: 0,
  db: 'embedded',
  ephemeral: true,
  logger: silentLogger,
});
const db = new pg.Client({ connectionString: server.dbUrl ?? '' });
await db.connect();
await db.query(`
  create table public.bench_items (id int primary key, title text not null, n int not null default 0);
  insert into public.bench_items (id, title) select i, 'item ' || i from generate_series(1, ${ROWS}) i;
  alter publication supabase_realtime add table public.bench_items;
`);
const token = await server.mintToken({ sub: 'bench', role: 'authenticated' });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

process.on('message', (command: Command) => {
  void (async () => {
    if (command.type === 'stop') {
      await db.end();
      await server.stop();
      process.exit(0);
    }
    // Paced against the clock, not by sleeping a fixed gap after each write.
    const started = performance.now();
    for (const [i, id] of command.ids.entries()) {
      const due = started + (i * 1000) / command.perSecond;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      await db.query('update public.bench_items set n = n + 1 where id = $1', [id]);
    }
    const seconds = (performance.now() - started) / 1000;
    process.send?.({ type: 'changed', perSecond: command.ids.length / seconds });
  })();
});

process.send?.({ type: 'ready', url: server.url, anonKey: server.anonKey, token });
