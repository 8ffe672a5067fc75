/** Renders a run as BENCHMARKS.md and as a short console summary. */
import type { ArmId } from './ipc';
import {
  MAX_INTERFERENCE,
  MAX_GENERATOR_CPU,
  MIN_DELIVERY_RATIO,
  MIN_SEND_RATIO,
  P99_LIMIT_MS,
  TARGET_DELIVERIES_PER_SECOND,
  TARGET_RATIO,
  pct,
  type ArmSummary,
  type Row,
  type Summary,
  type Target,
  type Verdict,
} from './summary';

/** Where and how the run happened. */
export interface RunInfo {
  date: string;
  node: string;
  cpuModel: string;
  cores: number;
  os: string;
  ws: string;
  pinning: string;
  /** Cores each child was allowed, as read from /proc (e.g. "server 0, generator 1"). */
  affinity: string;
  rates: number[];
  /** Rates not run because every arm had already stopped passing. */
  skippedRates: number[];
  quietWaitS: number;
  /** Average cores others may use for the machine to count as quiet before a step. */
  quietCores: number;
  maxAttempts: number;
  rounds: number;
  warmupMs: number;
  measureMs: number;
  subscribers: number;
  sampleEvery: number;
  tickMs: number;
  payloadBytes: number;
  durationS: number;
}

const ARM_NAMES: Record<ArmId, string> = {
  raw: 'A: raw ws relay',
  'roomkit-v2': 'B: @roomkit/server, vsn 2.0.0 (binary)',
  'roomkit-v1': 'B: @roomkit/server, vsn 1.0.0 (JSON)',
};

function ms(value: number): string {
  return Number.isFinite(value) && value >= 0 ? value.toFixed(2) : '–';
}

function thousands(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '–' : `${(value / 1000).toFixed(1)}k`;
}

function rateLabel(rate: number | null): string {
  return rate === null ? 'none' : `${rate / 1000}k/s`;
}

function verdict(value: Verdict): string {
  return value === 'not shown' ? '**not shown by this run**' : `**${value}**`;
}

function share(value: number): string {
  return Number.isFinite(value) ? pct(value) : '–';
}

