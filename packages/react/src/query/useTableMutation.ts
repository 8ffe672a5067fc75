'use client';
import type { PostgrestError } from '@supabase/supabase-js';
import type { QueryClient, UseMutationResult } from '@tanstack/react-query';
import { useMutation, useQueryClient } from './reactQueryApi';
import type { PostgresChange } from '../core/ChannelRegistry';
import { useRealtimeContext } from '../RealtimeContext';
import { PENDING } from './mergeChange';
import { applyToTable, findTableRow } from './syncQueriesWithRealtime';
import { writeInTurn } from './writeInTurn';

type AnyRow = Record<string, unknown>;

/** Options of the mutation hooks: the table, and how its rows are keyed. */
export interface TableMutationOptions<Row extends AnyRow> {
  /** The table. */
  table: string;
  /** Its schema. @default 'public' */
  schema?: string;
  /** The primary key column(s); an upsert resolves conflicts on them. @default 'id' */
  primaryKey?: (keyof Row & string) | ReadonlyArray<keyof Row & string>;
  /** The query client. @default the nearest `QueryClientProvider`'s */
  queryClient?: QueryClient;
}

/**
 * What a mutation showed before the database answered (the mutation's context): the row's key,
 * the row as it was, and the mark of the pending row it put in its place.
 */
export interface PendingWrite {
  /** The row's primary key; a temporary one for an insert without it. */
  key: AnyRow;
  /** The row as the queries held it before, if any did. */
  before?: AnyRow;
  /** The value of the pending row's marker, which tells it from later versions of the row. */
  mark: number;
}

let marks = 0;

/**
 * Whether a row is an optimistic one the database has not confirmed yet, for a pending style.
 * @example
 * <li data-pending={isPendingRow(todo) || undefined}>{todo.title}</li>
 */
export function isPendingRow(row: object): boolean {
  return PENDING in row;
}

/** The mutation under `useInsertMutation`, `useUpdateMutation`, `useUpsertMutation` and `useDeleteMutation`. */
export function useTableMutation<Row extends AnyRow>(
  hook: string,
  kind: 'insert' | 'update' | 'upsert' | 'delete',
  options: TableMutationOptions<Row>,
): UseMutationResult<Row, PostgrestError, Partial<Row>, PendingWrite> {
  const { client, registry, store } = useRealtimeContext(hook);
  const queryClient = useQueryClient(options.queryClient);
  const { table, schema = 'public' } = options;
  const keys: string[] = ([] as string[]).concat(options.primaryKey ?? 'id');
  const held = (key: AnyRow) =>
    findTableRow(registry, queryClient, { schema, table }, (row) =>
      keys.every((column) => row[column] === key[column]),
    );
  // Changes made here, in the shape of received ones (no commit time), for `apply` functions too.
  const apply = (eventType: PostgresChange['eventType'], row: AnyRow, old: AnyRow) =>
    applyToTable(registry, queryClient, { schema, table }, {
      eventType,
      new: row,
      old,
      schema,
      table,
    } as PostgresChange);
  const show = (row: AnyRow, key: AnyRow) => apply('UPDATE', row, key);
  const hide = (key: AnyRow) => apply('DELETE', {}, key);
  return useMutation<Row, PostgrestError, Partial<Row>, PendingWrite>(
    {
      mutationFn: (input) =>
        // Sent again when no answer came, unless it is an insert the database keys: each send
        // of that one stores a row.
        writeInTurn(
          queryClient,
          store,
          kind !== 'insert' || keys.every((key) => input[key] != null),
          (again) => {
            const from = client.schema(schema).from(table);
            // supabase-js types values by its generated schema; rows here are typed by the caller.
            const row = input as never;
            const key = Object.fromEntries(keys.map((column) => [column, input[column]]));
            // (Only an upsert reads `onConflict`; insert and update take no such option.)
            const write =
              kind === 'delete' ? from.delete() : from[kind](row, { onConflict: keys.join() });
            return (
              (kind === 'update' || kind === 'delete' ? write.match(key) : write)
                .select()
                .single()
                // An insert sent again after no answer is one with its key, which the send that got
                // no answer may have stored: refused now as a duplicate of that key (23505), it was,
                // and the stored row is the answer. (Refused on its first send, it is an error.)
                .then((answer) =>
                  again && kind === 'insert' && answer.error?.code === '23505'
                    ? from.select().match(key).single()
                    : answer,
                )
            );
          },
        ) as Promise<Row>,
      // The row as shown until the database answers; the context says how to undo exactly that.
      onMutate: (input) => {
        let mark = ++marks;
        const key = Object.fromEntries(
          keys.map((column) => [column, input[column] ?? ((mark = -marks), `pending-${marks}`)]),
        );
        const before = held(key);
        if (kind === 'delete') hide(key);
        // An update to a row no query holds has nothing to show early.
        else if (kind !== 'update' || before)
          show({ ...before, ...input, ...key, [PENDING]: mark }, key);
        return { key, before, mark };
      },
      onError: (error, _input, { key, before, mark } = { key: {}, mark: 0 }) => {
        // No row matched (someone deleted it, or it is not ours to see): it is gone here too.
        if (error.code === 'PGRST116') return hide(key);
        const now = held(key);
        // Only this write's own change is undone: a newer version of the row that arrived
        // meanwhile (another user's edit, the row put back by someone) is the truth and stays.
        if (kind === 'delete' ? now : now?.[PENDING] !== mark) return;
        if (before) show(before, key);
        else hide(key);
      },
      onSuccess: (row, _input, { key, mark } = { key: {}, mark: 0 }) => {
        // The answer is shown only over this write's own pending row: once a change to the row
        // arrived meanwhile (its echo, or another user's later edit), the answer is older news.
        if (kind === 'delete' || held(key)?.[PENDING] !== mark) return;
        // The server's row takes the pending row's place (an insert's under its temporary key).
        show(row, key);
      },
    },
    queryClient,
  );
}
