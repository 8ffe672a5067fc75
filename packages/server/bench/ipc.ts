/** Messages between the orchestrator (fanout.ts) and its two child processes, with guards. */

/** Which server a step runs and, for Roomkit, which protocol version every socket speaks. */
export type ArmId = 'raw' | 'roomkit-v2' | 'roomkit-v1';

/** What the load generator needs to run one step. */
export interface StepConfig {
  arm: ArmId;
  port: number;
  /** The key Roomkit sockets connect and join with ('' for the raw relay). */
  apiKey: string;
  subscribers: number;
  /** Offered deliveries per second: publishes per second × subscribers. */
  deliveriesPerSecond: number;
  warmupMs: number;
  measureMs: number;
  /** Longest wait for in-flight frames after the last publish. */
  drainMs: number;
  /** Each subscriber parses the timestamp of every Nth frame it receives. */
  sampleEvery: number;
  /** The publisher's scheduler tick in ms: each tick sends every publish the rate says is due. */
  tickMs: number;
  /** Bytes of the JSON payload each publish carries. */
  payloadBytes: number;
}

/** What the load generator reports after a step; every field is a number. */
export interface GeneratorResult {
  sentMeasure: number;
  sentTotal: number;
  deliveredMeasure: number;
  deliveredTotal: number;
  measureMs: number;
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Generator CPU (user + system) during the measured window, in µs. */
  cpuUs: number;
  /** The longest gap between two scheduler ticks, in ms (a starved generator shows here). */
  maxTickGapMs: number;
  /** Sockets the server closed before the step ended (slow-consumer drops, limits). */
  socketsClosed: number;
}

const RESULT_KEYS = [
  'sentMeasure',
  'sentTotal',
  'deliveredMeasure',
  'deliveredTotal',
  'measureMs',
  'samples',
  'p50',
  'p95',
  'p99',
  'max',
  'cpuUs',
  'maxTickGapMs',
  'socketsClosed',
] as const satisfies readonly (keyof GeneratorResult)[];

/** Server child → orchestrator. */
export type ServerMessage =
  | { type: 'ready'; port: number; apiKey: string }
  | { type: 'cpu'; userUs: number; systemUs: number };

/** Load generator → orchestrator. */
export type GeneratorMessage =
  | { type: 'joined' }
  | { type: 'measure-start' }
  | { type: 'measure-end' }
  | { type: 'result'; result: GeneratorResult }
  | { type: 'error'; message: string };

/** Orchestrator → either child. */
export type ParentMessage =
  { type: 'run'; config: StepConfig } | { type: 'cpu' } | { type: 'stop' };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value);
}

export function readServerMessage(value: unknown): ServerMessage | null {
  if (!isRecord(value)) return null;
  if (value.type === 'ready' && isNumber(value.port) && typeof value.apiKey === 'string') {
    return { type: 'ready', port: value.port, apiKey: value.apiKey };
  }
  if (value.type === 'cpu' && isNumber(value.userUs) && isNumber(value.systemUs)) {
    return { type: 'cpu', userUs: value.userUs, systemUs: value.systemUs };
  }
  return null;
}

function readResult(value: unknown): GeneratorResult | null {
  if (!isRecord(value)) return null;
  const result: Partial<Record<keyof GeneratorResult, number>> = {};
  for (const key of RESULT_KEYS) {
    const field = value[key];
    if (!isNumber(field)) return null;
    result[key] = field;
  }
  return result as GeneratorResult;
}

export function readGeneratorMessage(value: unknown): GeneratorMessage | null {
  if (!isRecord(value)) return null;
  switch (value.type) {
    case 'joined':
    case 'measure-start':
    case 'measure-end':
      return { type: value.type };
    case 'result': {
      const result = readResult(value.result);
      return result ? { type: 'result', result } : null;
    }
    case 'error':
      return { type: 'error', message: String(value.message) };
    default:
      return null;
  }
}

const ARMS: readonly ArmId[] = ['raw', 'roomkit-v2', 'roomkit-v1'];

function readConfig(value: unknown): StepConfig | null {
  if (!isRecord(value)) return null;
  const arm = ARMS.find((id) => id === value.arm);
  const { port, subscribers, deliveriesPerSecond, warmupMs, measureMs, drainMs } = value;
  const { sampleEvery, tickMs, payloadBytes, apiKey } = value;
  if (
    arm === undefined ||
    typeof apiKey !== 'string' ||
    !isNumber(port) ||
    !isNumber(subscribers) ||
    !isNumber(deliveriesPerSecond) ||
    !isNumber(warmupMs) ||
    !isNumber(measureMs) ||
    !isNumber(drainMs) ||
    !isNumber(sampleEvery) ||
    !isNumber(tickMs) ||
    !isNumber(payloadBytes)
  ) {
    return null;
  }
  return {
    arm,
    port,
    apiKey,
    subscribers,
    deliveriesPerSecond,
    warmupMs,
    measureMs,
    drainMs,
    sampleEvery,
    tickMs,
    payloadBytes,
  };
}

export function readParentMessage(value: unknown): ParentMessage | null {
  if (!isRecord(value)) return null;
  if (value.type === 'cpu' || value.type === 'stop') return { type: value.type };
  if (value.type === 'run') {
    const config = readConfig(value.config);
    return config ? { type: 'run', config } : null;
  }
  return null;
}

/** Sends to the parent process; a child started without IPC has nobody to tell. */
export function tellParent(message: ServerMessage | GeneratorMessage): void {
  process.send?.(message);
}
