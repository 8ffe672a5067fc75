/**
 * Child process for one step's load (pinned to its own core by the orchestrator): N subscriber
 * sockets and one publisher on 127.0.0.1. The publisher sends on an open-loop schedule in
 * `setTimeout` ticks of `tickMs` with `performance.now()` in the payload; subscribers count every frame and
 * parse the timestamp of every Nth, so latency uses one clock in one process.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket, type RawData } from 'ws';
import {
  readParentMessage,
  tellParent,
  type ArmId,
  type GeneratorResult,
  type StepConfig,
} from './ipc';
import { encodeBroadcastPush, encodeText, joinPayload, readReply, type Vsn } from './phoenixFrames';

const HOST = '127.0.0.1';
const TOPIC = 'realtime:bench';
const EVENT = 'm';
const JOIN_REF = '1';
const TIMESTAMP_MARKER = Buffer.from('{"t":');
const COMMA = 0x2c;
const SETUP_TIMEOUT_MS = 15_000;
const SETTLE_MS = 200;
/** A starved generator catches up at most this many publishes per tick, so it never bursts unboundedly. */
const MAX_BURST = 1000;

type Phase = 'setup' | 'warmup' | 'measure' | 'drain';

/** Everything the subscribers' hot path touches, in one place. */
const tally = {
  phase: 'setup' as Phase,
  deliveredTotal: 0,
  deliveredMeasure: 0,
  sentTotal: 0,
  sentMeasure: 0,
  samples: new Float64Array(0),
  sampleCount: 0,
  sampleEvery: 16,
  socketsClosed: 0,
};

function vsnOf(arm: ArmId): Vsn | null {
  switch (arm) {
    case 'raw':
      return null;
    case 'roomkit-v2':
      return '2.0.0';
    case 'roomkit-v1':
      return '1.0.0';
    default:
      return arm satisfies never;
  }
}

function socketUrl(config: StepConfig, vsn: Vsn | null): string {
  if (vsn === null) return `ws://${HOST}:${config.port}/`;
  const query = new URLSearchParams({ apikey: config.apiKey, vsn });
  return `ws://${HOST}:${config.port}/realtime/v1/websocket?${query.toString()}`;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // UTF-8 validation is skipped on every arm alike: it is client cost, not server cost.
    const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`connect to ${url} timed out`));
    }, SETUP_TIMEOUT_MS);
    socket.once('open', () => {
      clearTimeout(timer);
      socket.on('error', () => {});
      socket.on('close', () => {
        if (tally.phase !== 'drain') tally.socketsClosed++;
      });
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Sends `phx_join` and resolves on the matching `ok` reply, as `channel.subscribe()` would. */
function join(socket: WebSocket, vsn: Vsn, apiKey: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      socket.off('message', onMessage);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('phx_join got no reply'));
    }, SETUP_TIMEOUT_MS);
    const onMessage = (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      const reply = readReply(vsn, toBuffer(data).toString('utf8'));
      if (reply === null || reply.ref !== JOIN_REF) return;
      done();
      if (reply.status === 'ok') resolve();
      else reject(new Error(`phx_join refused with status ${reply.status}`));
    };
    socket.on('message', onMessage);
    socket.send(encodeText(vsn, JOIN_REF, JOIN_REF, TOPIC, 'phx_join', joinPayload(apiKey)));
  });
}

/** Reads `t` from `{"t":123.456,…` wherever the envelope put the payload; -1 if absent. */
function readTimestamp(data: RawData): number {
  const bytes = toBuffer(data);
  const at = bytes.indexOf(TIMESTAMP_MARKER);
  if (at < 0) return -1;
  const start = at + TIMESTAMP_MARKER.length;
  const end = bytes.indexOf(COMMA, start);
  if (end < 0) return -1;
  const t = Number(bytes.toString('latin1', start, end));
  return Number.isFinite(t) ? t : -1;
}

/** Counts every frame; in the measured window parses every Nth one's timestamp. */
function countDeliveries(socket: WebSocket, offset: number): void {
  let sinceSample = offset;
  socket.on('message', (data: RawData) => {
    tally.deliveredTotal++;
    if (tally.phase !== 'measure') return;
    tally.deliveredMeasure++;
    if (++sinceSample < tally.sampleEvery) return;
    sinceSample = 0;
    const now = performance.now();
    const sentAt = readTimestamp(data);
    if (sentAt >= 0 && tally.sampleCount < tally.samples.length) {
      tally.samples[tally.sampleCount++] = now - sentAt;
    }
  });
}

