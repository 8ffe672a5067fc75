'use client';
import type {
  DefaultError,
  QueryKey,
  UseQueryOptions,
  UseQueryResult,
} from '@tanstack/react-query';
import { useQuery } from './reactQueryApi';
import type { LiveQueryOptions } from './syncQueriesWithRealtime';
import { useSyncQueriesWithRealtime } from './useSyncQueriesWithRealtime';

/**
 * A react-query `useQuery` whose data stays live through a table's changes (a list, or one row
 * for a detail query) and is refetched once each time its channel returns after a gap. Uses the
 * nearest `QueryClientProvider`'s client.
 * @example
 * const todos = useRealtimeQuery(
 *   { queryKey: ['todos', 7], queryFn: () => fetchTodos(7) },
 *   { table: 'todos', filter: 'list_id=eq.7', apply: 'merge', order: { column: 'id' } },
 * );
 */
export function useRealtimeQuery<
  Row extends Record<string, unknown>,
  TQueryFnData = Row[],
  TError = DefaultError,
  TData = TQueryFnData,
  TQueryKey extends QueryKey = QueryKey,
>(
  queryOptions: UseQueryOptions<TQueryFnData, TError, TData, TQueryKey>,
  realtime: LiveQueryOptions<Row>,
): UseQueryResult<TData, TError> {
  useSyncQueriesWithRealtime<Row>({ ...realtime, queryKey: queryOptions.queryKey });
  return useQuery(queryOptions);
}
