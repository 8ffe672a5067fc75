'use client';
import {
  useQuery,
  useQueryClient,
  type DefaultError,
  type QueryKey,
  type UseQueryOptions,
  type UseQueryResult,
} from '@tanstack/react-query';
import type { PostgresEvent } from './core/ChannelRegistry';
import { useRealtimeContext } from './RealtimeContext';
import { usePostgresChanges, type PostgresChangesOptions } from './usePostgresChanges';

/** The realtime half of {@link useRealtimeQuery}: which table keeps the query live, and how. */
export interface RealtimeQueryOptions<Row extends Record<string, unknown>> extends Omit<
  PostgresChangesOptions<Row>,
  'queryKey' | 'queryClient' | 'event'
> {
  /** The row events to follow. @default '*' */
  event?: PostgresEvent;
}

/**
 * A react-query `useQuery` whose data stays live through postgres changes and is refetched
 * once each time its channel returns after a gap. Uses the provider's `queryClient`, or the
 * nearest `QueryClientProvider`.
 * @example
 * const todos = useRealtimeQuery(
 *   { queryKey: ['todos'], queryFn: fetchTodos },
 *   { table: 'todos', apply: 'merge', order: { column: 'id' } },
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
  realtime: RealtimeQueryOptions<Row>,
): UseQueryResult<TData, TError> {
  const context = useRealtimeContext('useRealtimeQuery');
  const queryClient = useQueryClient(context.queryClient);
  usePostgresChanges<Row>({ ...realtime, queryKey: queryOptions.queryKey, queryClient });
  return useQuery(queryOptions, queryClient);
}