function rowLine(row: Row): string {
  const status = row.pass ? 'pass' : row.valid ? 'fail' : 'invalid';
  const retried = row.attempts > 1 ? ` (attempt ${row.attempts})` : '';
  return [
    rateLabel(row.rate),
    ARM_NAMES[row.arm],
    String(row.round + 1),
    thousands(row.deliveriesPerSecond),
    Number.isFinite(row.deliveryRatio) ? row.deliveryRatio.toFixed(4) : '–',
    ms(row.p50),
    ms(row.p95),
    ms(row.p99),
    ms(row.max),
    share(row.serverCpu),
    Number.isFinite(row.serverUsPerDelivery) ? row.serverUsPerDelivery.toFixed(2) : '–',
    share(row.generatorCpu),
    ms(row.maxTickGapMs),
    Number.isFinite(row.interference.foreignCores)
      ? `${row.interference.foreignCores.toFixed(2)} / ${row.interference.peakStallMs.toFixed(1)}`
      : '–',
    `${row.note === '' ? status : `${status}: ${row.note}`}${retried}`,
  ].join(' | ');
}

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/** Median server µs per delivery (and the kernel's share) per arm at each rate, over valid runs. */
function cpuTable(summary: Summary, rates: number[], arms: ArmId[]): string[] {
  const lines = [
    `| Rate | ${arms.map((arm) => ARM_NAMES[arm]).join(' | ')} |`,
    `|---|${arms.map(() => '---:').join('|')}|`,
  ];
  for (const rate of rates) {
    const cells = arms.map((arm) => {
      const runs = summary.rows.filter((row) => row.arm === arm && row.rate === rate && row.valid);
      const value = median(runs.map((row) => row.serverUsPerDelivery));
      const kernel = median(runs.map((row) => row.serverSystemShare));
      return Number.isFinite(value) ? `${value.toFixed(2)} (${share(kernel)} kernel)` : '–';
    });
    lines.push(`| ${rateLabel(rate)} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function noiseTable(summary: Summary, rates: number[]): string[] {
  const lines = [
    '| Rate | A p99 per run (ms) | A deliveries/s per run | A server µs/delivery per run |',
    '|---|---|---|---|',
  ];
  for (const rate of rates) {
    const runs = summary.rows.filter((row) => row.arm === 'raw' && row.rate === rate);
    if (runs.length < 2) continue;
    lines.push(
      `| ${rateLabel(rate)} | ${runs.map((row) => ms(row.p99)).join(' / ')} | ${runs
        .map((row) => thousands(row.deliveriesPerSecond))
        .join(' / ')} | ${runs.map((row) => row.serverUsPerDelivery.toFixed(2)).join(' / ')} |`,
    );
  }
  return lines;
}

function armLine(arm: ArmSummary): string {
  const kind = arm.knee === null ? '' : arm.exact ? ' (ceiling)' : ' (floor: never failed)';
  return `| ${ARM_NAMES[arm.arm]} | ${rateLabel(arm.knee)}${kind} | ${thousands(
    arm.kneeDeliveriesPerSecond,
  )} | ${arm.stop} |`;
}

const RATIO_NOTES: Record<Target['ratioKind'], string> = {
  exact: '',
  'lower bound': ' (a lower bound: B never failed, so B/A may be higher)',
  'upper bound': ' (an upper bound: A never failed, so A may go higher and B/A be lower)',
  undetermined:
    ' (undetermined: neither arm failed a validly measured rate, so both knees are floors)',
};

function verdicts(summary: Summary): string[] {
  return summary.targets.map((target) => {
    const arm = summary.arms.find((candidate) => candidate.arm === target.arm);
    const ratio =
      target.ratio === null
        ? 'not measurable'
        : `${target.ratio.toFixed(2)}×${RATIO_NOTES[target.ratioKind]}`;
    return (
      `- ${ARM_NAMES[target.arm]}: ratio B/A = ${ratio} → ${TARGET_RATIO}× target ` +
      `${verdict(target.ratioVerdict)}; highest passing rate ${rateLabel(arm?.knee ?? null)} ` +
      `(measured ${thousands(arm?.kneeDeliveriesPerSecond ?? null)} deliveries/s) → ` +
      `${TARGET_DELIVERIES_PER_SECOND / 1000}k deliveries/s target ${verdict(target.throughputVerdict)}.`
    );
  });
}

/** Rates where one arm's valid runs disagreed: a knee there is within this machine's noise. */
function noiseLine(summary: Summary): string[] {
  const split: string[] = [];
  for (const arm of summary.arms) {
    const rates = [...new Set(summary.rows.map((row) => row.rate))];
    for (const rate of rates) {
      const valid = summary.rows.filter((r) => r.arm === arm.arm && r.rate === rate && r.valid);
      if (valid.some((r) => r.pass) && valid.some((r) => !r.pass)) {
        split.push(`${ARM_NAMES[arm.arm]} at ${rateLabel(rate)}`);
      }
    }
  }
  if (split.length === 0) return [];
  return [
    `- Identical runs disagreed (one passed, one failed): ${split.join('; ')}. A knee can move by a ` +
      'rate step between runs here, and the ratio with it; read it together with the noise table below.',
  ];
}

/**
 * Server CPU per delivery at the highest rate where A and every B arm passed in valid runs: the
 * part of the B/A ratio this machine can always measure, even when A's knee lies past what one
 * core of load generator can drive.
 */
function cpuLines(summary: Summary): string[] {
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const passing = (arm: ArmId, rate: number) =>
    summary.rows.filter((row) => row.arm === arm && row.rate === rate && row.valid && row.pass);
  const rates = [...new Set(summary.rows.map((row) => row.rate))].sort((a, b) => b - a);
  const lines: string[] = [];
  for (const target of summary.targets) {
    const rate = rates.find(
      (candidate) =>
        passing('raw', candidate).length > 0 && passing(target.arm, candidate).length > 0,
    );
    if (rate === undefined) continue;
    const a = mean(passing('raw', rate).map((row) => row.serverUsPerDelivery));
    const b = mean(passing(target.arm, rate).map((row) => row.serverUsPerDelivery));
    lines.push(
      `- Server CPU per delivery at ${rateLabel(rate)} (the highest rate both passed validly): ` +
        `${ARM_NAMES[target.arm]} ${b.toFixed(2)} µs, A ${a.toFixed(2)} µs, so for the same CPU B ` +
        `delivers ${(a / b).toFixed(2)}× what A does (target ${TARGET_RATIO}×: ` +
        `${a / b >= TARGET_RATIO ? '**met** on CPU' : '**not met** on CPU'}).`,
    );
  }
  return lines;
}

/** Where the load generator, not the server, became the limit. */
function generatorLine(summary: Summary): string {
  const bound = summary.rows.filter((row) => row.generatorBound);
  if (bound.length === 0) {
    return '- The load generator stayed within its core budget at every rate run.';
  }
  const rates = [...new Set(bound.map((row) => row.rate))].sort((a, b) => a - b);
  const all = rates.filter((rate) =>
    summary.rows
      .filter((row) => row.rate === rate && !row.disturbed)
      .every((row) => row.generatorBound),
  );
  return (
    `- ${bound.length} step(s) at ${rates.map(rateLabel).join(', ')} out-ran the load generator (over ` +
    `${pct(MAX_GENERATOR_CPU)} of its core, or behind schedule); they measure the generator and do not count.` +
    (all.length > 0
      ? ` At ${all.map(rateLabel).join(', ')} every undisturbed step did, so no arm can show a knee from ${rateLabel(all[0] ?? null)} up on this machine.`
      : '')
  );
}

export function renderMarkdown(info: RunInfo, summary: Summary, arms: ArmId[]): string {
  const rates = [...info.rates].sort((a, b) => a - b);
  return [
    '# @roomkit/server benchmarks',
    '',
    '<!-- Written by `pnpm bench:server` (packages/server/bench/fanout.ts); rerun it instead of editing. -->',
    '',
    '## Fan-out in a 100-subscriber room',
    '',
    `Run ${info.date} · Node ${info.node} · ${info.cpuModel} × ${info.cores} · ${info.os} · ws ${info.ws}`,
    `· ${info.pinning} (affinity read back: ${info.affinity}) · ${info.durationS.toFixed(0)} s in total.`,
    '',
    '### Result',
    '',
    ...verdicts(summary),
    ...cpuLines(summary),
    generatorLine(summary),
    ...noiseLine(summary),
    '',
    `Highest offered rate at which the arm kept p99 ≤ ${P99_LIMIT_MS} ms and delivered/expected ≥ ${MIN_DELIVERY_RATIO}`,
    'in every valid run, with no lower rate failing (a rate with no valid run is skipped). A ceiling means a',
    'higher rate failed; a floor means the arm never failed a validly measured rate, so it may do better:',
    '',
    '| Arm | Highest passing rate | Measured deliveries/s there | Why not higher |',
    '|---|---|---:|---|',
    ...summary.arms.map(armLine),
    '',
    '### Every step',
    '',
    'Run order was by rate, and within a rate the arms alternated (A, B v2, B v1, A, B v2, B v1, …).',
    info.skippedRates.length > 0
      ? `Not run, because every arm had already failed or the generator was already saturated: ${info.skippedRates.map(rateLabel).join(', ')}.`
      : 'Every planned rate was run.',
    '',
    '| Offered | Arm | Run | Deliveries/s | Delivered/expected | p50 ms | p95 ms | p99 ms | max ms | Server CPU | Server µs/delivery | Generator CPU | Gen. max tick gap ms | Others: cores / peak stall ms | Status |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...summary.rows.map((row) => `| ${rowLine(row)} |`),
    '',
    '### Server CPU per delivery (median of valid runs, µs)',
    '',
    ...cpuTable(summary, rates, arms),
    '',
    '### Noise: the A/A pair',
    '',
    'The same baseline run twice at each rate; differences here are the noise floor for every ratio above.',
    '',
    ...noiseTable(summary, rates),
    '',
    '## Method',
    '',
    `- **Arms.** A is a minimal relay: \`new WebSocketServer({ perMessageDeflate: false })\` that sends`,
    '  every received frame to every other open client, unparsed. B is `startServer()` from',
    '  `@roomkit/server` with `silentLogger` and limits raised so policy does not cut the run',
    '  (`maxEventsPerSecond: Infinity`, `idleTimeoutMs` 10 min since the generator sends no heartbeats),',
    '  measured twice: every socket on vsn 2.0.0 (the publisher sends kind-3 binary broadcast pushes',
    '  exactly as @supabase/realtime-js does; subscribers receive kind-4 binary frames) and every socket on',
    '  vsn 1.0.0 (JSON text both ways).',
    `- **Processes.** Each step starts a fresh server process and a fresh load-generator process;`,
    `  ${info.pinning}. The orchestrator only spawns, probes and records.`,
    `- **Load.** ${info.subscribers} subscriber sockets and 1 publisher, raw \`ws\` clients on 127.0.0.1.`,
    '  On B every socket sends a realtime-js-shaped `phx_join` for `realtime:bench`',
    '  (`broadcast: { self: false, ack: false }`, presence off, the anon JWT as `access_token`) and the',
    '  step starts only after every `ok` reply; with `self: false` the publisher never gets its own messages.',
    `- **Schedule.** Open loop: every ${info.tickMs} ms \`setTimeout\` tick the publisher sends whatever the fixed`,
    '  rate says is due (no `setImmediate` spin), so at 1,000 publishes/s a tick carries a burst of about',
    `  ${info.tickMs}, as the messages of many publishers in one busy room would arrive. With 1 ms ticks every`,
    '  frame travels alone and one core of ws clients cannot read 100k frames/s, so no arm is measurable',
    '  there (`--tick 1` reproduces it). Offered deliveries/s = publishes/s × subscribers.',
    `  ${info.warmupMs} ms warm-up discarded, then ${info.measureMs} ms measured, then up to 3 s for in-flight frames.`,
    `  Rates ${rates.map(rateLabel).join(', ')}; ${info.rounds} runs per arm per rate.`,
    `- **Payload.** JSON \`{"t": performance.now(), "p": "x…"}\` of about ${info.payloadBytes} bytes; the`,
    '  envelope around it is whatever the arm puts on the wire.',
    `- **Latency.** Each subscriber counts every frame and parses \`t\` from every ${info.sampleEvery}th`,
    '  (a byte search for `{"t":`, no full parse); latency = receive `performance.now()` − `t`, one clock',
    '  in one process. p50/p95/p99/max are nearest-rank over the measured window.',
    '- **Delivered/expected** = frames received in the measured window ÷ (publishes sent in the window ×',
    '  subscribers). **Deliveries/s** = frames received in the window ÷ its length.',
    '- **CPU.** The generator reads `process.cpuUsage()` over its window; the server child answers two',
    '  `process.cpuUsage()` probes sent when the generator opens and closes the window. Server',
    '  µs/delivery = server CPU in the window ÷ deliveries in the window.',
    `- **Validity.** A step is invalid when the generator used more than ${pct(MAX_GENERATOR_CPU)} of its core or`,
    `  sent fewer than ${pct(MIN_SEND_RATIO)} of the scheduled publishes (it measured the generator), or when other`,
    `  processes got in the way: more than ${MAX_INTERFERENCE.foreignCores} cores of CPU used outside the benchmark`,
    '  on average (host busy time from `/proc/stat` minus the three benchmark processes), or a stall over',
    `  ${MAX_INTERFERENCE.peakStallMs} ms in some 100 ms slice: time the pinned server or generator main thread sat runnable`,
    "  waiting for its core beyond what the process's own GC, compiler and libuv threads ran meanwhile",
    "  (`/proc/<pid>/task/*/schedstat`). Waiting behind its own threads is part of a process's cost and counts;",
    '  waiting behind a neighbour is not. (Where this was tuned, undisturbed steps stalled up to about',
    '  50 ms per slice at 100k/s; steps next to a compile or a test run stalled 100–350 ms.) Before every',
    `  step the orchestrator waits until others have used under ${info.quietCores} cores for a full second, and a`,
    `  disturbed step is run again, up to ${info.maxAttempts} attempts, while a ${info.quietWaitS} s budget for waiting and`,
    '  re-running lasts; the table shows the attempt that counted.',
    `  A step passes when valid, p99 ≤ ${P99_LIMIT_MS} ms, delivered/expected ≥ ${MIN_DELIVERY_RATIO} and no`,
    '  socket was closed by the server.',
    `- **Targets.** B's highest passing rate ≥ ${TARGET_RATIO}× A's from the same run, and ≥`,
    `  ${TARGET_DELIVERIES_PER_SECOND / 1000}k deliveries/s. Absolute numbers belong to this machine; read the ratios.`,
    '',
    'Reproduce: `pnpm bench:server` at the repo root runs this case, then the postgres-changes case. To pass',
    'flags to this case alone: `cd packages/server && node --conditions=source --import tsx bench/fanout.ts …` with',
    '`--rates=50000,100000`, `--rounds=2`, `--measure=5000`, `--warmup=1000`, `--arms=raw,roomkit-v2,roomkit-v1`,',
    '`--quiet-wait=300` (seconds the run may spend waiting for a quiet machine and re-running disturbed steps),',
    '`--dry` (do not write this file) or `--profile=<dir>` (a `--cpu-prof` of every server and generator process).',
    '',
  ].join('\n');
}

export function renderConsole(info: RunInfo, summary: Summary): string {
  const lines = [
    `fan-out, ${info.subscribers} subscribers · ${info.cpuModel} × ${info.cores} · node ${info.node} · ${info.pinning}`,
  ];
  for (const row of summary.rows) {
    lines.push(
      `  ${rateLabel(row.rate).padEnd(8)} ${row.arm.padEnd(11)} #${row.round + 1}  ` +
        `${thousands(row.deliveriesPerSecond).padStart(7)}/s  del ${
          Number.isFinite(row.deliveryRatio) ? row.deliveryRatio.toFixed(3) : '–'
        }  p50 ${ms(row.p50)}  p95 ${ms(row.p95)}  p99 ${ms(row.p99)} ms  ` +
        `srv ${Number.isFinite(row.serverUsPerDelivery) ? row.serverUsPerDelivery.toFixed(2) : '–'} µs/del  ` +
        `gen ${Number.isFinite(row.generatorCpu) ? pct(row.generatorCpu) : '–'}  ` +
        `${row.pass ? 'pass' : row.valid ? 'FAIL' : 'INVALID'}${row.note === '' ? '' : ` (${row.note})`}`,
    );
  }
  for (const arm of summary.arms) {
    lines.push(`${ARM_NAMES[arm.arm]}: highest passing ${rateLabel(arm.knee)} — ${arm.stop}`);
  }
  lines.push(
    ...[
      ...verdicts(summary),
      ...cpuLines(summary),
      generatorLine(summary),
      ...noiseLine(summary),
    ].map((line) => line.replaceAll('**', '')),
  );
  return lines.join('\n');
}
