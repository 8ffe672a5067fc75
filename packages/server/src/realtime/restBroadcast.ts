import type { IncomingMessage, ServerResponse } from 'node:http';
import { REST_CREDENTIALS, TokenError, requestCredential, type Identity } from '../auth';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../jsonInput';
import { Outbound } from './Outbound';
import type { RealtimeHub } from './RealtimeHub';
import { sendJson } from '../http';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The REST token: `Authorization: Bearer`, else the `apikey` header (never the query). */
export async function authorize(
  hub: RealtimeHub,
  request: IncomingMessage,
): Promise<Identity | null> {
  try {
    return await hub.verifier.verify(requestCredential(request, REST_CREDENTIALS));
  } catch (error) {
    if (error instanceof TokenError) return null;
    throw error;
  }
}

/** `POST /api/broadcast`: a batch of JSON messages, each to its topic's subscribers. */
export async function batchBroadcast(
  hub: RealtimeHub,
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
): Promise<void> {
  const identity = await authorize(hub, request);
  if (!identity) return sendJson(response, 401, { message: 'Unauthorized' });
  if (nestsDeeperThan(body.toString('latin1'), MAX_JSON_DEPTH)) {
    return sendJson(response, 400, tooDeep);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return sendJson(response, 400, { message: 'Request body is not valid JSON' });
  }
  const messages = isRecord(parsed) ? parsed.messages : undefined;
  if (!Array.isArray(messages)) {
    return sendJson(response, 422, { errors: { messages: ["can't be blank"] } });
  }
  // Like the real changeset, every message gets an entry; valid ones are `{}`.
  const errors = messages.map((message) => validateMessage(hub, message));
  if (errors.some((entry) => Object.keys(entry).length > 0)) {
    return sendJson(response, 422, { errors: { messages: errors } });
  }
  if (hub.rateLimited)
    return sendJson(response, 429, { message: 'You have exceeded your rate limit' });
  for (const message of messages as BatchMessage[]) {
    const isPrivate = message.private === true;
    // Private messages reach subscribers only when the caller may write; the batch still succeeds.
    if (isPrivate && !(await hub.authorizeWrite(identity.claims, message.topic, 'broadcast')))
      continue;
    const body: Record<string, unknown> = {
      type: 'broadcast',
      event: message.event,
      payload: message.payload,
    };
    if (typeof message.id === 'string') body.meta = { id: message.id };
    const topic = `realtime:${message.topic}`;
    hub.broadcastTo(topic, isPrivate, Outbound.text(topic, 'broadcast', body));
  }
  response.writeHead(202).end();
}

const tooDeep = { message: `Request body nests deeper than ${MAX_JSON_DEPTH} levels` };

/** A binary broadcast frame gives topic and event one length byte each. */
const MAX_NAME_BYTES = 255;

/** Ecto's `validate_length` text, as the real server's changesets word it. */
function nameErrors(topic: string, event: string): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const tooLong = [`should be at most ${MAX_NAME_BYTES} byte(s)`];
  if (Buffer.byteLength(topic) > MAX_NAME_BYTES) errors.topic = tooLong;
  if (Buffer.byteLength(event) > MAX_NAME_BYTES) errors.event = tooLong;
  return errors;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface BatchMessage {
  topic: string;
  event: string;
  payload: Record<string, unknown>;
  private?: boolean;
  id?: string;
}

function validateMessage(hub: RealtimeHub, message: unknown): Record<string, string[]> {
  if (!isRecord(message)) return { message: ['is invalid'] };
  const errors: Record<string, string[]> = {};
  if (typeof message.topic !== 'string' || message.topic === '') errors.topic = ["can't be blank"];
  if (typeof message.event !== 'string' || message.event === '') errors.event = ["can't be blank"];
  if (message.payload === undefined || message.payload === null)
    errors.payload = ["can't be blank"];
  else if (!isRecord(message.payload)) errors.payload = ['is invalid'];
  else if (Buffer.byteLength(JSON.stringify(message.payload)) > hub.maxPayloadBytes) {
    errors.payload = ['Payload size exceeds tenant limit'];
  }
  if (message.private !== undefined && typeof message.private !== 'boolean')
    errors.private = ['is invalid'];
  if (message.id !== undefined && (typeof message.id !== 'string' || !UUID.test(message.id))) {
    errors.id = ['is invalid'];
  }
  return errors;
}

/** `POST /api/broadcast/:topic/events/:event`: one JSON or binary message. */
export async function singleBroadcast(
  hub: RealtimeHub,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: Buffer,
  subTopic: string,
  event: string,
): Promise<void> {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  // Like the real server, a request without a Content-Type is taken as JSON (older callers).
  const json = contentType === 'application/json' || contentType === '';
  if (!json && contentType !== 'application/octet-stream') {
    return sendJson(response, 415, {
      error: 'Unsupported Media Type. Use application/json or application/octet-stream',
    });
  }
  const identity = await authorize(hub, request);
  if (!identity) return sendJson(response, 401, { message: 'Unauthorized' });
  const topic = `realtime:${subTopic}`;
  const errors = nameErrors(topic, event);
  if (Object.keys(errors).length > 0) return sendJson(response, 422, { errors });
  if (json && body.length === 0) body = Buffer.from('{}');
  if (json && nestsDeeperThan(body.toString('latin1'), MAX_JSON_DEPTH)) {
    return sendJson(response, 400, tooDeep);
  }
  if (json) {
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(response, 400, { message: 'Request body is not valid JSON' });
    }
  }
  if (body.length > hub.maxPayloadBytes) {
    return sendJson(response, 422, { errors: { payload: ['Payload size exceeds tenant limit'] } });
  }
  const isPrivate = url.searchParams.get('private') === 'true';
  if (isPrivate && !(await hub.authorizeWrite(identity.claims, subTopic, 'broadcast'))) {
    return sendJson(response, 403, { message: 'Unauthorized' });
  }
  if (hub.rateLimited)
    return sendJson(response, 429, { message: 'You have exceeded your rate limit' });
  hub.broadcastTo(
    topic,
    isPrivate,
    Outbound.userBroadcast(topic, event, '', json, body, (why) =>
      hub.logger.warn('REST broadcast not delivered to vsn 1.0.0 sockets', { topic, why }),
    ),
  );
  response.writeHead(202).end();
}
