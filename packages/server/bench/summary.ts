/** Turns raw step measurements into rows, each arm's highest passing rate, ratios and targets. */
import type { Interference } from './hostLoad';
import type { ArmId, GeneratorResult } from './ipc';

/** The pass line from the issue: p99 at or under this, and nearly everything delivered. */
export const P99_LIMIT_MS = 15;
export const MIN_DELIVERY_RATIO = 0.99;
/** A step whose generator used more of its core than this measured the generator, not the server. */
export const MAX_GENERATOR_CPU = 0.85;
/** A step whose generator sent fewer publishes than this share of the schedule fell behind. */
export const MIN_SEND_RATIO = 0.97;
/**
 * A step measured the neighbours when other processes used more than `foreignCores` on average,
 * or stalled a pinned process's main thread more than `peakStallMs` in some 100 ms slice.
 */
export const MAX_INTERFERENCE: Interference = { foreignCores: 0.1, peakStallMs: 60 };
export const TARGET_RATIO = 0.6;

/** Whether other processes got in the way more than `MAX_INTERFERENCE` allows. */
export function isDisturbed(load: Interference): boolean {
  return (
    load.foreignCores > MAX_INTERFERENCE.foreignCores ||
    load.peakStallMs > MAX_INTERFERENCE.peakStallMs
  );
}
export const TARGET_DELIVERIES_PER_SECOND = 100_000;

/** One step as the orchestrator measured it. */
export interface StepResult {
  arm: ArmId;
  rate: number;
  round: number;
  subscribers: number;
  error: string | null;
  generator: GeneratorResult | null;
  /** Server CPU (user + system) between the two probes around the measured window, in µs. */
  serverCpuUs: number;
  /** The kernel's part of `serverCpuUs`. */
  serverSystemUs: number;
  serverWindowMs: number;
  /** What other processes on the machine did during the window. */
  interference: Interference;
  /** 1 unless earlier tries were disturbed by other processes and thrown away. */
  attempts: number;
}

/** One step with everything the tables show. */
export interface Row {
  arm: ArmId;
  rate: number;
  round: number;
  deliveriesPerSecond: number;
  deliveryRatio: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  serverCpu: number;
  serverUsPerDelivery: number;
  /** The kernel's share of the server's CPU. */
  serverSystemShare: number;
  generatorCpu: number;
  maxTickGapMs: number;
  interference: Interference;
  attempts: number;
  sendRatio: number;
  socketsClosed: number;
  valid: boolean;
  /** Invalid because the load generator could not keep up (higher rates will not either). */
  generatorBound: boolean;
  /** Invalid because other processes got in the way. */
  disturbed: boolean;
  pass: boolean;
  /** Why the step is invalid or failed; '' when it passed. */
  note: string;
}

export interface ArmSummary {
  arm: ArmId;
  /**
   * The highest rate that passed with no lower rate failing; rates without a valid run are
   * skipped. Null when none passed.
   */
  knee: number | null;
  /** True when a higher rate failed, so the knee is this arm's ceiling; false makes it a floor. */
  exact: boolean;
  /** Why no higher rate counts, and which rates had no valid run. */
  stop: string;
  /** Measured deliveries/s at the knee, mean over its valid runs. */
  kneeDeliveriesPerSecond: number | null;
}

export type Verdict = 'met' | 'not met' | 'not shown';

export interface Target {
  arm: ArmId;
  ratio: number | null;
  /** How far the ratio can be trusted, given which knees are ceilings and which are floors. */
  ratioKind: 'exact' | 'upper bound' | 'lower bound' | 'undetermined';
  /** 'not shown' when the run could not tell: a knee that is only a floor on the deciding side. */
  ratioVerdict: Verdict;
  throughputVerdict: Verdict;
}

export interface Summary {
  rows: Row[];
  arms: ArmSummary[];
  targets: Target[];
}

