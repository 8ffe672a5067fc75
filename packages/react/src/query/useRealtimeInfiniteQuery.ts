'use client';
import type {
  DefaultError,
  InfiniteData,
  QueryKey,
  UseInfiniteQueryOptions,
  UseInfiniteQueryResult,
} from '@tanstack/react-query';
import { useInfiniteQuery } from './reactQueryApi';
import type { LiveQueryOptions } from './syncQueriesWithRealtime';
import { useSyncQueriesWithRealtime } from './useSyncQueriesWithRealtime';

/**
 * A react-query `useInfiniteQuery` of row pages kept live by a table's changes: with `apply:
 * 'merge'` a row lands in the page its order puts it in (past the last loaded row: the last
 * page), leaves every page when deleted or out of the filter, and is never on two pages.
 * @example
 * const feed = useRealtimeInfiniteQuery(
 *   {
 *     queryKey: ['posts'], initialPageParam: 0,
 *     queryFn: ({ pageParam }) => fetchPosts(pageParam),
 *     getNextPageParam: (last, all) => (last.length < 20 ? undefined : all.length),
 *   },
 *   { table: 'posts', apply: 'merge', order: { column: 'created_at', ascending: false } },
 * );
 */
export function useRealtimeInfiniteQuery<
  Row extends Record<string, unknown>,
  TError = DefaultError,
  TQueryKey extends QueryKey = QueryKey,
  TPageParam = unknown,
>(
  queryOptions: UseInfiniteQueryOptions<
    Row[],
    TError,
    InfiniteData<Row[], TPageParam>,
    TQueryKey,
    TPageParam
  >,
  realtime: LiveQueryOptions<Row>,
): UseInfiniteQueryResult<InfiniteData<Row[], TPageParam>, TError> {
  useSyncQueriesWithRealtime<Row>({ ...realtime, queryKey: queryOptions.queryKey });
  return useInfiniteQuery(queryOptions);
}
