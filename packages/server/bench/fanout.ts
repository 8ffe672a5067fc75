/**
 * `pnpm bench:server`: fan-out in a 100-subscriber room at fixed send rates, @roomkit/server
 * against a raw `ws` relay in the same run, arms interleaved, server and load generator on
 * separate cores. Writes packages/server/BENCHMARKS.md and prints a summary.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, release, type } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkPinning, installCleanup, spawnChild } from './children';
import { InterferenceMeter, waitForQuiet } from './hostLoad';
import {
  readGeneratorMessage,
  readServerMessage,
  type ArmId,
  type GeneratorMessage,
  type ServerMessage,
  type StepConfig,
} from './ipc';
import { renderConsole, renderMarkdown, type RunInfo } from './report';
import { describeInterference, isDisturbed, summarize, type StepResult } from './summary';

const ALL_ARMS: readonly ArmId[] = ['raw', 'roomkit-v2', 'roomkit-v1'];
const SERVER_CORE = 0;
const GENERATOR_CORE = 1;
/** The longest wait for in-flight frames after the last publish. */
const DRAIN_MS = 3000;
/** How long, and how quiet, the machine must be before a step starts. */
const QUIET_MS = 1000;
const QUIET_LIMIT = { averageCores: 0.1, peakCores: 0.35 };
/** Tries per step when other processes disturb it. */
const MAX_ATTEMPTS = 5;

interface Settings {
  rates: number[];
  rounds: number;
  warmupMs: number;
  measureMs: number;
  subscribers: number;
  sampleEvery: number;
  tickMs: number;
  payloadBytes: number;
  arms: ArmId[];
  write: boolean;
  out: string;
  profileDir: string | null;
  /** Seconds the whole run may spend waiting for a quiet machine and re-running disturbed steps. */
  quietWaitS: number;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`--${name} must be a positive number, got "${text}"`);
  }
  return value;
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string', default: '50000,75000,100000,125000,150000,200000' },
      rounds: { type: 'string', default: '2' },
      warmup: { type: 'string', default: '1000' },
      measure: { type: 'string', default: '5000' },
      subscribers: { type: 'string', default: '100' },
      'sample-every': { type: 'string', default: '16' },
      tick: { type: 'string', default: '5' },
      payload: { type: 'string', default: '100' },
      arms: { type: 'string', default: ALL_ARMS.join(',') },
      dry: { type: 'boolean', default: false },
      out: { type: 'string', default: fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)) },
      profile: { type: 'string' },
      'quiet-wait': { type: 'string', default: '300' },
    },
    // pnpm forwards a literal `--` when flags are passed through `pnpm bench:server -- …`.
    allowPositionals: true,
  });
  const arms = values.arms.split(',').map((name) => {
    const arm = ALL_ARMS.find((candidate) => candidate === name.trim());
    if (arm === undefined) {
      throw new Error(`--arms: unknown arm "${name}" (use ${ALL_ARMS.join(', ')})`);
    }
    return arm;
  });
  return {
    rates: values.rates
      .split(',')
      .map((rate) => positive('rates', rate))
      .sort((a, b) => a - b),
    rounds: Math.min(10, Math.floor(positive('rounds', values.rounds))),
    warmupMs: positive('warmup', values.warmup),
    measureMs: Math.min(60_000, positive('measure', values.measure)),
    subscribers: Math.min(1000, Math.floor(positive('subscribers', values.subscribers))),
    sampleEvery: Math.floor(positive('sample-every', values['sample-every'])),
    tickMs: positive('tick', values.tick),
    payloadBytes: Math.floor(positive('payload', values.payload)),
    arms,
    write: !values.dry,
    out: values.out,
    profileDir: values.profile ?? null,
    quietWaitS: Math.max(0, Math.min(1800, Number(values['quiet-wait']) || 0)),
  };
}

function describeFailure(message: GeneratorMessage): string | null {
  return message.type === 'error' ? message.message : null;
}

