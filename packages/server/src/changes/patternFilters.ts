import type pg from 'pg';
import type { Logger } from '../options';

/**
 * The postgres_changes filter operators whose cost depends on the pattern (`like`, `ilike`,
 * `match`, `imatch`). The real server evaluates them in PostgreSQL, and so does this one: never
 * in JavaScript, where a backtracking pattern would stall every socket of the process.
 */
export const PATTERN_OPERATORS = ['like', 'ilike', 'match', 'imatch'] as const;
export type PatternOperator = (typeof PATTERN_OPERATORS)[number];

const SQL_OPERATOR: Record<PatternOperator, string> = {
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
};

/** One pattern test, as the real server's `check_equality_op` runs it: `value::type op pattern::type`. */
export interface PatternTest {
  op: PatternOperator;
  /** The column's type as `regtype` prints it (`text`, `character`, `citext`), from the catalog. */
  type: string;
  value: string;
  pattern: string;
}

/** A stable key for a test, so identical tests of one change run once. */
export function patternKey(test: PatternTest): string {
  return JSON.stringify([test.op, test.type, test.value, test.pattern]);
}

/** PostgreSQL's SQLSTATE for a statement cancelled by `statement_timeout`. */
const QUERY_CANCELED = '57014';

/**
 * Evaluates pattern tests in PostgreSQL under a time budget, so one hostile pattern costs at most
 * the budget and never blocks the event loop.
 */
export class PatternEvaluator {
  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    /**
     * PostgreSQL time for one batch: all tests in one statement; if that fails, the same again
     * shared equally by the tests run one by one.
     */
    private readonly timeoutMs: number,
  ) {}

  /**
   * Runs every test; resolves with each test's result by `patternKey`: true, false, or null for a
   * test PostgreSQL refused or could not finish within its time (logged; callers fail closed,
   * negated or not, as SQL's null does).
   */
  async evaluate(tests: PatternTest[]): Promise<Map<string, boolean | null>> {
    const unique = [...new Map(tests.map((test) => [patternKey(test), test])).values()];
    const results = new Map<string, boolean | null>();
    if (unique.length === 0) return results;
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      try {
        const all = await this.select(client, unique, this.timeoutMs);
        unique.forEach((test, index) => results.set(patternKey(test), all[index] ?? null));
        return results;
      } catch (error) {
        this.logger.warn('pattern filters failed together; evaluating them one by one', {
          error: errorText(error),
        });
        await client.query('rollback; begin');
      }
      // One slow or invalid test must not withhold the change from every other binding: each
      // gets an equal share of a second budget, so the change still costs at most two budgets.
      const share = Math.max(1, Math.floor(this.timeoutMs / unique.length));
      for (const test of unique) {
        let result: boolean | null = null;
        await client.query('savepoint pattern_test');
        try {
          result = (await this.select(client, [test], share))[0] ?? null;
          await client.query('release savepoint pattern_test');
        } catch (error) {
          await client.query('rollback to savepoint pattern_test');
          this.logger.warn('pattern filter withheld a change', {
            op: test.op,
            pattern: test.pattern.slice(0, 200),
            error: errorText(error),
          });
        }
        results.set(patternKey(test), result);
      }
      return results;
    } finally {
      await release(client);
    }
  }

  /**
   * Whether PostgreSQL compiles a regular expression (within the budget): null when it does,
   * else PostgreSQL's error text, e.g. `invalid regular expression: parentheses () not balanced`.
   */
  async regexError(pattern: string): Promise<string | null> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await this.select(
        client,
        [{ op: 'match', type: 'text', value: '', pattern }],
        this.timeoutMs,
      );
      return null;
    } catch (error) {
      if (typeof (error as { code?: unknown }).code !== 'string') throw error;
      return error instanceof Error ? error.message : String(error);
    } finally {
      await release(client);
    }
  }

  /**
   * One statement for all tests, inside the caller's transaction: a `union all` of one typed
   * `unnest` per operator and type, under a local `statement_timeout`.
   */
  private async select(
    client: pg.PoolClient,
    tests: PatternTest[],
    timeoutMs: number,
  ): Promise<(boolean | null)[]> {
    const groups = new Map<string, { op: PatternOperator; type: string; indexes: number[] }>();
    tests.forEach((test, index) => {
      const key = `${test.op} ${test.type}`;
      const group = groups.get(key) ?? { op: test.op, type: test.type, indexes: [] };
      group.indexes.push(index);
      groups.set(key, group);
    });
    const params: unknown[] = [];
    const selects = [...groups.values()].map((group) => {
      const at = params.length;
      params.push(
        group.indexes,
        group.indexes.map((index) => tests[index]?.value),
        group.indexes.map((index) => tests[index]?.pattern),
      );
      // The type name comes from the catalog (`atttypid::regtype`), never from the client.
      const type = group.type;
      return `select i, (v::${type} ${SQL_OPERATOR[group.op]} (p::${type})) as ok
                from unnest($${at + 1}::int[], $${at + 2}::text[], $${at + 3}::text[]) as t(i, v, p)`;
    });
    await client.query(`select set_config('statement_timeout', $1, true)`, [
      String(Math.max(1, Math.ceil(timeoutMs))),
    ]);
    const { rows } = await client.query<{ i: number; ok: boolean | null }>(
      selects.join('\nunion all\n'),
      params,
    );
    const results: (boolean | null)[] = tests.map(() => null);
    for (const row of rows) results[row.i] = row.ok;
    return results;
  }
}

/** Ends the transaction and returns the connection, or discards it when it no longer answers. */
async function release(client: pg.PoolClient): Promise<void> {
  const healthy = await client.query('rollback').then(
    () => true,
    () => false,
  );
  client.release(!healthy);
}

function errorText(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code === QUERY_CANCELED ? `timed out: ${message}` : message;
}
