import type { PostgresBinding } from '../changes';

/** The parts of a `phx_join` payload the server acts on. */
export interface JoinConfig {
  broadcastSelf: boolean;
  broadcastAck: boolean;
  presenceEnabled: boolean;
  /** The presence key; '' means the server assigns one per join. */
  presenceKey: string;
  isPrivate: boolean;
  postgresChanges: PostgresBinding[];
  /** The channel token from `access_token` (or its alias `user_token`), when given. */
  accessToken: string | null;
  /** `broadcast.replay` as sent (validated at join), or null. */
  replay: Record<string, unknown> | null;
  /** `broadcast.replication_ready`: say with a system message once broadcast-from-database is live. */
  replicationReady: boolean;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Booleans that also accept "true"/"false" strings, as the real server's schema does. */
function flexibleBoolean(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fallback;
}

/**
 * Reads a join payload leniently, like the real server: unknown keys are ignored and a
 * badly typed field falls back to its default instead of refusing the join.
 */
export function parseJoinConfig(payload: unknown): JoinConfig {
  const body = record(payload);
  const config = record(body.config);
  const broadcast = record(config.broadcast);
  const presence = record(config.presence);
  const token = body.access_token ?? body.user_token;
  const key = presence.key;
  return {
    broadcastSelf: flexibleBoolean(broadcast.self, false),
    broadcastAck: flexibleBoolean(broadcast.ack, false),
    presenceEnabled: flexibleBoolean(presence.enabled, true),
    presenceKey: typeof key === 'string' ? key : typeof key === 'number' ? String(key) : '',
    isPrivate: flexibleBoolean(config.private, false),
    postgresChanges: Array.isArray(config.postgres_changes)
      ? config.postgres_changes.filter(
          (binding): binding is PostgresBinding =>
            typeof binding === 'object' && binding !== null && !Array.isArray(binding),
        )
      : [],
    accessToken: typeof token === 'string' && token.length > 0 ? token : null,
    replay:
      typeof broadcast.replay === 'object' &&
      broadcast.replay !== null &&
      !Array.isArray(broadcast.replay)
        ? (broadcast.replay as Record<string, unknown>)
        : null,
    replicationReady: flexibleBoolean(broadcast.replication_ready, false),
  };
}
