/**
 * `pnpm bench:server`, changes case: rows committed per second, fanned out as postgres_changes
 * to 100 subscribers, with and without row-level security, at fixed open-loop rates.
 * The server (and its embedded PostgreSQL) run on CPU 0; subscribers and the inserter on CPU 1.
 * Appends its section to BENCHMARKS.md (after the fan-out case has written the file).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import pg from 'pg';
import WebSocket from 'ws';

type Arm = 'no RLS' | 'RLS (100 distinct users)';

const SUBSCRIBERS = 100;
const RATES: Record<Arm, number[]> = {
  'no RLS': [250, 500, 1000, 1500],
  // One visibility query per change per distinct user: far lower rates, as on Supabase.
  'RLS (100 distinct users)': [10, 25, 50, 100],
};
const WARMUP_MS = 1000;
const MEASURE_MS = 4000;
const TICK_MS = 10;
const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPORT = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

interface Step {
  arm: Arm;
  rate: number;
  expected: number;
  delivered: number;
  p50: number;
  p95: number;
  p99: number;
  serverCpu: number;
  generatorCpu: number;
}

const pinned = spawnSync('taskset', ['-pc', '1', String(process.pid)]).status === 0;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function startServerChild() {
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const args = [...profile, '--conditions=source', '--import', 'tsx', `${HERE}changesServer.ts`];
  const child = pinned
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], {
        stdio: ['pipe', 'pipe', 'inherit'],
      })
    : spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let cpuUs = 0;
  let buffer = '';
  const ready = new Promise<{ url: string; anonKey: string; dbUrl: string; secret: string }>(
    (resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let newline;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
          buffer = buffer.slice(newline + 1);
          if (typeof line.cpuUs === 'number') cpuUs = line.cpuUs;
          else resolve(line as { url: string; anonKey: string; dbUrl: string; secret: string });
        }
      });
    },
  );
  return { child, ready: await ready, cpu: () => cpuUs };
}

/** Opens a raw vsn 2.0.0 socket joined to `room` with one INSERT binding; counts change frames. */
async function subscriber(url: string, apikey: string, token: string, room: string, table: string) {
  const socket = new WebSocket(
    `${url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${apikey}&vsn=2.0.0`,
  );
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const state = { count: 0, latencies: [] as number[], measuring: false };
  let subscribed: () => void = () => {};
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  socket.on('message', (data: Buffer) => {
    // While measuring, the server sends these sockets nothing but changes (no heartbeats are
    // sent, the subscription is confirmed): count frames, decode nothing, sample every 8th.
    if (state.measuring) {
      state.count++;
      if (state.count % 8 !== 0) return;
      const at = data.indexOf('"sent_at":');
      if (at >= 0) {
        const sent = Number.parseFloat(data.toString('latin1', at + 10, at + 40));
        state.latencies.push(performance.timeOrigin + performance.now() - sent);
      }
    } else if (data.indexOf('Subscribed to PostgreSQL') >= 0) {
      subscribed();
    }
  });
  socket.send(
    JSON.stringify([
      '1',
      '1',
      `realtime:${room}`,
      'phx_join',
      {
        config: {
          postgres_changes: [{ event: 'INSERT', schema: 'public', table }],
          broadcast: {},
          presence: {},
        },
        access_token: token,
      },
    ]),
  );
  await ready;
  return { socket, state };
}

