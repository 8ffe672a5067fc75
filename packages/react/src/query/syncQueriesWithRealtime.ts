import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { ChannelRegistry, PostgresChange } from '../core/ChannelRegistry';
import { stableHash } from '../core/stableHash';
import { postgresRoom } from '../usePostgresChanges';
import { mergeChange, type MergeOptions } from './mergeChange';
import { rowPredicate } from './rowFilter';

type AnyRow = Record<string, unknown>;

/**
 * How a change reaches the cache: refetch (`'invalidate'`), merge by primary key (`'merge'`, which
 * understands lists, infinite pages and single rows), or a function of your own that returns the
 * query's next data from its current data and the change.
 */
export type ApplyChange<Row extends AnyRow = AnyRow> =
  'invalidate' | 'merge' | ((data: unknown, change: PostgresChange<Row>) => unknown);

/** The table a query follows and how its changes reach the query. */
export interface LiveQueryOptions<Row extends AnyRow = AnyRow> extends MergeOptions<Row> {
  /** The table; without it the query is only refetched when `room` returns after a gap. */
  table?: string;
  /** Its schema. @default 'public' */
  schema?: string;
  /** The room carrying the table's one binding (required without `table`). @default `db:<schema>.<table>` */
  room?: string;
  /** Use a private channel. @default false */
  private?: boolean;
  /** What a change does to the query. @default 'invalidate' */
  apply?: ApplyChange<Row>;
  /** Called with each change that touches the query's rows, before it is applied. */
  onChange?: (change: PostgresChange<Row>) => void;
}

/** Options of {@link syncQueriesWithRealtime}. */
export interface SyncQueriesOptions<Row extends AnyRow = AnyRow> extends LiveQueryOptions<Row> {
  /** The query client holding the query. */
  queryClient: QueryClient;
  /** The provider's channel registry (from `useRealtime()`). */
  registry: ChannelRegistry;
  /** The query to keep fresh. */
  queryKey: QueryKey;
}

/** The queries tied to one table's binding, by client and key hash; each key holds its ties. */
interface TableQueries {
  /** The room key (`public:db:public.todos`) of the channel carrying the binding. */
  room: string;
  queries: Map<QueryClient, Map<string, Set<SyncQueriesOptions>>>;
  release: () => void;
}

/** How many refetches each tied key (its set of ties) was given after a gap, for devtools. */
const gapRefetches = new WeakMap<Set<SyncQueriesOptions>, number>();

const tables = new WeakMap<ChannelRegistry, Map<string, TableQueries>>();

// Query keys waiting for the end of the task, by hash; `all` stands for every active query.
const batches = new WeakMap<QueryClient, Map<string, QueryKey | 'all'>>();

/**
 * Queues a refetch for the end of the current task, so N hooks tied to one key (or one
 * `'all'`) make one fetch however many channels return together.
 */
export function scheduleRefetch(queryClient: QueryClient, target: QueryKey | 'all'): void {
  let batch = batches.get(queryClient);
  if (!batch) {
    const queued = new Map<string, QueryKey | 'all'>();
    batches.set(queryClient, (batch = queued));
    queueMicrotask(() => {
      batches.delete(queryClient);
      if (queued.has('all')) return void queryClient.invalidateQueries();
      for (const queryKey of queued.values()) {
        void queryClient.invalidateQueries({ queryKey: queryKey as QueryKey, exact: true });
      }
    });
  }
  batch.set(target === 'all' ? target : stableHash(target), target);
}

/**
 * Refetches a query whose last read may have missed changes. A first fetch still in flight has
 * no data, so react-query would join it instead of starting another, though it may have read
 * too early: the refetch waits for it to settle.
 */
function refetchAfterRead(queryClient: QueryClient, queryKey: QueryKey): void {
  const query = queryClient.getQueryCache().find({ queryKey, exact: true });
  const again = () => scheduleRefetch(queryClient, queryKey);
  if (query?.state.data === undefined && query?.state.fetchStatus === 'fetching') {
    void query.promise?.then(again, again);
  } else again();
}

/** Whether a change adds, changes or removes rows of a query (unknown counts as yes). */
function touches(options: SyncQueriesOptions, change: PostgresChange): boolean {
  const holds = rowPredicate(options.filter);
  return [change.new, change.old].some(
    (row) => Object.keys(row).length > 0 && holds(row) !== false,
  );
}

