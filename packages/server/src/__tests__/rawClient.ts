import WebSocket, { type RawData } from 'ws';
import { expect } from 'vitest';
import type { Limits } from '../options';
import type { RoomkitServer, ServerOptions } from '../startServer';
import { recordingLogger, testServer, until, type Vsn } from './helpers';

/** One frame from the server, decoded whatever the protocol version. */
export interface Received {
  /** `undefined` on vsn 1.0.0, whose frames carry no join_ref. */
  joinRef: string | null | undefined;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
  /** The parsed JSON as sent (an array on vsn 2.0.0, an object on 1.0.0), or binary bytes. */
  raw: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Decodes what realtime-js can decode: text frames of either version and binary kind 4. */
export function decode(data: RawData, isBinary: boolean): Received {
  const bytes = toBuffer(data);
  if (isBinary) {
    const kind = bytes.readUInt8(0);
    if (kind !== 4) {
      return {
        joinRef: null,
        ref: null,
        topic: '',
        event: `binary kind ${kind}`,
        payload: null,
        raw: bytes,
      };
    }
    let offset = 5;
    const take = (length: number) => {
      const part = bytes.subarray(offset, offset + length);
      offset += length;
      return part.toString('utf8');
    };
    const topic = take(bytes.readUInt8(1));
    const event = take(bytes.readUInt8(2));
    const meta = take(bytes.readUInt8(3));
    const body = bytes.subarray(offset);
    const payload: Record<string, unknown> = {
      type: 'broadcast',
      event,
      payload: bytes.readUInt8(4) === 1 ? (JSON.parse(body.toString('utf8')) as unknown) : body,
    };
    if (meta !== '') payload.meta = JSON.parse(meta) as unknown;
    return { joinRef: null, ref: null, topic, event: 'broadcast', payload, raw: bytes };
  }
  const raw = JSON.parse(bytes.toString('utf8')) as unknown;
  if (Array.isArray(raw)) {
    const [joinRef, ref, topic, event, payload] = raw as [string, string, string, string, unknown];
    return { joinRef, ref, topic, event, payload, raw };
  }
  if (!isRecord(raw)) throw new Error(`server sent ${String(raw)}`);
  return {
    joinRef: undefined,
    ref: raw.ref as string | null,
    topic: raw.topic as string,
    event: raw.event as string,
    payload: raw.payload,
    raw,
  };
}

/** The frame the real server sends for these fields, in the socket's protocol version. */
export function frame(
  vsn: Vsn,
  joinRef: string | null,
  ref: string | null,
  topic: string,
  event: string,
  payload: unknown,
): unknown {
  if (vsn === '2.0.0') return [joinRef, ref, topic, event, payload];
  return { topic, event, payload, ref };
}

/** A vsn 2.0.0 binary broadcast push (kind 3), built the way realtime-js builds it. */
export function broadcastPush(options: {
  joinRef: string;
  ref: string;
  topic: string;
  event: string;
  meta?: string;
  payload: unknown;
}): Buffer {
  const parts = [
    options.joinRef,
    options.ref,
    options.topic,
    options.event,
    options.meta ?? '',
  ].map((part) => Buffer.from(part, 'utf8'));
  const header = Buffer.from([3, ...parts.map((part) => part.length), 1]);
  return Buffer.concat([header, ...parts, Buffer.from(JSON.stringify(options.payload), 'utf8')]);
}

export function socketUrl(server: RoomkitServer, params: Record<string, string>): string {
  const url = new URL('/realtime/v1/websocket', server.url.replace(/^http/, 'ws'));
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** A bare `ws` client that speaks the wire protocol by hand and keeps everything it receives. */
export class RawClient {
  readonly received: Received[] = [];
  closeCode: number | null = null;
  private nextRef = 1;

  private constructor(
    private readonly socket: WebSocket,
    readonly vsn: Vsn,
  ) {
    socket.on('message', (data, isBinary) => this.received.push(decode(data, isBinary)));
    socket.on('close', (code) => (this.closeCode = code));
  }

  /** Opens a socket; `vsn: null` leaves the `vsn` parameter out (the server then uses 1.0.0). */
  static async open(
    server: RoomkitServer,
    vsn: Vsn | null,
    options: { key?: string; headers?: Record<string, string> } = {},
  ): Promise<RawClient> {
    const params: Record<string, string> = { apikey: options.key ?? server.anonKey };
    if (vsn !== null) params.vsn = vsn;
    const socket = new WebSocket(socketUrl(server, params), { headers: options.headers });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket, vsn ?? '1.0.0');
  }

  takeRef(): string {
    return String(this.nextRef++);
  }

  /** Sends one well-formed text message; returns its ref. */
  send(
    joinRef: string | null,
    topic: string,
    event: string,
    payload: unknown,
    ref = this.takeRef(),
  ) {
    this.sendText(
      this.vsn === '2.0.0'
        ? JSON.stringify([joinRef, ref, topic, event, payload])
        : JSON.stringify({ topic, event, payload, ref, join_ref: joinRef }),
    );
    return ref;
  }

  sendText(text: string): void {
    this.socket.send(text, { binary: false });
  }

  /** Stops reading what the server sends, as a frozen tab does; the server's output queues up. */
  pauseReading(): void {
    this.socket.pause();
  }

  sendBinary(bytes: Buffer): void {
    this.socket.send(bytes, { binary: true });
  }

  findReply(ref: string): Received | undefined {
    return this.received.find((message) => message.event === 'phx_reply' && message.ref === ref);
  }

  async reply(ref: string): Promise<Received> {
    await until(() => this.findReply(ref) !== undefined, 10_000, `the reply to ref ${ref}`);
    return this.findReply(ref) as Received;
  }

  async heartbeat(): Promise<Received> {
    return this.reply(this.send(null, 'phoenix', 'heartbeat', {}));
  }

  /** Joins like realtime-js with presence off (its default); returns the join_ref. */
  async join(topic: string, config: Record<string, unknown> = {}): Promise<string> {
    const ref = this.takeRef();
    this.send(ref, topic, 'phx_join', { config: { presence: { enabled: false }, ...config } }, ref);
    const reply = await this.reply(ref);
    expect(reply.payload).toMatchObject({ status: 'ok' });
    return ref;
  }

  /** The payloads of the broadcasts received so far. */
  broadcasts(): unknown[] {
    return this.received
      .filter((message) => message.event === 'broadcast')
      .map((message) => message.payload);
  }
}

export const LOBBY = 'realtime:lobby';

export interface Scene {
  server: RoomkitServer;
  logger: ReturnType<typeof recordingLogger>;
  /** The client that misbehaves, joined to the lobby. */
  a: RawClient;
  aJoinRef: string;
  /** A well-behaved receiver in the lobby. */
  b: RawClient;
  /** A well-behaved sender in the lobby. */
  c: RawClient;
  cJoinRef: string;
}

/** A server with three raw clients in one room; A is the one that sends bad input. */
export async function scene(
  vsn: Vsn,
  options: {
    limits?: Partial<Limits>;
    aConfig?: Record<string, unknown>;
    server?: Omit<ServerOptions, 'limits' | 'logger'>;
  } = {},
): Promise<Scene> {
  const logger = recordingLogger();
  const server = await testServer({ ...options.server, logger, limits: options.limits });
  const b = await RawClient.open(server, vsn);
  await b.join(LOBBY);
  const c = await RawClient.open(server, vsn);
  const cJoinRef = await c.join(LOBBY);
  const a = await RawClient.open(server, vsn);
  const aJoinRef = await a.join(LOBBY, options.aConfig);
  return { server, logger, a, aJoinRef, b, c, cJoinRef };
}

let probes = 0;

/** C broadcasts a probe to the lobby; B must receive it, after exactly `earlier` and nothing else. */
export async function expectRoomUndisturbed(
  { b, c, cJoinRef }: Scene,
  earlier: unknown[] = [],
): Promise<void> {
  const probe = { type: 'broadcast', event: 'probe', payload: { n: ++probes } };
  c.send(cJoinRef, LOBBY, 'broadcast', probe);
  await until(() => b.broadcasts().length > earlier.length, 10_000, 'B to receive the probe');
  expect(b.broadcasts()).toEqual([...earlier, probe]);
}

/** The reasons of the frames the server logged as dropped. */
export function droppedReasons(logger: { lines: string[] }): string[] {
  const prefix = 'malformed frame dropped ';
  return logger.lines
    .filter((line) => line.startsWith(prefix))
    .map((line) => (JSON.parse(line.slice(prefix.length)) as { reason: string }).reason);
}
