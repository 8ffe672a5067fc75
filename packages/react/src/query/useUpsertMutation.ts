'use client';
import type { PostgrestError } from '@supabase/supabase-js';
import type { UseMutationResult } from '@tanstack/react-query';
import { useTableMutation, type PendingWrite, type TableMutationOptions } from './useTableMutation';

/**
 * A react-query mutation that inserts one row, or replaces the row with its primary key, through
 * supabase-js and shows it at once in every query tied to the table (filters and order respected,
 * `isPendingRow` true until the database answers); a refused write is rolled back to the row as
 * it was (or none) and its PostgREST error surfaced.
 * @example
 * const save = useUpsertMutation<Todo>({ table: 'todos' });
 * save.mutate({ id: 1, title: 'Buy milk', list_id: 7 });
 */
export function useUpsertMutation<Row extends Record<string, unknown>>(
  options: TableMutationOptions<Row>,
): UseMutationResult<Row, PostgrestError, Partial<Row>, PendingWrite> {
  return useTableMutation<Row>('useUpsertMutation', 'upsert', options);
}
