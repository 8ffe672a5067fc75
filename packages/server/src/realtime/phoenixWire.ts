import type { RawData } from 'ws';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../jsonInput';

// Every byte the realtime socket sends or receives is encoded or decoded here: Phoenix's V1
// (JSON object) and V2 (JSON array) text frames, and V2's binary broadcast frames.

/** The two Phoenix serializer versions the official client speaks. */
export type ProtocolVersion = '1.0.0' | '2.0.0';

/** One encoded frame, ready for `ws.send`. */
export interface Frame {
  data: Buffer;
  binary: boolean;
}

/** A decoded text message from a client, in either protocol version. */
export interface InboundMessage {
  kind: 'message';
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/** A vsn 2.0.0 binary broadcast push (kind 3) from a client. */
export interface InboundBinaryBroadcast {
  kind: 'broadcast';
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  /** The metadata JSON text, or '' when absent. */
  meta: string;
  /** True when the payload bytes are JSON text, false for an opaque binary payload. */
  json: boolean;
  payload: Buffer;
}

export type Inbound = InboundMessage | InboundBinaryBroadcast;

/** Why a frame could not be decoded; the frame is dropped and logged, the socket kept. */
export class MalformedFrameError extends Error {
  override name = 'MalformedFrameError';
}

const USER_BROADCAST_PUSH = 3;
const USER_BROADCAST = 4;
const PUSH_HEADER_BYTES = 7;

/**
 * Picks the serializer for a `vsn` query value like Phoenix's `~> 1.0.0` / `~> 2.0.0`
 * requirements; a missing value means 1.0.0 and anything else is refused.
 */
export function negotiateVersion(vsn: string | null): ProtocolVersion | null {
  if (vsn === null) return '1.0.0';
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(vsn);
  if (!match) return null;
  if (match[1] === '1' && match[2] === '0') return '1.0.0';
  if (match[1] === '2' && match[2] === '0') return '2.0.0';
  return null;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function refOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new MalformedFrameError('ref and join_ref must be strings or null');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MalformedFrameError('frame is not valid JSON');
  }
}