/**
 * Applies a change to a query if it touches its rows: merged now, and into the result of a fetch
 * in flight. A received change (given with the query's `ties`, whose `onChange` it calls) that
 * the query does not merge refetches it; a change made here only reaches queries that merge.
 */
function patchQuery(
  queryClient: QueryClient,
  options: SyncQueriesOptions,
  change: PostgresChange,
  ties?: Set<SyncQueriesOptions>,
) {
  if (!touches(options, change)) return;
  for (const tie of ties ?? []) tie.onChange?.(change);
  const { apply, queryKey } = options;
  if (!apply || apply === 'invalidate') return ties && scheduleRefetch(queryClient, queryKey);
  const query = queryClient.getQueryCache().find({ queryKey, exact: true });
  const patch = (): void => {
    const data = query?.state.data;
    const next = apply === 'merge' ? mergeChange(data, change, options) : apply(data, change);
    // Unchanged data is not written, so the query's observers do not wake. A merge's data is
    // written as it is: it keeps every untouched row, where react-query's structural sharing,
    // which pairs rows by index, would copy (and re-render) every row after one added or removed.
    if (next === data) return;
    // (Its `dataUpdatedAt` stays the last read's: a change is not a read of the whole query.)
    if (apply === 'merge') query?.setState({ data: next });
    else queryClient.setQueryData(queryKey, next);
  };
  patch();
  // A fetch in flight may have read the rows before this change: patch its result too.
  // Its own continuation (which stores the data) was queued first, so this runs after it.
  void query?.promise?.then(patch, patch);
}

/** The newest tie of each query of `queryClient` tied to the table through `registry`. */
function tableTies(
  registry: ChannelRegistry,
  queryClient: QueryClient,
  { schema, table }: { schema: string; table: string },
): SyncQueriesOptions[] {
  return [...(tables.get(registry)?.values() ?? [])].flatMap((tied) =>
    [...(tied.queries.get(queryClient)?.values() ?? [])].flatMap((ties) => {
      const options = [...ties].at(-1);
      return options?.table === table && (options.schema ?? 'public') === schema ? [options] : [];
    }),
  );
}

/**
 * Applies a change made here (not received) to every query of `queryClient` tied to the table
 * through `registry` that merges: the optimistic half of the mutation hooks.
 */
export function applyToTable(
  registry: ChannelRegistry,
  queryClient: QueryClient,
  table: { schema: string; table: string },
  change: PostgresChange,
): void {
  for (const options of tableTies(registry, queryClient, table)) {
    patchQuery(queryClient, options, change);
  }
}

/** The first row of a table that the queries of `queryClient` hold and `matches` accepts. */
export function findTableRow(
  registry: ChannelRegistry,
  queryClient: QueryClient,
  table: { schema: string; table: string },
  matches: (row: Record<string, unknown>) => boolean,
): Record<string, unknown> | undefined {
  for (const { queryKey } of tableTies(registry, queryClient, table)) {
    const data = queryClient.getQueryData(queryKey) as { pages?: unknown } | null | undefined;
    // A list, the pages of an infinite query, or one row (which may have a `pages` column).
    const rows: unknown[] = [Array.isArray(data?.pages) ? data.pages : data].flat(2);
    // (`Object()` lets a detail query's `null` be read as a row with no columns.)
    const row = rows.find((each): each is Record<string, unknown> =>
      matches(Object(each) as Record<string, unknown>),
    );
    if (row) return row;
  }
  return undefined;
}

