import type { Frame } from '../realtime';
import type { RowChange } from './ChangeStream';
import type { Claims } from '../auth';
import { databaseFailure, describeSqlError, type Database } from '../db';
import {
  FilterCheckError,
  FilterParseError,
  isPatternFilter,
  matchesFilter,
  parseFilter,
  type Filter,
  type PatternFilter,
  type ValueFilter,
} from './filters';
import type { Logger } from '../options';
import { backoffDelay, type Backoff } from '../backoff';
import { PatternEvaluator, patternKey, type PatternTest } from './patternFilters';
import { bindingId, type PostgresBinding } from './postgresBindings';

type EventFilter = '*' | 'INSERT' | 'UPDATE' | 'DELETE';

/** The bindings of one channel that share a `select`, and that `select`. */
interface SelectGroup {
  select: string[] | null;
  /** A set: a channel may hold many thousands of bindings, and each id is listed once. */
  ids: Set<number>;
}

/** A pattern test of one binding, and whether the binding negates it (`not.`). */
interface NegatableTest {
  test: PatternTest;
  negate: boolean;
}

/** One validated binding of one channel. */
interface Binding {
  id: number;
  event: EventFilter;
  schema: string;
  table: string;
  /** Filters evaluated in JavaScript. */
  filters: ValueFilter[];
  /** `like`/`ilike`/`match`/`imatch` filters, evaluated in PostgreSQL as the column's type. */
  patterns: { filter: PatternFilter; type: string }[];
  /** The binding's `select` columns (the primary key always comes too), or null for all. */
  select: string[] | null;
}

interface TableInfo {
  columns: Map<string, { type: string; sqlType: string; regtype: string }>;
  rls: boolean;
  checkedAt: number;
}

const CACHE_MS = 1000;

/** How many times a change whose checks the database failed to answer is tried again (~13 s). */
const DISPATCH_RETRIES = 10;

/** The wait between tries of a change whose checks the database failed to answer. */
const DISPATCH_BACKOFF: Backoff = { firstMs: 100, maxMs: 2000 };

function eventOf(value: unknown): EventFilter {
  const upper = typeof value === 'string' ? value.toUpperCase() : '*';
  return upper === 'INSERT' || upper === 'UPDATE' || upper === 'DELETE' ? upper : '*';
}

/** The bracket part of the real server's messages: Elixir keyword-list style, filters as tuples. */
function describe(
  binding: { event: string; schema: string; table: string; select: string[] | null },
  filters: Filter[],
): string {
  const printed = filters.map((f) => {
    const value = Array.isArray(f.value) ? `{${f.value.join(',')}}` : f.value;
    return `{${JSON.stringify(f.column)}, ${JSON.stringify(f.op)}, ${JSON.stringify(value)}, ${String(f.negate)}}`;
  });
  const select = binding.select
    ? `[${binding.select.map((column) => JSON.stringify(column)).join(', ')}]`
    : 'nil';
  return `[event: ${binding.event}, schema: ${binding.schema}, table: ${binding.table}, filters: [${printed.join(', ')}], select: ${select}]`;
}

/**
 * A binding's `select` as the real server's `parse_select` reads it: the strings of a list (none
 * means all columns), a refusal for a bare string, and anything else ignored.
 */
function parseSelect(value: unknown): string[] | null {
  if (typeof value === 'string') {
    throw new SubscribeError(
      'Error parsing `select` params: expected a list of column name strings, e.g. select: ["col1", "col2"]',
    );
  }
  if (!Array.isArray(value)) return null;
  const columns = value.filter((column): column is string => typeof column === 'string');
  return columns.length > 0 ? columns : null;
}

/** A binding that cannot be subscribed, with the system message the real server sends. */
class SubscribeError extends Error {}

