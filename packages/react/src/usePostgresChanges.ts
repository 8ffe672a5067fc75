'use client';
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import type { PostgresBinding, PostgresChange, PostgresEvent } from './core/ChannelRegistry';
import type { MergeOptions } from './core/mergeChange';
import { stableHash } from './core/stableHash';
import { useRealtimeContext } from './RealtimeContext';
import { syncQueriesWithRealtime } from './syncQueriesWithRealtime';
import { useLatest } from './useLatest';

// Module-scoped, so it needs no Node types; bundlers replace `process.env.NODE_ENV`.
declare const process: { env: { NODE_ENV?: string } };

/** Options of {@link usePostgresChanges}. */
export interface PostgresChangesOptions<
  Row extends Record<string, unknown>,
> extends MergeOptions<Row> {
  /** The table to follow. */
  table: string;
  /** Its schema. @default 'public' */
  schema?: string;
  /** The row events to receive. @default '*' */
  event?: PostgresEvent;
  /** A Realtime filter such as `'room_id=eq.7'`. */
  filter?: string;
  /** The room (channel) carrying the binding. @default `db:<schema>.<table>[:<event>][?<filter>]` */
  room?: string;
  /** Use a private channel. @default false */
  private?: boolean;
  /** Called with each change. */
  onChange?: (change: PostgresChange<Row>) => void;
  /** A react-query query kept fresh by the changes and refetched after every gap. */
  queryKey?: QueryKey;
  /** What a change does to that query: refetch it, or patch its rows by primary key. @default 'invalidate' */
  apply?: 'invalidate' | 'merge';
  /** The query client. @default the provider's `queryClient` */
  queryClient?: QueryClient;
}

/** The room a binding uses by default: one channel per table, event and filter. */
export function postgresRoom(binding: PostgresBinding): string {
  const event = binding.event === '*' ? '' : `:${binding.event}`;
  return `db:${binding.schema}.${binding.table}${event}${binding.filter ? `?${binding.filter}` : ''}`;
}

/**
 * Follows a table's changes; with `queryKey` it keeps that query fresh: invalidated or merged
 * by primary key on each change, refetched once each time the channel returns after a gap.
 * @example
 * usePostgresChanges<Todo>({ table: 'todos', queryKey: ['todos'], apply: 'merge', order: { column: 'id' } });
 */
export function usePostgresChanges<Row extends Record<string, unknown> = Record<string, unknown>>(
  options: PostgresChangesOptions<Row>,
): void {
  const context = useRealtimeContext('usePostgresChanges');
  const { registry } = context;
  const { table, schema = 'public', event = '*', filter } = options;
  const queryClient = options.queryClient ?? context.queryClient;
  const room = options.room ?? postgresRoom({ event, schema, table, filter });
  const isPrivate = options.private ?? false;
  const onChange = useLatest(options.onChange);
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
  // A misconfiguration, caught in development; production builds drop the check and its text.
  if (process.env.NODE_ENV !== 'production' && query && !queryClient) {
    throw new Error(
      '`usePostgresChanges` needs a QueryClient for `queryKey`: pass `queryClient` to it or to <RealtimeProvider>, or import it from `@roomkit/react/query` inside a <QueryClientProvider>.',
    );
  }
  useEffect(() => {
    const postgres: PostgresBinding = { event, schema, table, filter };
    const listener = (change: PostgresChange): void =>
      onChange.current?.(change as PostgresChange<Row>);
    if (query && queryClient) {
      return syncQueriesWithRealtime({
        ...query,
        queryClient,
        registry,
        room,
        private: isPrivate,
        postgres,
        onChange: listener,
      });
    }
    const channel = registry.room(room, isPrivate);
    const release = channel.retain({ postgres });
    const off = channel.onPostgres(postgres, listener);
    return () => {
      off();
      release();
    };
  }, [registry, queryClient, room, isPrivate, event, schema, table, filter, query, onChange]);
}
