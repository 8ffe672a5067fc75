/**
 * How much other processes got in the way of a step, from /proc. On a shared machine a compile
 * or a test run elsewhere steals the pinned cores and shows up as tail latency; steps measured
 * while that happened are flagged and run again instead of being reported as results.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports CPU time in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICKS_PER_SECOND = 100;
const SLICE_MS = 100;

/**
 * Busy time over all cores, in ticks: user, nice, system, irq and softirq. Interrupt time counts
 * because without IRQ time accounting the kernel also charges it to the interrupted process.
 */
function hostTicks(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [label, user, nice, system, , , irq, softirq] = line.trim().split(/\s+/);
    if (label !== 'cpu') return null;
    const sum = Number(user) + Number(nice) + Number(system) + Number(irq) + Number(softirq);
    return Number.isFinite(sum) ? sum : null;
  } catch {
    return null;
  }
}

/** utime + stime of one process (all its threads) in ticks; 0 once it is gone. */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** One process's threads: the main thread's run-queue wait and every thread's CPU time, in ns. */
interface Threads {
  mainWaitNs: number;
  runNs: Map<string, number>;
}

function readThreads(pid: number): Threads | null {
  try {
    const runNs = new Map<string, number>();
    let mainWaitNs = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      // schedstat: CPU time, run-queue wait, time slices; all cumulative.
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
      runNs.set(tid, Number(run));
      if (tid === String(pid)) mainWaitNs = Number(wait);
    }
    return { mainWaitNs, runNs };
  } catch {
    return null;
  }
}

/**
 * How long a process's main thread waited for its core between two readings beyond what the
 * process's own other threads (GC, compiler, libuv) ran in that time: the wait others caused.
 */
function stallNs(from: Threads, to: Threads, pid: number): number {
  let helpersNs = 0;
  for (const [tid, run] of to.runNs) {
    const before = from.runNs.get(tid);
    if (tid !== String(pid) && before !== undefined) helpersNs += run - before;
  }
  return Math.max(0, to.mainWaitNs - from.mainWaitNs - helpersNs);
}

/** What other processes did to a step's window. */
export interface Interference {
  /** Cores' worth of CPU used by processes outside the benchmark, averaged over the window. */
  foreignCores: number;
  /**
   * The most time, in any 100 ms slice, that the pinned processes' main threads waited for their
   * core beyond what their own helper threads ran: a neighbour's burst shows here even when its
   * average is small.
   */
  peakStallMs: number;
}

interface Mark {
  host: number;
  ours: number;
  at: number;
}

function cores(from: Mark, to: Mark): number {
  if (to.at <= from.at) return 0;
  const foreignTicks = to.host - from.host - (to.ours - from.ours);
  return Math.max(0, foreignTicks / TICKS_PER_SECOND / ((to.at - from.at) / 1000));
}

/**
 * Samples /proc every 100 ms between `begin` and `end`. `ours` are every benchmark process
 * (their CPU is not foreign); `watched` are the pinned ones whose stalls are tracked.
 */
export class InterferenceMeter {
  private first: Mark | null = null;
  private last: Mark | null = null;
  private threads = new Map<number, Threads>();
  private peakStallNs = 0;
  private peakCores = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ours: () => number[],
    private readonly watched: () => number[] = () => [],
  ) {}

  private read(): Mark | null {
    const host = hostTicks();
    if (host === null) return null;
    const ours = this.ours().reduce((sum, pid) => sum + processTicks(pid), 0);
    return { host, ours, at: performance.now() };
  }

  /** Reads every watched process's threads; returns the summed stall since the last reading. */
  private readStalls(): number {
    let stall = 0;
    for (const pid of this.watched()) {
      const now = readThreads(pid);
      if (now === null) continue;
      const before = this.threads.get(pid);
      if (before !== undefined) stall += stallNs(before, now, pid);
      this.threads.set(pid, now);
    }
    return stall;
  }

  private slice(): void {
    const now = this.read();
    this.peakStallNs = Math.max(this.peakStallNs, this.readStalls());
    if (now === null || this.last === null) return;
    this.peakCores = Math.max(this.peakCores, cores(this.last, now));
    this.last = now;
  }

  begin(): void {
    this.first = this.read();
    this.last = this.first;
    this.threads.clear();
    this.readStalls();
    this.peakStallNs = 0;
    this.peakCores = 0;
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.slice(), SLICE_MS);
  }

  /** The interference since `begin`; NaN where /proc is unavailable. */
  end(): Interference & { peakForeignCores: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.slice();
    if (this.first === null || this.last === null) {
      return { foreignCores: Number.NaN, peakStallMs: Number.NaN, peakForeignCores: Number.NaN };
    }
    return {
      foreignCores: cores(this.first, this.last),
      peakStallMs: this.peakStallNs / 1e6,
      // Only meaningful while the benchmark's own processes are idle: the kernel's per-process
      // CPU times are rescaled from precise runtimes and jitter against the tick totals.
      peakForeignCores: this.peakCores,
    };
  }
}

/**
 * Waits until other processes stay under `averageCores` (and `peakCores` in every 100 ms slice)
 * for a whole `quietMs`, for at most `maxWaitMs`.
 */
export async function waitForQuiet(
  limit: { averageCores: number; peakCores: number },
  quietMs: number,
  maxWaitMs: number,
): Promise<void> {
  const meter = new InterferenceMeter(() => [process.pid]);
  const deadline = performance.now() + maxWaitMs;
  do {
    meter.begin();
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const load = meter.end();
    if (!(load.foreignCores > limit.averageCores || load.peakForeignCores > limit.peakCores))
      return;
  } while (performance.now() < deadline);
}