async function runStep(
  server: { url: string; anonKey: string; dbUrl: string; secret: string },
  cpu: () => number,
  arm: Arm,
  rate: number,
): Promise<Step> {
  const table = arm === 'no RLS' ? 'items_open' : 'items_rls';
  const key = new TextEncoder().encode(server.secret);
  const tokens = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, (_, i) =>
      new SignJWT({
        role: 'authenticated',
        sub: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('1h')
        .sign(key),
    ),
  );
  const subs: Awaited<ReturnType<typeof subscriber>>[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    subs.push(
      // One board, many users: every subscriber joins the same room, as in an app.
      await subscriber(server.url, server.anonKey, tokens[i] ?? '', `bench-${arm}-${rate}`, table),
    );
  }
  const db = new pg.Client({ connectionString: server.dbUrl });
  await db.connect();
  const perTick = (rate * TICK_MS) / 1000;
  let owed = 0;
  let inserted = 0;
  let measuredInserts = 0;
  const started = performance.now();
  const cpuStart = { server: cpu(), generator: process.cpuUsage() };
  let measureStart = 0;
  await new Promise<void>((resolve) => {
    const tick = async () => {
      const elapsed = performance.now() - started;
      if (elapsed >= WARMUP_MS + MEASURE_MS) return resolve();
      if (elapsed >= WARMUP_MS && measureStart === 0) {
        measureStart = performance.now();
        for (const sub of subs) sub.state.measuring = true;
      }
      // Open loop: rows owed by the clock are committed whatever the server's pace.
      owed += perTick;
      const rows = Math.floor(owed);
      owed -= rows;
      if (rows > 0) {
        inserted += rows;
        if (measureStart !== 0) measuredInserts += rows;
        void db.query(
          `insert into ${table} (sent_at) select $1::double precision from generate_series(1, $2)`,
          [performance.timeOrigin + performance.now(), rows],
        );
      }
      setTimeout(() => void tick(), TICK_MS);
    };
    void tick();
  });
  const measuredMs = performance.now() - measureStart;
  // Let in-flight changes land before counting: until nothing arrives for 300 ms (at most 30 s),
  // so a backlog never spills into the next step.
  const total = () => subs.reduce((sum, sub) => sum + sub.state.count, 0);
  for (let last = -1, waited = 0; waited < 30_000; waited += 300) {
    const now = total();
    if (now === last) break;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const generator = process.cpuUsage(cpuStart.generator);
  const serverCpu = (cpu() - cpuStart.server) / ((performance.now() - started) * 1000);
  for (const sub of subs) sub.state.measuring = false;
  const delivered = subs.reduce((total, sub) => total + sub.state.count, 0);
  const latencies = subs.flatMap((sub) => sub.state.latencies).sort((a, b) => a - b);
  for (const sub of subs) sub.socket.close();
  await db.end();
  void inserted;
  return {
    arm,
    rate,
    expected: measuredInserts * SUBSCRIBERS,
    delivered,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    serverCpu,
    generatorCpu: (generator.user + generator.system) / ((measuredMs + WARMUP_MS) * 1000),
  };
}

/** `BENCH_ONLY="no RLS@1000,no RLS@1500"` runs only those steps and writes no report (for profiling). */
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;

async function main(): Promise<void> {
  const { child, ready: server, cpu } = await startServerChild();
  const admin = new pg.Client({ connectionString: server.dbUrl });
  await admin.connect();
  await admin.query(`
    create table items_open (id bigint generated always as identity primary key, sent_at double precision);
    create table items_rls (id bigint generated always as identity primary key, sent_at double precision);
    alter table items_rls enable row level security;
    create policy "signed-in users read" on items_rls for select to authenticated using (true);
    alter publication supabase_realtime add table items_open, items_rls;
  `);
  await admin.end();
  const steps: Step[] = [];
  // Arms alternate step by step, each at its own rates.
  for (let index = 0; index < 4; index++) {
    for (const arm of ['no RLS', 'RLS (100 distinct users)'] as Arm[]) {
      const rate = RATES[arm][index] ?? 0;
      if (only && !only.has(`${arm}@${rate}`)) continue;
      const step = await runStep(server, cpu, arm, rate);
      steps.push(step);
      process.stdout.write(
        `${arm} @ ${rate}/s: ${(step.delivered / (MEASURE_MS / 1000)).toFixed(0)} deliveries/s, ` +
          `delivered/expected ${(step.delivered / step.expected).toFixed(3)}, p95 ${step.p95.toFixed(1)} ms, server CPU ${(step.serverCpu * 100).toFixed(0)}%, generator CPU ${(step.generatorCpu * 100).toFixed(0)}%\n`,
      );
    }
  }
  child.stdin.end();
  if (!only) report(steps);
}

function report(steps: Step[]): void {
  const passes = (step: Step) => step.delivered / step.expected >= 0.99 && step.p95 <= 20;
  const best = (arm: Arm) =>
    Math.max(0, ...steps.filter((s) => s.arm === arm && passes(s)).map((s) => s.rate));
  const open = best('no RLS');
  const rls = best('RLS (100 distinct users)');
  const rows = steps.map(
    (s) =>
      `| ${s.rate}/s | ${s.arm} | ${((s.rate * SUBSCRIBERS) / 1000).toFixed(0)}k/s | ${(s.delivered / (MEASURE_MS / 1000) / 1000).toFixed(1)}k/s | ${(s.delivered / s.expected).toFixed(3)} | ${s.p50.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.p99.toFixed(1)} | ${(s.serverCpu * 100).toFixed(0)}% | ${(s.generatorCpu * 100).toFixed(0)}% | ${passes(s) ? 'pass' : 'fail'} |`,
  );
  const section = [
    '<!-- changes:start -->',
    '## Postgres changes to 100 subscribers',
    '',
    `Run ${new Date().toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length} · ` +
      `${pinned ? 'server + embedded PostgreSQL on CPU 0, subscribers + inserter on CPU 1 (taskset)' : 'unpinned (taskset unavailable)'}.`,
    '',
    `- Without RLS: highest rate with delivered/expected ≥ 0.99 and p95 ≤ 20 ms: **${open} changes/s** ` +
      `(${((open * SUBSCRIBERS) / 1000).toFixed(0)}k deliveries/s) → 1,000 changes/s target **${open >= 1000 ? 'met' : 'not met'}**.`,
    `- With RLS (each of the 100 subscribers a different user, so one visibility query per change per user): ` +
      `**${rls} changes/s**${open > 0 ? `, ${rls > 0 ? `${(open / rls).toFixed(1)}× fewer` : 'no passing rate'} than without RLS` : ''}. ` +
      'Supabase checks RLS the same way (per subscriber role and claims), which is why hosted figures with RLS are far lower too.',
    '',
    '| Committed | Arm | Expected deliveries | Measured | Delivered/expected | p50 ms | p95 ms | p99 ms | Server CPU | Generator CPU | Status |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `Method: each step opens ${SUBSCRIBERS} raw vsn 2.0.0 sockets, all joined to one room (one board, many users) with one INSERT ` +
      'binding on the table and each with its own user token, and waits for every "Subscribed to PostgreSQL". An inserter commits rows every 10 ms on an open-loop ' +
      `schedule (the clock decides how many rows are owed), each row carrying its send time; ${WARMUP_MS / 1000} s warm-up, ` +
      `${MEASURE_MS / 1000} s measured, then 1 s to drain. Latency is commit-to-client: receive time minus the row's send time, on one clock, ` +
      'read from every 8th frame without parsing the rest. Server CPU includes only the Node process (PostgreSQL shares its core).',
    '<!-- changes:end -->',
  ].join('\n');
  let current = '';
  try {
    current = readFileSync(REPORT, 'utf8');
  } catch {
    current = '# @roomkit/server benchmarks\n';
  }
  const cleaned = current.replace(/\n?<!-- changes:start -->[\s\S]*<!-- changes:end -->\n?/, '\n');
  writeFileSync(REPORT, `${cleaned.trimEnd()}\n\n${section}\n`);
  process.stdout.write(`Written to ${REPORT}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
