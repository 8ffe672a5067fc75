'use client';
import type { PostgrestError } from '@supabase/supabase-js';
import {
  useMutation,
  useQueryClient,
  type QueryClient,
  type UseMutationResult,
} from '@tanstack/react-query';
import type { PostgresChange } from '../core/ChannelRegistry';
import { useRealtimeContext } from '../RealtimeContext';
import { applyToTable, findTableRow } from './syncQueriesWithRealtime';

type AnyRow = Record<string, unknown>;

/** Options of the mutation hooks: the table, and how its rows are keyed. */
export interface TableMutationOptions<Row extends AnyRow> {
  /** The table. */
  table: string;
  /** Its schema. @default 'public' */
  schema?: string;
  /** The primary key column(s). @default 'id' */
  primaryKey?: (keyof Row & string) | ReadonlyArray<keyof Row & string>;
  /** The query client. @default the nearest `QueryClientProvider`'s */
  queryClient?: QueryClient;
}

/**
 * The field that marks a row shown before the database has it; the server's row (its answer or
 * the echo) replaces the marked one. A field, not an object identity: react-query's structural
 * sharing copies rows.
 */
export const PENDING = 'roomkit:pending';
let temporary = 0;

/**
 * Whether a row is an optimistic one the database has not confirmed yet, for a pending style.
 * @example
 * <li data-pending={isPendingRow(todo) || undefined}>{todo.title}</li>
 */
export function isPendingRow(row: object): boolean {
  return PENDING in row;
}

const change = (eventType: PostgresChange['eventType'], row: AnyRow, old: AnyRow) =>
  ({
    eventType,
    new: row,
    old,
    schema: '',
    table: '',
    commit_timestamp: '',
    errors: [],
  }) as unknown as PostgresChange;

/** The mutation under `useInsertMutation`, `useUpdateMutation` and `useDeleteMutation`. */
export function useTableMutation<Row extends AnyRow>(
  hook: string,
  kind: 'insert' | 'update' | 'delete',
  options: TableMutationOptions<Row>,
): UseMutationResult<Row, PostgrestError, Partial<Row>, AnyRow | undefined> {
  const { client, registry } = useRealtimeContext(hook);
  const queryClient = useQueryClient(options.queryClient);
  const { table, schema = 'public' } = options;
  const keys: string[] = ([] as string[]).concat(options.primaryKey ?? 'id');
  const keyOf = (row: AnyRow): AnyRow => Object.fromEntries(keys.map((key) => [key, row[key]]));
  const held = (input: AnyRow) =>
    findTableRow(registry, queryClient, { schema, table }, (row) =>
      keys.every((key) => row[key] === input[key]),
    );
  const apply = (event: PostgresChange['eventType'], row: AnyRow, old: AnyRow) =>
    applyToTable(registry, queryClient, { schema, table }, change(event, row, old));
  return useMutation<Row, PostgrestError, Partial<Row>, AnyRow | undefined>(
    {
      mutationFn: async (input) => {
        const from = client.schema(schema).from(table);
        const match = keys.reduce(
          (query, key) => query.eq(key, input[key]),
          // supabase-js types values by its generated schema; rows here are typed by the caller.
          kind === 'update' ? from.update(input as never) : from.delete(),
        );
        const { data, error } = await (kind === 'insert' ? from.insert(input as never) : match)
          .select()
          .single();
        if (error) throw error;
        return data as Row;
      },
      // The row as shown until the database answers; returned as the mutation's context.
      onMutate: (input) => {
        const before = held(input);
        if (kind === 'delete') {
          apply('DELETE', {}, keyOf(input));
          return before;
        }
        // An update to a row no query holds has nothing to show early.
        if (kind === 'update' && !before) return undefined;
        const key = Object.fromEntries(
          keys.map((column) => [column, input[column] ?? `pending-${++temporary}`]),
        );
        const shown = { ...before, ...input, ...key, [PENDING]: true };
        apply(kind === 'insert' ? 'INSERT' : 'UPDATE', shown, key);
        return kind === 'insert' ? shown : before;
      },
      onError: (_error, _input, context) => {
        // Exactly this change is undone: the row as it was, or gone if it was new. An updated
        // row that someone deleted meanwhile stays deleted.
        if (!context || (kind === 'update' && !held(context))) return;
        if (kind === 'insert') apply('DELETE', {}, keyOf(context));
        else apply('INSERT', context, keyOf(context));
      },
      onSuccess: (row, _input, context) => {
        if (kind === 'delete') return;
        if (kind === 'insert' && context) apply('DELETE', {}, keyOf(context));
        apply('INSERT', row, keyOf(row));
      },
    },
    queryClient,
  );
}