/** The one binding of a table in a room, shared by every query tied to it. */
function tableQueries(registry: ChannelRegistry, options: SyncQueriesOptions): TableQueries {
  const { table } = options;
  const binding = table && { event: '*' as const, schema: options.schema ?? 'public', table };
  const room = options.room ?? (binding && postgresRoom(binding));
  if (!room) throw new Error('`syncQueriesWithRealtime` needs a `table` or a `room`.');
  const isPrivate = !!options.private;
  // An absent binding hashes as null, as JSON writes it in an array.
  const key = stableHash([room, isPrivate, binding]);
  const byTable = tables.get(registry) ?? new Map<string, TableQueries>();
  tables.set(registry, byTable);
  const existing = byTable.get(key);
  if (existing) return existing;
  const channel = registry.room(room, isPrivate);
  const queries: TableQueries['queries'] = new Map();
  const releaseChannel = channel.retain(binding ? { postgres: binding } : {});
  const offChange = binding
    ? channel.onPostgres(binding, (change) => {
        for (const [queryClient, keys] of queries) {
          for (const ties of keys.values()) {
            // Once per query key, as its newest tie says, however many ties it has.
            const options = [...ties].at(-1);
            if (options) patchQuery(queryClient, options, change, ties);
          }
        }
      })
    : undefined;
  const offReturn = registry.onReturn((returned) => {
    if (returned !== channel.key) return;
    for (const [queryClient, keys] of queries) {
      for (const ties of keys.values()) {
        const tie = [...ties].at(-1);
        if (!tie) continue;
        gapRefetches.set(ties, (gapRefetches.get(ties) ?? 0) + 1);
        refetchAfterRead(queryClient, tie.queryKey);
      }
    }
  });
  const entry: TableQueries = {
    room: channel.key,
    queries,
    release() {
      if (byTable.get(key) !== entry) return;
      byTable.delete(key);
      offChange?.();
      offReturn();
      releaseChannel();
    },
  };
  byTable.set(key, entry);
  return entry;
}

/**
 * Ties a react-query query to a table: refetched once each time the table's channel returns
 * after a gap, and once when the table's changes first stream (a read made before then may miss
 * a change made in between), and merged or invalidated by its changes that touch the
 * query's rows. Every query on one table shares one binding, and a change reaches each query key
 * once however many ties it has. Returns the unsubscribe.
 * @example
 * const stop = syncQueriesWithRealtime({
 *   queryClient, registry, queryKey: ['todos', 7], table: 'todos', apply: 'merge',
 *   filter: 'list_id=eq.7', order: { column: 'id' },
 * });
 */
export function syncQueriesWithRealtime<Row extends AnyRow = AnyRow>(
  options: SyncQueriesOptions<Row>,
): () => void {
  // A filter it cannot read throws here, where the query is tied, not on the first change.
  rowPredicate(options.filter);
  const tie = options as unknown as SyncQueriesOptions;
  const table = tableQueries(options.registry, tie);
  const keys = table.queries.get(options.queryClient) ?? new Map<string, Set<SyncQueriesOptions>>();
  table.queries.set(options.queryClient, keys);
  const hash = stableHash(options.queryKey);
  const ties = keys.get(hash) ?? new Set<SyncQueriesOptions>();
  keys.set(hash, ties.add(tie));
  return () => {
    ties.delete(tie);
    if (ties.size === 0 && keys.get(hash) === ties) keys.delete(hash);
    if (keys.size === 0 && table.queries.get(options.queryClient) === keys) {
      table.queries.delete(options.queryClient);
    }
    if (table.queries.size === 0) table.release();
  };
}

/** One query key tied to a room, as {@link tiedQueries} reports it. */
export interface TiedQuery {
  /** The room key of the channel whose return refetches it (`public:db:public.todos`). */
  room: string;
  /** The table whose changes reach it, if any. */
  table: string | undefined;
  queryKey: QueryKey;
  queryClient: QueryClient;
  /** How many times it was refetched because its room came back after a gap. */
  gapRefetches: number;
}

/**
 * Every query key tied through `registry` right now, with its room and its gap refetches; a
 * read-only view for devtools, empty when nothing uses `@roomkit/react/query`.
 * @example
 * for (const { room, queryKey, gapRefetches } of tiedQueries(registry)) console.log(room, queryKey, gapRefetches);
 */
export function tiedQueries(registry: ChannelRegistry): TiedQuery[] {
  const found: TiedQuery[] = [];
  for (const { room, queries } of tables.get(registry)?.values() ?? []) {
    for (const [queryClient, keys] of queries) {
      for (const ties of keys.values()) {
        const tie = [...ties].at(-1);
        if (!tie) continue;
        const { table, queryKey } = tie;
        found.push({
          room,
          table,
          queryKey,
          queryClient,
          gapRefetches: gapRefetches.get(ties) ?? 0,
        });
      }
    }
  }
  return found;
}