function toRow(step: StepResult): Row {
  const g = step.generator;
  const base = {
    arm: step.arm,
    rate: step.rate,
    round: step.round,
    interference: step.interference,
    attempts: step.attempts,
  };
  if (step.error !== null || g === null) {
    const nan = Number.NaN;
    return {
      ...base,
      deliveriesPerSecond: nan,
      deliveryRatio: nan,
      p50: nan,
      p95: nan,
      p99: nan,
      max: nan,
      serverCpu: nan,
      serverUsPerDelivery: nan,
      serverSystemShare: nan,
      generatorCpu: nan,
      maxTickGapMs: nan,
      sendRatio: nan,
      socketsClosed: 0,
      valid: false,
      generatorBound: false,
      disturbed: false,
      pass: false,
      note: `error: ${step.error ?? 'no result'}`,
    };
  }
  const seconds = g.measureMs / 1000;
  const offered = (step.rate / step.subscribers) * seconds;
  const row = {
    ...base,
    deliveriesPerSecond: g.deliveredMeasure / seconds,
    deliveryRatio: g.sentMeasure > 0 ? g.deliveredMeasure / (g.sentMeasure * step.subscribers) : 0,
    p50: g.p50,
    p95: g.p95,
    p99: g.p99,
    max: g.max,
    serverCpu: step.serverCpuUs / (step.serverWindowMs * 1000),
    serverUsPerDelivery:
      g.deliveredMeasure > 0 ? step.serverCpuUs / g.deliveredMeasure : Number.NaN,
    serverSystemShare: step.serverCpuUs > 0 ? step.serverSystemUs / step.serverCpuUs : Number.NaN,
    generatorCpu: g.cpuUs / (g.measureMs * 1000),
    maxTickGapMs: g.maxTickGapMs,
    sendRatio: offered > 0 ? g.sentMeasure / offered : 0,
    socketsClosed: g.socketsClosed,
  };
  const invalid: string[] = [];
  if (row.generatorCpu > MAX_GENERATOR_CPU) {
    invalid.push(`generator at ${pct(row.generatorCpu)} of its core`);
  }
  if (row.sendRatio < MIN_SEND_RATIO) {
    invalid.push(`generator sent ${pct(row.sendRatio)} of schedule`);
  }
  const generatorBound = invalid.length > 0;
  if (g.samples === 0) invalid.push('no latency samples');
  const disturbed = isDisturbed(step.interference);
  if (disturbed) {
    invalid.push(`disturbed by other processes (${describeInterference(step.interference)})`);
  }
  const failed: string[] = [];
  if (row.p99 > P99_LIMIT_MS) failed.push(`p99 ${row.p99.toFixed(1)} ms`);
  if (row.deliveryRatio < MIN_DELIVERY_RATIO) failed.push(`delivered ${pct(row.deliveryRatio)}`);
  if (g.socketsClosed > 0) failed.push(`${g.socketsClosed} sockets closed by server`);
  const valid = invalid.length === 0;
  return {
    ...row,
    valid,
    generatorBound,
    disturbed,
    pass: valid && failed.length === 0,
    note: valid ? failed.join('; ') : invalid.join('; '),
  };
}

export function describeInterference(load: Interference): string {
  return `${load.foreignCores.toFixed(2)} cores, stalls up to ${load.peakStallMs.toFixed(1)} ms per 100 ms`;
}

export function pct(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function summarizeArm(arm: ArmId, rows: Row[], rates: number[]): ArmSummary {
  let knee: number | null = null;
  let failedAt: string | null = null;
  const unmeasured: number[] = [];
  for (const rate of rates) {
    const runs = rows.filter((row) => row.arm === arm && row.rate === rate);
    const valid = runs.filter((row) => row.valid);
    if (valid.length === 0) {
      if (runs.length > 0) unmeasured.push(rate);
      continue;
    }
    const failing = valid.filter((row) => !row.pass);
    if (failing.length > 0) {
      failedAt = `failed at ${rate / 1000}k/s (${failing.map((row) => row.note).join(' | ')})`;
      break;
    }
    knee = rate;
  }
  const atKnee = rows.filter((row) => row.arm === arm && row.rate === knee && row.valid);
  const above = unmeasured.filter((rate) => knee === null || rate > knee);
  const below = unmeasured.filter((rate) => knee !== null && rate < knee);
  const notes = [
    failedAt ?? 'never failed a validly measured rate',
    ...(above.length > 0
      ? [`no valid run at ${above.map((r) => `${r / 1000}k`).join(', ')}/s`]
      : []),
    ...(below.length > 0
      ? [`no valid run at ${below.map((r) => `${r / 1000}k`).join(', ')}/s below it`]
      : []),
  ];
  return {
    arm,
    knee,
    exact: failedAt !== null,
    stop: notes.join('; '),
    kneeDeliveriesPerSecond:
      atKnee.length > 0 ? mean(atKnee.map((row) => row.deliveriesPerSecond)) : null,
  };
}

/** A ratio decides the target only on the side its bound allows. */
function ratioVerdict(
  ratio: number | null,
  kind: Target['ratioKind'],
  arm: ArmSummary,
  baseline: ArmSummary | undefined,
): Verdict {
  if (ratio === null) {
    // B failed its lowest rate while A passed something: B has no knee at all.
    return arm.knee === null && arm.exact && baseline?.knee != null ? 'not met' : 'not shown';
  }
  if (ratio >= TARGET_RATIO)
    return kind === 'exact' || kind === 'lower bound' ? 'met' : 'not shown';
  return kind === 'exact' || kind === 'upper bound' ? 'not met' : 'not shown';
}

export function summarize(steps: StepResult[], arms: ArmId[], rates: number[]): Summary {
  const rows = steps.map(toRow);
  const sortedRates = [...rates].sort((a, b) => a - b);
  const armSummaries = arms.map((arm) => summarizeArm(arm, rows, sortedRates));
  const baseline = armSummaries.find((summary) => summary.arm === 'raw');
  const targets = armSummaries
    .filter((summary) => summary.arm !== 'raw')
    .map((summary): Target => {
      const baseKnee = baseline?.knee ?? null;
      const ratio = baseKnee !== null && summary.knee !== null ? summary.knee / baseKnee : null;
      const baseExact = baseline?.exact === true;
      const ratioKind =
        baseExact && summary.exact
          ? 'exact'
          : baseExact
            ? 'lower bound'
            : summary.exact
              ? 'upper bound'
              : 'undetermined';
      return {
        arm: summary.arm,
        ratio,
        ratioKind,
        ratioVerdict: ratioVerdict(ratio, ratioKind, summary, baseline),
        throughputVerdict:
          summary.knee !== null && summary.knee >= TARGET_DELIVERIES_PER_SECOND
            ? 'met'
            : summary.exact
              ? 'not met'
              : 'not shown',
      };
    });
  return { rows, arms: armSummaries, targets };
}
