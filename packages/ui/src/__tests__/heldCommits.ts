// Runs in Node, beside a test database: commits that show to other sessions late, the moment a
// loaded machine stretches between replication reporting a commit and the commit being visible.
import pg from 'pg';

/**
 * Runs each of `first` on a session of the database, then `check` (a query answering `ok`) every 10 ms
 * until it answers true; throws after 10 s.
 */
async function untilDatabase(dbUrl: string, first: string[], check: string, what: string) {
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    for (const sql of first) await db.query(sql);
    for (const started = Date.now(); !(await db.query<{ ok: boolean }>(check)).rows[0]?.ok;) {
      if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await db.end();
  }
}

/**
 * With `held`, makes every COMMIT on the database wait for a synchronous standby that never
 * connects: replication already streams the transaction, other sessions cannot see it yet.
 * Without, lets every waiting COMMIT finish. `synchronous_standby_names` is a server-wide setting
 * (a session cannot set it), so nothing else the test needs may commit while it holds.
 */
export async function holdCommits(dbUrl: string, held: boolean): Promise<void> {
  const names = held ? 'roomkit_absent_standby' : '';
  const set = held
    ? `alter system set synchronous_standby_names = '${names}'`
    : 'alter system reset synchronous_standby_names';
  // Once a session sees the reloaded setting, the postmaster has told every process, the one
  // that raises the flag commits wait on among them.
  await untilDatabase(
    dbUrl,
    [set, 'select pg_reload_conf()'],
    `select current_setting('synchronous_standby_names') = '${names}' as ok`,
    'the database to reload synchronous_standby_names',
  );
}

/** Waits until a COMMIT waits on the hold of {@link holdCommits}; throws after 10 s. */
export function untilCommitHeld(dbUrl: string): Promise<void> {
  return untilDatabase(
    dbUrl,
    [],
    `select exists(select from pg_stat_activity where wait_event = 'SyncRep') as ok`,
    'a held commit',
  );
}