/** One arm at one rate: fresh server on one core, fresh generator on the other. */
async function runStep(
  settings: Settings,
  arm: ArmId,
  rate: number,
  round: number,
  pinned: boolean,
  affinity: Set<string>,
): Promise<Omit<StepResult, 'attempts'>> {
  const step = { arm, rate, round, subscribers: settings.subscribers };
  const profile = (role: string) =>
    settings.profileDir === null
      ? []
      : // One folder per process: tsx's loader thread writes a profile of its own next to main's.
        [
          '--cpu-prof',
          `--cpu-prof-dir=${join(settings.profileDir, `${arm}-${rate}-${round + 1}-${role}`)}`,
        ];
  const server = spawnChild<ServerMessage>({
    name: `${arm} server`,
    script: './serverProcess.ts',
    args: [arm === 'raw' ? 'raw' : 'roomkit'],
    core: pinned ? SERVER_CORE : null,
    nodeArgs: profile('server'),
    read: readServerMessage,
  });
  const generator = spawnChild<GeneratorMessage>({
    name: `${arm} load generator`,
    script: './loadGenerator.ts',
    core: pinned ? GENERATOR_CORE : null,
    nodeArgs: profile('generator'),
    read: readGeneratorMessage,
    failure: describeFailure,
  });
  try {
    const ready = await server.next('ready', 30_000);
    const config: StepConfig = {
      arm,
      port: ready.port,
      apiKey: ready.apiKey,
      subscribers: settings.subscribers,
      deliveriesPerSecond: rate,
      warmupMs: settings.warmupMs,
      measureMs: settings.measureMs,
      drainMs: DRAIN_MS,
      sampleEvery: settings.sampleEvery,
      tickMs: settings.tickMs,
      payloadBytes: settings.payloadBytes,
    };
    generator.send({ type: 'run', config });
    await generator.next('joined', 30_000);
    affinity.add(`server ${server.cpusAllowed()}, generator ${generator.cpusAllowed()}`);
    const meter = new InterferenceMeter(
      () => [process.pid, server.pid, generator.pid],
      () => [server.pid, generator.pid],
    );
    await generator.next('measure-start', settings.warmupMs + 30_000);
    meter.begin();
    server.send({ type: 'cpu' });
    const before = await server.next('cpu', 30_000);
    const windowStart = performance.now();
    await generator.next('measure-end', settings.measureMs + 30_000);
    const { foreignCores, peakStallMs } = meter.end();
    server.send({ type: 'cpu' });
    const after = await server.next('cpu', 30_000);
    const serverWindowMs = performance.now() - windowStart;
    const { result } = await generator.next('result', DRAIN_MS + 30_000);
    return {
      ...step,
      error: null,
      generator: result,
      serverCpuUs: after.userUs + after.systemUs - (before.userUs + before.systemUs),
      serverSystemUs: after.systemUs - before.systemUs,
      serverWindowMs,
      interference: { foreignCores, peakStallMs },
    };
  } catch (error) {
    return {
      ...step,
      error: String(error),
      generator: null,
      serverCpuUs: 0,
      serverSystemUs: 0,
      serverWindowMs: 0,
      interference: { foreignCores: Number.NaN, peakStallMs: Number.NaN },
    };
  } finally {
    await Promise.all([generator.stop(), server.stop()]);
  }
}

/**
 * Sections other benchmarks keep in the same file between `<!-- name:start -->` and
 * `<!-- name:end -->` (the postgres-changes case appends one); rewriting the fan-out part keeps them.
 */
function otherSections(path: string): string {
  if (!existsSync(path)) return '';
  const blocks = readFileSync(path, 'utf8').match(
    /<!-- ([\w-]+):start -->[\s\S]*?<!-- \1:end -->/g,
  );
  return (blocks ?? []).join('\n\n');
}

function wsVersion(): string {
  const pkg: unknown = createRequire(import.meta.url)('ws/package.json');
  return typeof pkg === 'object' &&
    pkg !== null &&
    'version' in pkg &&
    typeof pkg.version === 'string'
    ? pkg.version
    : 'unknown';
}

function progressLine(result: StepResult, index: number, total: number): string {
  const g = result.generator;
  const head = `  [${index}/${total}] ${result.rate / 1000}k/s ${result.arm} #${result.round + 1}: `;
  if (g === null) return `${head}error: ${result.error ?? 'no result'}`;
  const perSecond = g.deliveredMeasure / (g.measureMs / 1000);
  return (
    `${head}p99 ${g.p99.toFixed(2)} ms, ${(perSecond / 1000).toFixed(1)}k/s, ` +
    `others: ${describeInterference(result.interference)}` +
    (result.attempts > 1 ? ` (attempt ${result.attempts})` : '')
  );
}

