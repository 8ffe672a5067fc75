import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http';
import { authorize, type Connection, type RealtimeHub } from './realtime';

/** The development endpoints live under this path; see `ServerOptions.dev`. */
export const DEV_PATH = /^\/roomkit\/v1\/(.*)$/;

/** One open socket, as `GET /roomkit/v1/connections` lists it. */
export interface ConnectionInfo {
  id: string;
  /** The `sub` of the newest token the client presented, or null (the anon key has none). */
  sub: string | null;
  role: string;
  vsn: string;
  /** Topics of the channels joined on this socket, e.g. `realtime:room-1`. */
  channels: string[];
  connectedAt: string;
  /** Frames the server wrote to this socket: replies, heartbeats and every delivered message. */
  framesSent: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `GET /roomkit/v1/connections` lists sockets; `POST /roomkit/v1/connections/drop` with
 * `{ id?, sub? }` cuts the matching ones (all without either) the way a lost network does, so a
 * playground can show reconnect and refetch; `…/stall` stops reading from them instead, so
 * heartbeats and joins go unanswered (a hung path) until the idle timeout cuts them (60 s by
 * default). Answers only with `dev: true`.
 */
export async function devApi(
  hub: RealtimeHub,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  body: Buffer,
): Promise<void> {
  if (!hub.dev) {
    return sendJson(response, 404, {
      message:
        'Development endpoints are off. Start the server with --dev (or startServer({ dev: true })) to use them.',
    });
  }
  if (!(await authorize(hub, request))) {
    return sendJson(response, 401, { message: 'Unauthorized: send a valid apikey header.' });
  }
  if (path === 'connections') {
    if (request.method !== 'GET') return sendJson(response, 405, { message: 'Method not allowed' });
    return sendJson(response, 200, [...hub.connections].map(describe));
  }
  const action = /^connections\/(drop|stall)$/.exec(path)?.[1];
  if (action) {
    if (request.method !== 'POST')
      return sendJson(response, 405, { message: 'Method not allowed' });
    let filter: unknown = {};
    const text = body.toString('utf8').trim();
    if (text !== '') {
      try {
        filter = JSON.parse(text) as unknown;
      } catch {
        return sendJson(response, 400, { message: 'Request body is not valid JSON.' });
      }
    }
    if (
      !isRecord(filter) ||
      (filter.id !== undefined && typeof filter.id !== 'string') ||
      (filter.sub !== undefined && typeof filter.sub !== 'string')
    ) {
      return sendJson(response, 400, {
        message: 'The body must be an object with optional string fields "id" and "sub".',
      });
    }
    const { id, sub } = filter as { id?: string; sub?: string };
    const targets = [...hub.connections].filter(
      (connection) =>
        (id === undefined || String(connection.id) === id) &&
        (sub === undefined || connection.currentIdentity.claims.sub === sub),
    );
    for (const connection of targets) {
      hub.logger.info(`connection ${action === 'drop' ? 'dropped' : 'stalled'} on request`, {
        id: connection.id,
      });
      if (action === 'drop') connection.drop();
      else connection.stall();
    }
    return sendJson(
      response,
      200,
      action === 'drop' ? { dropped: targets.length } : { stalled: targets.length },
    );
  }
  return sendJson(response, 404, { message: 'Not found' });
}

function describe(connection: Connection): ConnectionInfo {
  const { claims } = connection.currentIdentity;
  return {
    id: String(connection.id),
    sub: typeof claims.sub === 'string' ? claims.sub : null,
    role: claims.role,
    vsn: connection.vsn,
    channels: [...connection.channels.keys()],
    connectedAt: connection.connectedAt.toISOString(),
    framesSent: connection.framesSent,
  };
}
