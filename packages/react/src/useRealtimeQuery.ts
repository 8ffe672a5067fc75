'use client';
import {
  QueryClientContext,
  useQuery,
  type QueryClient,
  type DefaultError,
  type QueryKey,
  type UseQueryOptions,
  type UseQueryResult,
} from '@tanstack/react-query';
import type { PostgresEvent } from './core/ChannelRegistry';
import { useContext } from 'react';
import { useRealtimeContext } from './RealtimeContext';
import {
  usePostgresChanges as usePostgresChangesCore,
  type PostgresChangesOptions,
} from './usePostgresChanges';

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
  const queryClient = useResolvedQueryClient('useRealtimeQuery');
  usePostgresChangesCore<Row>({ ...realtime, queryKey: queryOptions.queryKey, queryClient });
  // Without any query client, useQuery throws react-query's own "No QueryClient set" error.
  return useQuery(queryOptions, queryClient);
}

/** The query client a hook uses: its own option, else the provider's, else the nearest one. */
export function useResolvedQueryClient(hook: string, given?: QueryClient): QueryClient | undefined {
  const context = useRealtimeContext(hook);
  const nearest = useContext(QueryClientContext);
  return given ?? context.queryClient ?? nearest;
}

/**
 * `usePostgresChanges` for apps with TanStack Query: a `queryKey` uses the hook's `queryClient`,
 * else the provider's, else the nearest `QueryClientProvider`'s. (The main entry's hook does not
 * look for a `QueryClientProvider`, so react-query stays optional for apps without it.)
 * @example
 * import { usePostgresChanges } from '@roomkit/react/query';
 * usePostgresChanges<Todo>({ table: 'todos', queryKey: ['todos'], apply: 'merge' });
 */
export function usePostgresChanges<Row extends Record<string, unknown> = Record<string, unknown>>(
  options: PostgresChangesOptions<Row>,
): void {
  usePostgresChangesCore<Row>({
    ...options,
    queryClient: useResolvedQueryClient('usePostgresChanges', options.queryClient),
  });
}