/**
 * Runs one planned step, waiting for a quiet machine first and again after a disturbed try.
 * Waiting and thrown-away tries are paid from `budget`; once it is spent, a step runs once.
 */
async function runQuietStep(
  settings: Settings,
  plan: { arm: ArmId; rate: number; round: number },
  pinned: boolean,
  affinity: Set<string>,
  budget: { remainingMs: number },
): Promise<StepResult> {
  let result: StepResult | null = null;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const waitStart = performance.now();
    await waitForQuiet(QUIET_LIMIT, QUIET_MS, budget.remainingMs);
    budget.remainingMs -= performance.now() - waitStart;
    const stepStart = performance.now();
    result = {
      ...(await runStep(settings, plan.arm, plan.rate, plan.round, pinned, affinity)),
      attempts: attempt,
    };
    if (!isDisturbed(result.interference) || budget.remainingMs <= 0) break;
    budget.remainingMs -= performance.now() - stepStart;
    console.log(
      `  … ${plan.arm} at ${plan.rate / 1000}k/s was disturbed ` +
        `(${describeInterference(result.interference)}); running it again`,
    );
  }
  if (result === null) throw new Error('unreachable: MAX_ATTEMPTS is at least 1');
  return result;
}

/** Whether a higher rate can still change a result: some arm has not failed, and load is possible. */
function worthGoingHigher(steps: StepResult[], settings: Settings, lastRate: number): boolean {
  const { arms, rows } = summarize(steps, settings.arms, settings.rates);
  const last = rows.filter((row) => row.rate === lastRate && !row.disturbed);
  // Every undisturbed run at the last rate out-ran the generator: a higher rate would too.
  if (last.length > 0 && last.every((row) => row.generatorBound)) return false;
  return arms.some((arm) => !arm.exact);
}

async function main(): Promise<void> {
  installCleanup();
  const settings = readSettings();
  const { pinned, note } = checkPinning();
  const started = performance.now();
  const budget = { remainingMs: settings.quietWaitS * 1000 };
  const affinity = new Set<string>();
  const steps: StepResult[] = [];
  const skipped: number[] = [];
  const total = settings.rates.length * settings.rounds * settings.arms.length;
  console.log(`fan-out bench: up to ${total} steps, ${note}`);
  let previousRate: number | null = null;
  for (const rate of settings.rates) {
    if (previousRate !== null && !worthGoingHigher(steps, settings, previousRate)) {
      skipped.push(rate);
      continue;
    }
    previousRate = rate;
    for (let round = 0; round < settings.rounds; round++) {
      for (const arm of settings.arms) {
        const plan = { arm, rate, round };
        const result = await runQuietStep(settings, plan, pinned, affinity, budget);
        steps.push(result);
        console.log(progressLine(result, steps.length, total));
      }
    }
  }
  const summary = summarize(steps, settings.arms, settings.rates);
  const info: RunInfo = {
    date: new Date().toISOString(),
    node: process.version,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    os: `${type()} ${release()}`,
    ws: wsVersion(),
    pinning: note,
    affinity: affinity.size > 0 ? [...affinity].join('; ') : 'unknown',
    rates: settings.rates,
    rounds: settings.rounds,
    warmupMs: settings.warmupMs,
    measureMs: settings.measureMs,
    subscribers: settings.subscribers,
    sampleEvery: settings.sampleEvery,
    tickMs: settings.tickMs,
    payloadBytes: settings.payloadBytes,
    skippedRates: skipped,
    quietWaitS: settings.quietWaitS,
    quietCores: QUIET_LIMIT.averageCores,
    maxAttempts: MAX_ATTEMPTS,
    durationS: (performance.now() - started) / 1000,
  };
  console.log(renderConsole(info, summary));
  if (settings.write) {
    const others = otherSections(settings.out);
    const page = renderMarkdown(info, summary, settings.arms);
    writeFileSync(settings.out, others === '' ? page : `${page.trimEnd()}\n\n${others}\n`);
    console.log(`wrote ${settings.out}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