/** The real server's message when its subscription insert raised a database error. */
function exception(
  binding: { event: string; schema: string; table: string; select: string[] | null },
  filters: Filter[],
  detail: string,
): SubscribeError {
  return new SubscribeError(
    'Unable to subscribe to changes with given parameters. An exception happened so please ' +
      `check your connect parameters: ${describe(binding, filters)}. Exception: ${detail}`,
  );
}

/** What Postgres Changes needs from a subscribed channel. */
export interface ChangeSubscriber {
  readonly identity: { readonly claims: Claims };
  /** Only a `joined` subscriber is installed. */
  readonly state: string;
  /** Pushes a `system` message (subscribed, or why not). */
  system(extension: 'postgres_changes', status: 'ok' | 'error', message: string): void;
  /**
   * Sends one change whose `data` is already JSON; `frames` is shared by every subscriber of
   * one change, so identical frames are encoded once.
   */
  deliverChange(ids: number[], data: string, dataKey: string, frames: Map<string, Frame>): void;
}

/**
 * Postgres Changes: validates each channel's bindings against the database, then matches every
 * committed change to the bindings and checks, per subscriber role and claims, that the
 * subscriber may SELECT the row (row-level security) before delivering it.
 */
export class PostgresChanges {
  private readonly subscribers = new Map<ChangeSubscriber, Binding[]>();
  private readonly tables = new Map<string, TableInfo>();
  /** When each published table (schema and table, as JSON) was last seen published. */
  private readonly published = new Map<string, number>();
  private readonly bypass = new Map<string, boolean>();
  private readonly selectable = new Map<string, { columns: Set<string>; checkedAt: number }>();
  private readonly patterns: PatternEvaluator;

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
    /** Changes larger than this keep only their fields of at most 64 bytes. */
    private readonly maxRecordBytes: number,
    /** The PostgreSQL time one change's pattern filters may take (`Limits.filterTimeoutMs`). */
    filterTimeoutMs: number,
  ) {
    this.patterns = new PatternEvaluator(database.pool, logger, filterTimeoutMs);
  }

  get channelCount(): number {
    return this.subscribers.size;
  }

  /** Validates and installs a channel's bindings, then tells it with a `system` message. */
  async subscribe(channel: ChangeSubscriber, raw: PostgresBinding[]): Promise<void> {
    const bindings: Binding[] = [];
    try {
      const role = channel.identity.claims.role;
      // A binding sent twice is checked once; it would only list its id once in each change.
      const distinct = new Map(raw.map((params) => [JSON.stringify(params), params]));
      for (const params of distinct.values()) {
        // A channel that closed (its socket gone) stops costing the database.
        if (channel.state !== 'joined') return;
        bindings.push(await this.validate(params, role));
      }
    } catch (error) {
      if (!(error instanceof SubscribeError || error instanceof FilterParseError)) throw error;
      channel.system('postgres_changes', 'error', error.message);
      return;
    }
    if (channel.state !== 'joined') return;
    this.subscribers.set(channel, bindings);
    channel.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
  }

  unsubscribe(channel: ChangeSubscriber): void {
    this.subscribers.delete(channel);
  }

  private async validate(params: PostgresBinding, role: string): Promise<Binding> {
    const schema =
      typeof params.schema === 'string' && params.schema !== '' ? params.schema : 'public';
    const table = typeof params.table === 'string' && params.table !== '' ? params.table : '*';
    const event = eventOf(params.event);
    // The real server reads `select` before the filter.
    const select = parseSelect(params.select);
    const shown = {
      event: typeof params.event === 'string' ? params.event : '*',
      schema,
      table,
      select,
    };
    let filters: Filter[];
    try {
      filters = parseFilter(params.filter);
    } catch (error) {
      if (!(error instanceof FilterCheckError)) throw error;
      throw exception(shown, [], `ERROR P0001 (raise_exception) ${error.message}`);
    }
    if (select && (schema === '*' || table === '*')) {
      throw new SubscribeError(
        'Column selection is not supported for wildcard subscriptions. Provide an explicit schema and table name.',
      );
    }
    try {
      return await this.check(params, role, event, shown, filters);
    } catch (error) {
      // A value PostgreSQL itself refuses (a NUL, JSON too deep to check) is the binding's fault.
      if (error instanceof SubscribeError || databaseFailure(error) !== 'policy') throw error;
      throw exception(shown, filters, describeSqlError(error));
    }
  }

  /** The checks of one parsed binding that ask the database. */
  private async check(
    params: PostgresBinding,
    role: string,
    event: EventFilter,
    shown: { event: string; schema: string; table: string; select: string[] | null },
    filters: Filter[],
  ): Promise<Binding> {
    const { schema, table, select } = shown;
    const unable = () =>
      new SubscribeError(
        'Unable to subscribe to changes with given parameters. Please check Realtime is enabled ' +
          `for the given connect parameters: ${describe(shown, filters)}`,
      );
    if (!(await this.isPublished(schema, table))) throw unable();
    const patterns: Binding['patterns'] = [];
    if (filters.length > 0) {
      if (table === '*' || schema === '*') throw unable();
      const info = await this.table(schema, table);
      for (const filter of filters) {
        const column = info.columns.get(filter.column);
        if (!column) {
          throw exception(
            shown,
            filters,
            `ERROR P0001 (raise_exception) invalid column for filter ${filter.column}`,
          );
        }
        if (isPatternFilter(filter)) {
          const problem = await this.patternProblem(filter, column.regtype);
          if (problem !== null) {
            throw exception(shown, filters, `ERROR P0001 (raise_exception) ${problem}`);
          }
          patterns.push({ filter, type: column.regtype });
          continue;
        }
        const values = Array.isArray(filter.value) ? filter.value : [filter.value];
        if (filter.op === 'is') continue;
        for (const value of values) {
          const { rows } = await this.database.pool.query<{ valid: boolean }>(
            'select pg_input_is_valid($1, $2) as valid',
            [value, column.sqlType],
          );
          if (!rows[0]?.valid) {
            throw exception(
              shown,
              filters,
              `ERROR 22P02 (invalid_text_representation) invalid input syntax for type ${column.sqlType}: "${value}"`,
            );
          }
        }
      }
    }
    if (select) {
      // As the real server's check trigger: each selected column must be one the role may read.
      const readable = await this.selectableColumns(role, schema, table);
      const unknown = select.find((column) => !readable.has(column));
      if (unknown !== undefined) {
        throw exception(
          shown,
          filters,
          `ERROR P0001 (raise_exception) invalid column for select ${unknown}`,
        );
      }
    }
    const valueFilters = filters.filter(
      (filter): filter is ValueFilter => !isPatternFilter(filter),
    );
    return { id: bindingId(params), event, schema, table, filters: valueFilters, patterns, select };
  }

  /**
   * What the real server's `subscription_check_filters` raises for a pattern filter: a column
   * type without the operator, or a regular expression PostgreSQL cannot compile; else null.
   */
  private async patternProblem(filter: PatternFilter, regtype: string): Promise<string | null> {
    const operator =
      filter.op === 'like' || filter.op === 'ilike' ? '~~' : filter.op === 'match' ? '~' : '~*';
    const { rows } = await this.database.pool.query<{ found: boolean }>(
      `select exists(select 1 from pg_catalog.pg_operator where oprname = $1 and oprleft = $2::regtype
         and ($1 = '~~' or (oprright = $2::regtype and oprresult = 'boolean'::regtype))) as found`,
      [operator, regtype],
    );
    if (!rows[0]?.found) {
      return `operator ${filter.op} requires a text-compatible column type, got ${regtype}`;
    }
    if (filter.op === 'match' || filter.op === 'imatch') {
      const error = await this.patterns.regexError(filter.value);
      if (error !== null) return `invalid regular expression for ${filter.op} filter: ${error}`;
    }
    return null;
  }

  /**
   * Whether `supabase_realtime` publishes the table (or, with `*`, any match). A yes is cached
   * briefly, so thousands of bindings on one table cost one query; a no is asked again each time,
   * so a table added to the publication can be subscribed to at once.
   */
  private async isPublished(schema: string, table: string): Promise<boolean> {
    const key = JSON.stringify([schema, table]);
    const checkedAt = this.published.get(key);
    if (checkedAt !== undefined && Date.now() - checkedAt < CACHE_MS) return true;
    const { rowCount } = await this.database.pool.query(
      `select 1 from pg_publication_tables
        where pubname = 'supabase_realtime' and ($1 = '*' or schemaname = $1) and ($2 = '*' or tablename = $2)
        limit 1`,
      [schema, table],
    );
    const published = (rowCount ?? 0) > 0;
    if (published) this.published.set(key, Date.now());
    return published;
  }

  /** Column types and the RLS flag of a table, cached briefly. */
  private async table(schema: string, table: string): Promise<TableInfo> {
    const key = `${schema}.${table}`;
    const cached = this.tables.get(key);
    if (cached && Date.now() - cached.checkedAt < CACHE_MS) return cached;
    const { rows } = await this.database.pool.query<{
      attname: string;
      typname: string;
      sqltype: string;
      regtype: string;
      rls: boolean;
    }>(
      `select a.attname, t.typname, format_type(a.atttypid, a.atttypmod) as sqltype,
              a.atttypid::regtype::text as regtype, c.relrowsecurity as rls
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         join pg_type t on t.oid = a.atttypid
        where n.nspname = $1 and c.relname = $2
        order by a.attnum`,
      [schema, table],
    );
    const info: TableInfo = {
      columns: new Map(
        rows.map((row) => [
          row.attname,
          { type: row.typname, sqlType: row.sqltype, regtype: row.regtype },
        ]),
      ),
      rls: rows[0]?.rls ?? false,
      checkedAt: Date.now(),
    };
    this.tables.set(key, info);
    return info;
  }

  private async bypassesRls(role: string): Promise<boolean> {
    const cached = this.bypass.get(role);
    if (cached !== undefined) return cached;
    const { rows } = await this.database.pool.query<{ bypass: boolean }>(
      'select coalesce((select rolbypassrls or rolsuper from pg_roles where rolname = $1), false) as bypass',
      [role],
    );
    const bypass = rows[0]?.bypass ?? false;
    this.bypass.set(role, bypass);
    return bypass;
  }

  /** Delivers a transaction's changes to every channel whose bindings match. */
  async dispatch(changes: RowChange[]): Promise<void> {
    for (const change of changes) {
      if (change.schema === 'realtime' && change.table === 'messages') continue;
      await this.dispatchRetried(change);
    }
  }

  /**
   * Dispatches one change, trying again (after 100 ms, doubling to 2 s, at most
   * {@link DISPATCH_RETRIES} times) when the database fails to answer one of its checks: a change
   * is sent only once every check answered, so a failed try sent nothing, and later changes wait,
   * in commit order.
   */
  private async dispatchRetried(change: RowChange): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        return await this.dispatchOne(change);
      } catch (error) {
        if (failures >= DISPATCH_RETRIES) throw error;
        this.logger.warn('change not checked; trying again', { error: String(error) });
        await new Promise((resolve) =>
          setTimeout(resolve, backoffDelay(DISPATCH_BACKOFF, failures)),
        );
      }
    }
  }

  private async dispatchOne(change: RowChange): Promise<void> {
    const types = new Map(change.columns.map((column) => [column.name, column.type]));
    // First the filters JavaScript evaluates; then, for the bindings still in, the pattern
    // filters, all in one PostgreSQL statement, so no pattern ever runs on the event loop.
    const candidates: { channel: ChangeSubscriber; binding: Binding; tests: NegatableTest[] }[] =
      [];
    for (const [channel, bindings] of this.subscribers) {
      for (const binding of bindings) {
        if (binding.event !== '*' && binding.event !== change.type) continue;
        if (binding.schema !== '*' && binding.schema !== change.schema) continue;
        if (binding.table !== '*' && binding.table !== change.table) continue;
        if (!this.passesFilters(binding.filters, change, types)) continue;
        const tests = this.patternTests(binding, change);
        if (tests !== null) candidates.push({ channel, binding, tests });
      }
    }
    const tests = candidates.flatMap(({ tests }) => tests.map(({ test }) => test));
    // Without an answer from the database, pattern bindings fail closed; the others still get it.
    const results = await this.patterns.evaluate(tests).catch((error: unknown) => {
      this.logger.warn('pattern filters not evaluated; change withheld from them', {
        error: String(error),
      });
      return new Map<string, boolean | null>();
    });
    // Per channel, one group per distinct `select` (the real server builds one output per
    // distinct selected_columns), each with the ids of its bindings.
    const matches = new Map<ChangeSubscriber, Map<string, SelectGroup>>();
    for (const { channel, binding, tests } of candidates) {
      const passed = tests.every((test) => {
        const result = results.get(patternKey(test.test));
        // SQL's three-valued logic: an unknown result is not visible, negated or not.
        return result !== null && result !== undefined && result !== test.negate;
      });
      if (!passed) continue;
      const groups = matches.get(channel) ?? new Map<string, SelectGroup>();
      const key = binding.select ? [...binding.select].sort().join(',') : '';
      const group = groups.get(key) ?? { select: binding.select, ids: new Set<number>() };
      group.ids.add(binding.id);
      groups.set(key, group);
      matches.set(channel, groups);
    }
    if (matches.size === 0) return;
    const info = await this.table(change.schema, change.table);
    // Per role: whether it bypasses RLS and which columns it may read (both cached).
    const roles = new Map<string, { bypass: boolean; selectable: Set<string> }>();
    for (const channel of matches.keys()) {
      const role = channel.identity.claims.role;
      if (roles.has(role)) continue;
      roles.set(role, {
        bypass: await this.bypassesRls(role),
        selectable: await this.selectableColumns(role, change.schema, change.table),
      });
    }
    const problemFor = (selectable: Set<string>): string | null => {
      if (change.type === 'DELETE') return null;
      if (change.keyColumns.length === 0) return 'Error 400: Bad Request, no primary key';
      return change.keyColumns.every((key) => selectable.has(key))
        ? null
        : 'Error 401: Unauthorized';
    };
    // The real server checks RLS for inserts and updates only; deletes carry just the key.
    const checked = new Map<string, Claims>();
    if (info.rls && change.type !== 'DELETE') {
      for (const channel of matches.keys()) {
        const { claims } = channel.identity;
        const facts = roles.get(claims.role);
        if (facts && !facts.bypass && problemFor(facts.selectable) === null) {
          checked.set(JSON.stringify(claims), claims);
        }
      }
    }
    const visible =
      checked.size > 0
        ? await this.visibleTo(change, [...checked.values()]).catch((error: unknown) => {
            // A policy that raises withholds the row; a database that did not answer is asked
            // again by `dispatch`.
            if (databaseFailure(error) !== 'policy') throw error;
            this.logger.warn('RLS check raised; change withheld', { error: String(error) });
            return new Set<string>();
          })
        : new Set<string>();
    const payloads = new Map<string, string>();
    const frames = new Map<string, Frame>();
    for (const [channel, groups] of matches) {
      const { claims } = channel.identity;
      const facts = roles.get(claims.role);
      if (!facts) continue;
      const problem = problemFor(facts.selectable);
      const claimsKey = checked.size > 0 ? JSON.stringify(claims) : '';
      if (checked.has(claimsKey) && !visible.has(claimsKey)) continue;
      // With RLS on, a delete carries only the primary key, for every role (as apply_rls does).
      const keysOnly = info.rls && change.type === 'DELETE';
      for (const [selectKey, { select, ids }] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const cacheKey = `${claims.role}|${keysOnly}|${problem ?? ''}|${selectKey}`;
        let data = payloads.get(cacheKey);
        if (data === undefined) {
          data = JSON.stringify(
            problem
              ? this.errorData(change, problem)
              : this.data(change, facts.selectable, keysOnly, select),
          );
          payloads.set(cacheKey, data);
        }
        channel.deliverChange([...ids], data, cacheKey, frames);
      }
    }
  }

  /** The columns a role may SELECT, cached briefly (grants can change while the server runs). */
  private async selectableColumns(
    role: string,
    schema: string,
    table: string,
  ): Promise<Set<string>> {
    const key = `${role}|${schema}.${table}`;
    const cached = this.selectable.get(key);
    if (cached && Date.now() - cached.checkedAt < CACHE_MS) return cached.columns;
    const { rows } = await this.database.pool.query<{ attname: string }>(
      `select a.attname from pg_attribute a
        where a.attrelid = (quote_ident($2) || '.' || quote_ident($3))::regclass
          and a.attnum > 0 and not a.attisdropped
          and exists (select 1 from pg_roles where rolname = $1)
          and has_column_privilege($1, a.attrelid, a.attname, 'SELECT')`,
      [role, schema, table],
    );
    const columns = new Set(rows.map((row) => row.attname));
    this.selectable.set(key, { columns, checkedAt: Date.now() });
    return columns;
  }

  private errorData(change: RowChange, error: string): Record<string, unknown> {
    const data: Record<string, unknown> = {
      schema: change.schema,
      table: change.table,
      type: change.type,
      commit_timestamp: null,
      columns: [],
      record: {},
      errors: [error],
    };
    if (change.type === 'UPDATE') data.old_record = {};
    return data;
  }

  /**
   * The pattern tests a change must pass for a binding, or null when one cannot pass: its column
   * is missing from the record (not in a DELETE's replica identity) or null.
   */
  private patternTests(binding: Binding, change: RowChange): NegatableTest[] | null {
    if (binding.patterns.length === 0) return [];
    const record = change.type === 'DELETE' ? change.oldRecord : change.record;
    if (record === null) return null;
    const tests: NegatableTest[] = [];
    for (const { filter, type } of binding.patterns) {
      const value = record[filter.column];
      if (value === null || value === undefined) return null;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      tests.push({
        test: { op: filter.op, type, value: text, pattern: filter.value },
        negate: filter.negate,
      });
    }
    return tests;
  }

  private passesFilters(
    filters: ValueFilter[],
    change: RowChange,
    types: Map<string, string>,
  ): boolean {
    if (filters.length === 0) return true;
    const records = change.type === 'DELETE' ? [change.oldRecord] : [change.record];
    return records.every(
      (record) =>
        record !== null &&
        filters.every((filter) =>
          matchesFilter(filter, record, types.get(filter.column) ?? 'text'),
        ),
    );
  }

  /** The `data` a role receives: only columns it may SELECT; keys only for RLS deletes. */
  private data(
    change: RowChange,
    selectable: Set<string>,
    keysOnly: boolean,
    select: string[] | null,
  ): Record<string, unknown> {
    // A `select` keeps its columns and, always, the primary key.
    const shown = (name: string) =>
      selectable.has(name) &&
      (select === null || select.includes(name) || change.keyColumns.includes(name));
    const pick = (record: Record<string, unknown> | null, onlyKeys: boolean) =>
      Object.fromEntries(
        Object.entries(record ?? {}).filter(
          ([name]) => shown(name) && (!onlyKeys || change.keyColumns.includes(name)),
        ),
      );
    const data: Record<string, unknown> = {
      schema: change.schema,
      table: change.table,
      commit_timestamp: change.commitTimestamp,
      type: change.type,
      columns: change.columns.filter((column) => shown(column.name)),
      errors: null,
    };
    if (change.type !== 'DELETE') data.record = pick(change.record, false);
    if (change.type !== 'INSERT') data.old_record = pick(change.oldRecord, keysOnly);
    // Like the real server: a change over the record limit keeps only its small fields.
    const size = Buffer.byteLength(JSON.stringify([data.record, data.old_record]));
    if (size > this.maxRecordBytes) {
      const small = (record: unknown) =>
        Object.fromEntries(
          Object.entries(record as Record<string, unknown>).filter(
            ([, value]) => Buffer.byteLength(JSON.stringify(value) ?? '') <= 64,
          ),
        );
      if (data.record) data.record = small(data.record);
      if (data.old_record) data.old_record = small(data.old_record);
      data.errors = ['Error 413: Payload Too Large'];
    }
    return data;
  }

  /**
   * Waits until a transaction that replication already reported is visible to new queries:
   * the commit reaches the stream a moment before other sessions can see it, and an RLS check
   * in that moment would wrongly withhold the row, and a client told of it would read the table
   * without it. Polled once per transaction, however many changes and broadcasts it holds.
   */
  committed(xid: number): Promise<void> {
    if (this.lastCommit?.xid !== xid) this.lastCommit = { xid, visible: this.pollCommitted(xid) };
    return this.lastCommit.visible;
  }

  private lastCommit: { xid: number; visible: Promise<void> } | null = null;

  private async pollCommitted(xid: number): Promise<void> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const { rows } = await this.database.pool.query<{ visible: boolean }>(
        `select pg_visible_in_snapshot(
           (((pg_snapshot_xmax(pg_current_snapshot())::text::bigint >> 32) << 32) | $1::bigint)::text::xid8,
           pg_current_snapshot()) as visible`,
        [xid],
      );
      if (rows[0]?.visible) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /**
   * Which of these claim sets may SELECT the changed row now: one round trip for all of them,
   * each check as its role with its `request.jwt.claims`, in a transaction that is rolled back.
   * Returns the JSON keys of the claims that may.
   */
  private async visibleTo(change: RowChange, claimsList: Claims[]): Promise<Set<string>> {
    const record = change.record;
    const visible = new Set<string>();
    if (!record || change.keyColumns.length === 0) return visible;
    await this.committed(change.xid);
    const client = await this.database.pool.connect();
    try {
      const lit = (value: unknown) =>
        client.escapeLiteral(typeof value === 'string' ? value : JSON.stringify(value));
      const id = (name: string) => client.escapeIdentifier(name);
      const types = new Map(change.columns.map((column) => [column.name, column.type]));
      const where = change.keyColumns
        .map((key) => `${id(key)} = ${lit(record[key])}::${id(types.get(key) ?? 'text')}`)
        .join(' and ');
      const statements = ['begin'];
      claimsList.forEach((claims, index) => {
        statements.push(
          `set local role ${id(claims.role)}`,
          `select set_config('request.jwt.claims', ${lit(claims)}, true),
                  set_config('request.jwt.claim.sub', ${lit(claims.sub ?? '')}, true),
                  set_config('request.jwt.claim.role', ${lit(claims.role)}, true)`,
          `select ${index} as subscriber, exists(select 1 from ${id(change.schema)}.${id(change.table)} where ${where}) as visible`,
        );
      });
      statements.push('rollback');
      const results = (await client.query(statements.join(';\n'))) as unknown as {
        rows: { subscriber?: number; visible?: boolean }[];
      }[];
      for (const result of results) {
        const row = result.rows[0];
        if (row?.visible === true && typeof row.subscriber === 'number') {
          visible.add(JSON.stringify(claimsList[row.subscriber]));
        }
      }
      return visible;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
