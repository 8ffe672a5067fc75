import type { Claims } from '../auth';
import { databaseFailure, type Database } from '../db';

/** Which Realtime feature a policy on `realtime.messages` is asked about. */
export type Extension = 'broadcast' | 'presence';

/**
 * Private channels are authorized like on Supabase: by row-level security policies on
 * `realtime.messages`, evaluated as the user's role with its JWT claims and `realtime.topic()`.
 * Read: probe rows inserted by the server must be visible to the user (a SELECT policy).
 */
export async function mayRead(
  database: Database,
  claims: Claims,
  topic: string,
  extensions: Extension[],
): Promise<Record<Extension, boolean>> {
  const result: Record<Extension, boolean> = { broadcast: false, presence: false };
  const client = await database.pool.connect();
  let failure: unknown = null;
  try {
    await client.query('begin');
    await client.query(
      `insert into realtime.messages (topic, extension, private) select $1, unnest($2::text[]), true`,
      [topic, extensions],
    );
    await enterUser(client, claims, topic);
    const { rows } = await client.query<{ extension: Extension }>(
      'select distinct extension from realtime.messages where topic = $1 and extension = any($2::text[])',
      [topic, extensions],
    );
    for (const row of rows) result[row.extension] = true;
    return result;
  } catch (error) {
    if (isPermissionError(error)) return result;
    failure = error;
    throw error;
  } finally {
    await client.query('rollback').catch(() => undefined);
    releaseClient(client, failure);
  }
}

/** Write: the user's own INSERT into `realtime.messages` must pass (an INSERT policy). */
export async function mayWrite(
  database: Database,
  claims: Claims,
  topic: string,
  extension: Extension,
): Promise<boolean> {
  const client = await database.pool.connect();
  let failure: unknown = null;
  try {
    await client.query('begin');
    await enterUser(client, claims, topic);
    await client.query(
      'insert into realtime.messages (topic, extension, private) values ($1, $2, true)',
      [topic, extension],
    );
    return true;
  } catch (error) {
    if (isPermissionError(error)) return false;
    failure = error;
    throw error;
  } finally {
    await client.query('rollback').catch(() => undefined);
    releaseClient(client, failure);
  }
}

async function enterUser(
  client: {
    query(sql: string, values?: unknown[]): Promise<unknown>;
    escapeIdentifier(name: string): string;
  },
  claims: Claims,
  topic: string,
): Promise<void> {
  await client.query(`set local role ${client.escapeIdentifier(claims.role)}`);
  await client.query(
    `select set_config('realtime.topic', $1, true),
            set_config('request.jwt.claims', $2, true),
            set_config('request.jwt.claim.sub', $3, true),
            set_config('request.jwt.claim.role', $4, true)`,
    [topic, JSON.stringify(claims), claims.sub ?? '', claims.role],
  );
}

/** A connection that failed outside SQL (terminated, reset) is discarded, not pooled again. */
function releaseClient(client: { release(error?: Error | boolean): void }, failure: unknown): void {
  client.release(failure !== null && databaseFailure(failure) === 'unavailable');
}

/** insufficient_privilege (42501), or a role that does not exist (22023 / 42704). */
function isPermissionError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '42501' || code === '42704' || code === '22023';
}
