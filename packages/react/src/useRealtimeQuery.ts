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
import type { MergeOptions } from './core/mergeChange';
import { stableHash } from './core/stableHash';
import { useContext, useMemo } from 'react';
import { useRealtimeContext } from './RealtimeContext';
import { syncQueriesWithRealtime } from './syncQueriesWithRealtime';
import {
  usePostgresBinding,
  type ConnectPostgres,
  type PostgresChangesOptions,
} from './usePostgresChanges';

/** Options of `usePostgresChanges` from `@roomkit/react/query`: the main hook's plus a query. */
export interface QueryPostgresChangesOptions<Row extends Record<string, unknown>>
  extends PostgresChangesOptions<Row>, MergeOptions<Row> {
  /** A react-query query kept fresh by the changes and refetched after every gap. */
  queryKey?: QueryKey;
  /** What a change does to that query: refetch it, or patch its rows by primary key. @default 'invalidate' */
  apply?: 'invalidate' | 'merge';
  /** The query client. @default the provider's `queryClient`, else the nearest QueryClientProvider's */
  queryClient?: QueryClient;
}

/** The realtime half of {@link useRealtimeQuery}: which table keeps the query live, and how. */
export interface RealtimeQueryOptions<Row extends Record<string, unknown>> extends Omit<
  QueryPostgresChangesOptions<Row>,
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
  usePostgresChanges<Row>({ ...realtime, queryKey: queryOptions.queryKey, queryClient });
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
 * `usePostgresChanges` for apps with TanStack Query: with `queryKey` the query is invalidated or
 * merged by primary key on each change and refetched once each time the channel returns after a
 * gap. The query client is the hook's `queryClient`, else the provider's, else the nearest
 * `QueryClientProvider`'s; with none of them it throws, in development and production alike.
 * @example
 * import { usePostgresChanges } from '@roomkit/react/query';
 * usePostgresChanges<Todo>({ table: 'todos', queryKey: ['todos'], apply: 'merge', order: { column: 'id' } });
 */
export function usePostgresChanges<Row extends Record<string, unknown> = Record<string, unknown>>(
  options: QueryPostgresChangesOptions<Row>,
): void {
  const queryClient = useResolvedQueryClient('usePostgresChanges', options.queryClient);
  // Inline keys and orders are new objects each render; the effect follows their content.
  const { queryKey, apply, primaryKey, order } = options;
  const sync = stableHash(queryKey && { queryKey, apply, primaryKey, order });
  const query = useMemo(
    () =>
      sync
        ? (JSON.parse(sync) as MergeOptions<Record<string, unknown>> & {
            queryKey: QueryKey;
            apply?: 'invalidate' | 'merge';
          })
        : undefined,
    [sync],
  );
  if (query && !queryClient) {
    throw new Error(
      '`usePostgresChanges` needs a QueryClient for `queryKey`: pass `queryClient` to it or to <RealtimeProvider>, or render it inside a <QueryClientProvider>.',
    );
  }
  const connect = useMemo<ConnectPostgres | undefined>(
    () =>
      query && queryClient
        ? (registry, room, isPrivate, postgres, onChange) =>
            syncQueriesWithRealtime({
              ...query,
              queryClient,
              registry,
              room,
              private: isPrivate,
              postgres,
              onChange,
            })
        : undefined,
    [query, queryClient],
  );
  usePostgresBinding('usePostgresChanges', options, connect);
}
