'use client';
import { useEffect } from './reactApi';
import type { PostgresBinding, PostgresChange, PostgresEvent } from './core/ChannelRegistry';
import { useRealtimeContext } from './RealtimeContext';
import { useLatest } from './useLatest';

/** Options of {@link usePostgresChanges}. */
export interface PostgresChangesOptions<Row extends Record<string, unknown>> {
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
}

/** The room a binding uses by default: one channel per table, event and filter. */
export function postgresRoom(binding: PostgresBinding): string {
  const event = binding.event === '*' ? '' : `:${binding.event}`;
  return `db:${binding.schema}.${binding.table}${event}${binding.filter ? `?${binding.filter}` : ''}`;
}

/**
 * Follows a table's changes through the room's shared channel. To keep a react-query query
 * live with them, use `useRealtimeQuery` from `@roomkit/react/query`.
 * @example
 * usePostgresChanges<Todo>({ table: 'todos', onChange: (change) => console.log(change.new) });
 */
export function usePostgresChanges<Row extends Record<string, unknown> = Record<string, unknown>>(
  options: PostgresChangesOptions<Row>,
): void {
  // Plain JavaScript (or a cast) can still pass one: fail loudly, in every build, not silently.
  if ('queryKey' in options) {
    throw new Error('`queryKey` moved to @roomkit/react/query');
  }
  const { registry } = useRealtimeContext('usePostgresChanges');
  const { table, schema = 'public', event = '*', filter } = options;
  const room = options.room ?? postgresRoom({ event, schema, table, filter });
  const isPrivate = options.private ?? false;
  const onChange = useLatest(options.onChange);
  useEffect(() => {
    const postgres = { event, schema, table, filter };
    const channel = registry.room(room, isPrivate);
    const release = channel.retain({ postgres });
    const off = channel.onPostgres(postgres, (change) =>
      onChange.current?.(change as PostgresChange<Row>),
    );
    return () => {
      off();
      release();
    };
  }, [registry, room, isPrivate, event, schema, table, filter, onChange]);
}