/** Decodes one WebSocket frame from a client; throws `MalformedFrameError` on anything invalid. */
export function decodeFrame(data: RawData, isBinary: boolean, vsn: ProtocolVersion): Inbound {
  const bytes = toBuffer(data);
  if (isBinary) {
    if (vsn === '1.0.0') throw new MalformedFrameError('binary frames need vsn 2.0.0');
    return decodeBinaryPush(bytes);
  }
  const text = bytes.toString('utf8');
  // The server re-encodes payloads, and `JSON.stringify` recurses once per level.
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new MalformedFrameError(`frame nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  const parsed = parseJson(text);
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length < 5) {
      throw new MalformedFrameError(
        'vsn 2.0.0 text frames must be [join_ref, ref, topic, event, payload]',
      );
    }
    const [joinRef, ref, topic, event, payload] = parsed as unknown[];
    return checkMessage(joinRef, ref, topic, event, payload);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedFrameError('vsn 1.0.0 frames must be JSON objects');
  }
  const message = parsed as Record<string, unknown>;
  return checkMessage(message.join_ref, message.ref, message.topic, message.event, message.payload);
}

function checkMessage(
  joinRef: unknown,
  ref: unknown,
  topic: unknown,
  event: unknown,
  payload: unknown,
): InboundMessage {
  if (typeof topic !== 'string' || typeof event !== 'string') {
    throw new MalformedFrameError('topic and event must be strings');
  }
  return {
    kind: 'message',
    joinRef: refOrNull(joinRef),
    ref: refOrNull(ref),
    topic,
    event,
    payload,
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a header field, refusing bytes that are not UTF-8: replacement characters would change
 * the field's length, and the server re-encodes these fields for every receiver.
 */
function strictUtf8(bytes: Buffer, name: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MalformedFrameError(`binary frame ${name} is not valid UTF-8`);
  }
}

function decodeBinaryPush(bytes: Buffer): InboundBinaryBroadcast {
  if (bytes.length < PUSH_HEADER_BYTES)
    throw new MalformedFrameError('binary frame header is truncated');
  const kind = bytes[0];
  if (kind !== USER_BROADCAST_PUSH) {
    throw new MalformedFrameError(`binary frame kind ${String(kind)} is not a broadcast push`);
  }
  const joinRefLen = bytes.readUInt8(1);
  const refLen = bytes.readUInt8(2);
  const topicLen = bytes.readUInt8(3);
  const eventLen = bytes.readUInt8(4);
  const metaLen = bytes.readUInt8(5);
  const encoding = bytes.readUInt8(6);
  if (encoding !== 0 && encoding !== 1) {
    throw new MalformedFrameError(`binary payload encoding ${encoding} is unknown`);
  }
  let offset = PUSH_HEADER_BYTES;
  const field = (length: number, name: string): string => {
    if (offset + length > bytes.length) throw new MalformedFrameError('binary frame is truncated');
    const value = strictUtf8(bytes.subarray(offset, offset + length), name);
    offset += length;
    return value;
  };
  const joinRef = field(joinRefLen, 'join_ref');
  const ref = field(refLen, 'ref');
  const topic = field(topicLen, 'topic');
  const event = field(eventLen, 'event');
  const meta = field(metaLen, 'metadata');
  if (meta !== '') {
    const parsedMeta = parseJson(meta);
    if (typeof parsedMeta !== 'object' || parsedMeta === null || Array.isArray(parsedMeta)) {
      throw new MalformedFrameError('binary frame metadata must be a JSON object');
    }
  }
  const payload = bytes.subarray(offset);
  // Latin-1 keeps one character per byte; UTF-8 sequences never hold the ASCII brackets.
  if (encoding === 1 && nestsDeeperThan(payload.toString('latin1'), MAX_JSON_DEPTH)) {
    throw new MalformedFrameError(
      `binary frame payload nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  return {
    kind: 'broadcast',
    joinRef: joinRef === '' ? null : joinRef,
    ref: ref === '' ? null : ref,
    topic,
    event,
    meta,
    json: encoding === 1,
    payload,
  };
}

/** A text frame for a socket of the given version. */
export function encodeTextFrame(
  vsn: ProtocolVersion,
  joinRef: string | null,
  ref: string | null,
  topic: string,
  event: string,
  payload: unknown,
): Frame {
  const text =
    vsn === '2.0.0'
      ? JSON.stringify([joinRef, ref, topic, event, payload])
      : // Phoenix's V1 serializer sends only topic, event, payload and ref to clients.
        JSON.stringify({ topic, event, payload, ref });
  return { data: Buffer.from(text, 'utf8'), binary: false };
}

/**
 * A text frame whose payload is already JSON text, spliced in without parsing it again: a
 * message held as JSON (a change, presence) is encoded once for every receiver.
 */
export function encodeJsonTextFrame(
  vsn: ProtocolVersion,
  joinRef: string | null,
  ref: string | null,
  topic: string,
  event: string,
  payloadJson: string,
): Frame {
  const head = JSON.stringify([joinRef, ref, topic, event]);
  const text =
    vsn === '2.0.0'
      ? `${head.slice(0, -1)},${payloadJson}]`
      : `{"topic":${JSON.stringify(topic)},"event":${JSON.stringify(event)},"payload":${payloadJson},"ref":${JSON.stringify(ref)}}`;
  return { data: Buffer.from(text, 'utf8'), binary: false };
}

/** A `postgres_changes` frame whose `data` is already JSON text. */
export function encodePostgresChange(
  vsn: ProtocolVersion,
  topic: string,
  ids: number[],
  data: string,
): Frame {
  const payload = `{"ids":${JSON.stringify(ids)},"data":${data}}`;
  return encodeJsonTextFrame(vsn, null, null, topic, 'postgres_changes', payload);
}

/**
 * A broadcast that arrived as raw bytes: binary kind 4 for vsn 2.0.0; JSON text for vsn 1.0.0,
 * which cannot carry binary payloads (null: such a socket cannot receive it).
 */
export function encodeUserBroadcastFrame(
  vsn: ProtocolVersion,
  topic: string,
  event: string,
  meta: string,
  json: boolean,
  payload: Buffer,
): Frame | null {
  if (vsn === '2.0.0') {
    return { data: encodeUserBroadcast(topic, event, meta, json, payload), binary: true };
  }
  if (!json) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    throw new Error('broadcast payload is not valid JSON');
  }
  const body: Record<string, unknown> = { type: 'broadcast', event, payload: parsed };
  if (meta !== '') body.meta = JSON.parse(meta) as unknown;
  return encodeTextFrame(vsn, null, null, topic, 'broadcast', body);
}

/** Encodes a server-to-client binary broadcast (kind 4) for vsn 2.0.0 sockets. */
function encodeUserBroadcast(
  topic: string,
  event: string,
  meta: string,
  json: boolean,
  payload: Buffer,
): Buffer {
  const topicBytes = Buffer.from(topic, 'utf8');
  const eventBytes = Buffer.from(event, 'utf8');
  const metaBytes = Buffer.from(meta, 'utf8');
  if (topicBytes.length > 255 || eventBytes.length > 255 || metaBytes.length > 255) {
    throw new MalformedFrameError('topic, event and metadata must each fit in 255 bytes');
  }
  const header = Buffer.from([
    USER_BROADCAST,
    topicBytes.length,
    eventBytes.length,
    metaBytes.length,
    json ? 1 : 0,
  ]);
  return Buffer.concat([header, topicBytes, eventBytes, metaBytes, payload]);
}
