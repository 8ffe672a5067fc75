import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { ChannelRegistry, PostgresBinding, PostgresChange } from './core/ChannelRegistry';
import { mergeChange, type MergeOptions } from './core/mergeChange';
import { stableHash } from './core/stableHash';

/**
 * How a change reaches the cache: refetch (`'invalidate'`), merge by primary key (`'merge'`), or a
 * function of your own that returns the query's next data from its current data and the change.
 */
export type ApplyChange =
  'invalidate' | 'merge' | ((data: unknown, change: PostgresChange) => unknown);

/** Options of {@link syncQueriesWithRealtime}. */
export interface SyncQueriesOptions extends MergeOptions<Record<string, unknown>> {
  /** The query client holding the query. */
  queryClient: QueryClient;
  /** The provider's channel registry (from `useRealtime()`). */
  registry: ChannelRegistry;
  /** The room whose channel the query is tied to. */
  room: string;
  /** Whether that room is private. @default false */
  private?: boolean;
  /** The query to keep fresh. */
  queryKey: QueryKey;
  /** A postgres-changes binding whose changes reach the query. */
  postgres?: PostgresBinding;
  /** What a change does to the query. @default 'invalidate' */
  apply?: ApplyChange;
  /** Called with each change, before it is applied. */
  onChange?: (change: PostgresChange) => void;
}

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
 * Ties a react-query query to a shared channel: refetched once each time the channel returns
 * after a gap (never on its first join), and patched or invalidated by its postgres changes.
 * Returns the unsubscribe.
 * @example
 * const stop = syncQueriesWithRealtime({
 *   queryClient, registry, room: 'todos', queryKey: ['todos'], apply: 'merge',
 *   postgres: { event: '*', schema: 'public', table: 'todos' },
 * });
 */
export function syncQueriesWithRealtime(options: SyncQueriesOptions): () => void {
  const { queryClient, queryKey, postgres } = options;
  const channel = options.registry.room(options.room, options.private ?? false);
  const release = channel.retain({ postgres });
  const offReturn = options.registry.onReturn((key) => {
    if (key === channel.key) {
      scheduleRefetch(queryClient, queryKey);
    }
  });
  const offChange = postgres
    ? channel.onPostgres(postgres, (change) => {
        options.onChange?.(change);
        const { apply = 'invalidate' } = options;
        if (apply === 'invalidate') return scheduleRefetch(queryClient, queryKey);
        const patch = (): unknown =>
          queryClient.setQueryData(queryKey, (data: unknown) =>
            apply === 'merge'
              ? mergeChange(data as Record<string, unknown>[] | undefined, change, options)
              : apply(data, change),
          );
        patch();
        // A fetch in flight may have read the rows before this change: patch its result too.
        // Its own continuation (which stores the data) was queued first, so this runs after it.
        void queryClient
          .getQueryCache()
          .find({ queryKey, exact: true })
          ?.promise?.then(patch, patch);
      })
    : undefined;
  return () => {
    offChange?.();
    offReturn();
    release();
  };
}
