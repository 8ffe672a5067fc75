'use client';
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { useQueryClient } from './reactQueryApi';
import { useEffect, useMemo } from '../reactApi';
import type { PostgresChange } from '../core/ChannelRegistry';
import { stableHash } from '../core/stableHash';
import { useRealtimeContext } from '../RealtimeContext';
import { useLatest } from '../useLatest';
import { syncQueriesWithRealtime, type LiveQueryOptions } from './syncQueriesWithRealtime';

type AnyRow = Record<string, unknown>;

/** Options of {@link useSyncQueriesWithRealtime}: a query key and the table that keeps it live. */
export interface SyncQueryOptions<Row extends AnyRow = AnyRow> extends LiveQueryOptions<Row> {
  /** The query to keep fresh. */
  queryKey: QueryKey;
  /** The query client. @default the nearest `QueryClientProvider`'s */
  queryClient?: QueryClient;
}

/**
 * Keeps an existing query live with a table's changes (merged or invalidated, filter- and
 * order-aware) and refetches it once each time the table's channel returns after a gap.
 * @example
 * useSyncQueriesWithRealtime<Todo>({
 *   queryKey: ['todos', 7], table: 'todos', filter: 'list_id=eq.7', apply: 'merge', order: { column: 'id' },
 * });
 */
export function useSyncQueriesWithRealtime<Row extends AnyRow = AnyRow>(
  options: SyncQueryOptions<Row>,
): void {
  const { registry } = useRealtimeContext('useSyncQueriesWithRealtime');
  const queryClient = useQueryClient(options.queryClient);
  const { apply, queryClient: _given, ...rest } = options;
  const latest = useLatest(options);
  // Inline keys, filters and orders are new objects each render; the tie follows their content.
  // (A function of `apply` hashes as `true`, and `onChange` not at all: the tie calls the latest.)
  const hash = stableHash({ ...rest, apply: typeof apply === 'function' || apply });
  const tie = useMemo(
    () => JSON.parse(hash) as Omit<SyncQueryOptions, 'apply'> & { apply?: string | true },
    [hash],
  );
  useEffect(() => {
    const custom = (data: unknown, change: PostgresChange): unknown => {
      const current = latest.current.apply;
      return typeof current === 'function' ? current(data, change as PostgresChange<Row>) : data;
    };
    return syncQueriesWithRealtime({
      ...tie,
      apply: tie.apply === true ? custom : (tie.apply as 'merge' | 'invalidate' | undefined),
      onChange: (change) => latest.current.onChange?.(change as PostgresChange<Row>),
      queryClient,
      registry,
    });
  }, [registry, queryClient, tie, latest]);
}
