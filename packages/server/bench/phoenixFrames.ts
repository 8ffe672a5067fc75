/**
 * The few Phoenix frames the load generator writes and reads, byte-compatible with what
 * @supabase/realtime-js sends: `phx_join`, a vsn 1.0.0 JSON broadcast push and a vsn 2.0.0
 * binary broadcast push (kind 3). Replies are parsed only during setup, with validation.
 */
import { isRecord } from './ipc';

export type Vsn = '1.0.0' | '2.0.0';

const USER_BROADCAST_PUSH = 3;
const JSON_ENCODING = 1;

/** The join payload realtime-js sends for `supabase.channel(name)` with its default config. */
export function joinPayload(accessToken: string): Record<string, unknown> {
  return {
    config: {
      broadcast: { ack: false, self: false },
      presence: { key: '', enabled: false },
      postgres_changes: [],
      private: false,
    },
    access_token: accessToken,
  };
}

/** A text frame in the client's serializer: an object for vsn 1.0.0, an array for 2.0.0. */
export function encodeText(
  vsn: Vsn,
  joinRef: string | null,
  ref: string | null,
  topic: string,
  event: string,
  payload: unknown,
): string {
  if (vsn === '2.0.0') return JSON.stringify([joinRef, ref, topic, event, payload]);
  return JSON.stringify({ topic, event, payload, ref, join_ref: joinRef });
}

/** `channel.send({ type: 'broadcast', event, payload })` on vsn 2.0.0: a kind-3 binary push. */
export function encodeBroadcastPush(
  joinRef: string,
  ref: string,
  topic: string,
  event: string,
  jsonPayload: string,
): Buffer {
  const joinRefLength = Buffer.byteLength(joinRef);
  const refLength = Buffer.byteLength(ref);
  const topicLength = Buffer.byteLength(topic);
  const eventLength = Buffer.byteLength(event);
  const headerLength = 7 + joinRefLength + refLength + topicLength + eventLength;
  const frame = Buffer.allocUnsafe(headerLength + Buffer.byteLength(jsonPayload));
  frame[0] = USER_BROADCAST_PUSH;
  frame[1] = joinRefLength;
  frame[2] = refLength;
  frame[3] = topicLength;
  frame[4] = eventLength;
  // No metadata: realtime-js sends only whitelisted keys (`persist`), absent here.
  frame[5] = 0;
  frame[6] = JSON_ENCODING;
  let offset = 7;
  offset += frame.write(joinRef, offset);
  offset += frame.write(ref, offset);
  offset += frame.write(topic, offset);
  offset += frame.write(event, offset);
  frame.write(jsonPayload, offset);
  return frame;
}

/** The parts of a `phx_reply` the generator checks. */
export interface Reply {
  ref: string | null;
  status: string;
}

/** Reads a `phx_reply` from a text frame, or null for anything else. */
export function readReply(vsn: Vsn, text: string): Reply | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return null;
  }
  let event: unknown;
  let ref: unknown;
  let payload: unknown;
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length < 5) return null;
    [, ref, , event, payload] = parsed as unknown[];
  } else {
    if (!isRecord(parsed)) return null;
    ({ event, ref, payload } = parsed);
  }
  if (event !== 'phx_reply' || !isRecord(payload) || typeof payload.status !== 'string')
    return null;
  return { ref: typeof ref === 'string' ? ref : null, status: payload.status };
}