/** One publish, encoded the way the arm's client would. */
function publisher(socket: WebSocket, vsn: Vsn | null, payloadBytes: number): () => void {
  const pad = 'x'.repeat(Math.max(0, payloadBytes - 30));
  let ref = Number(JOIN_REF);
  const body = () => ({ t: performance.now(), p: pad });
  if (vsn === null) return () => socket.send(JSON.stringify(body()));
  if (vsn === '2.0.0') {
    return () =>
      socket.send(
        encodeBroadcastPush(JOIN_REF, String(++ref), TOPIC, EVENT, JSON.stringify(body())),
      );
  }
  return () =>
    socket.send(
      encodeText(vsn, JOIN_REF, String(++ref), TOPIC, 'broadcast', {
        type: 'broadcast',
        event: EVENT,
        payload: body(),
      }),
    );
}

interface Window {
  cpuUs: number;
  measureMs: number;
  maxTickGapMs: number;
}

/** Runs warm-up then the measured window at a fixed offered rate; resolves when both are over. */
function runSchedule(config: StepConfig, publish: () => void): Promise<Window> {
  const perMs = config.deliveriesPerSecond / config.subscribers / 1000;
  const endMs = config.warmupMs + config.measureMs;
  return new Promise((resolve) => {
    const t0 = performance.now();
    let lastTick = t0;
    let maxTickGapMs = 0;
    let cpuAtStart = process.cpuUsage();
    let measureStart = t0;
    tally.phase = 'warmup';
    const tick = () => {
      const now = performance.now();
      // Gaps are counted in the measured window only; warm-up start-up hiccups are discarded.
      if (tally.phase === 'measure') maxTickGapMs = Math.max(maxTickGapMs, now - lastTick);
      lastTick = now;
      const elapsed = now - t0;
      if (tally.phase === 'warmup' && elapsed >= config.warmupMs) {
        tally.phase = 'measure';
        measureStart = now;
        cpuAtStart = process.cpuUsage();
        tellParent({ type: 'measure-start' });
      }
      if (elapsed >= endMs) {
        const cpu = process.cpuUsage(cpuAtStart);
        tally.phase = 'drain';
        tellParent({ type: 'measure-end' });
        resolve({ cpuUs: cpu.user + cpu.system, measureMs: now - measureStart, maxTickGapMs });
        return;
      }
      const due = Math.floor(elapsed * perMs) - tally.sentTotal;
      const burst = Math.min(due, MAX_BURST);
      for (let i = 0; i < burst; i++) publish();
      tally.sentTotal += burst;
      if (tally.phase === 'measure') tally.sentMeasure += burst;
      setTimeout(tick, config.tickMs);
    };
    tick();
  });
}

/** Nearest-rank percentile; -1 without samples (IPC carries JSON, which has no NaN). */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return -1;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? -1;
}

async function run(config: StepConfig): Promise<GeneratorResult> {
  const vsn = vsnOf(config.arm);
  const url = socketUrl(config, vsn);
  tally.sampleEvery = config.sampleEvery;
  const expectedSamples =
    (config.deliveriesPerSecond * config.measureMs) / 1000 / config.sampleEvery;
  tally.samples = new Float64Array(Math.ceil(expectedSamples * 1.5) + 1000);

  const sockets = await Promise.all(
    Array.from({ length: config.subscribers + 1 }, () => open(url)),
  );
  const [publisherSocket, ...subscribers] = sockets;
  if (publisherSocket === undefined) throw new Error('no publisher socket');
  if (vsn !== null) await Promise.all(sockets.map((socket) => join(socket, vsn, config.apiKey)));
  // Offsets spread each subscriber's sampled frames over different publishes.
  subscribers.forEach((socket, index) => countDeliveries(socket, index % config.sampleEvery));
  tellParent({ type: 'joined' });
  await sleep(SETTLE_MS);

  const window = await runSchedule(config, publisher(publisherSocket, vsn, config.payloadBytes));
  const expectedTotal = tally.sentTotal * config.subscribers;
  const deadline = performance.now() + config.drainMs;
  while (tally.deliveredTotal < expectedTotal && performance.now() < deadline) await sleep(10);

  const sorted = tally.samples.subarray(0, tally.sampleCount).sort();
  for (const socket of sockets) socket.terminate();
  return {
    sentMeasure: tally.sentMeasure,
    sentTotal: tally.sentTotal,
    deliveredMeasure: tally.deliveredMeasure,
    deliveredTotal: tally.deliveredTotal,
    measureMs: window.measureMs,
    samples: tally.sampleCount,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: percentile(sorted, 1),
    cpuUs: window.cpuUs,
    maxTickGapMs: window.maxTickGapMs,
    socketsClosed: tally.socketsClosed,
  };
}

process.on('disconnect', () => process.exit(0));
process.on('message', (raw) => {
  const message = readParentMessage(raw);
  if (message?.type === 'stop') process.exit(0);
  if (message?.type !== 'run') return;
  run(message.config).then(
    (result) => tellParent({ type: 'result', result }),
    (error: unknown) => tellParent({ type: 'error', message: String(error) }),
  );
});
