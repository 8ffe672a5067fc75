'use client';
import type { PostgrestError } from '@supabase/supabase-js';
import type { UseMutationResult } from '@tanstack/react-query';
import { useTableMutation, type PendingWrite, type TableMutationOptions } from './useTableMutation';

/**
 * A react-query mutation that deletes one row through supabase-js and shows it at once in every
 * query tied to the table (filters and order respected, `isPendingRow` true until the database
 * answers); a refused write is rolled back and its PostgREST error surfaced.
 * @example
 * const remove = useDeleteMutation<Todo>({ table: 'todos' });
 * remove.mutate({ id: 1 });
 */
export function useDeleteMutation<Row extends Record<string, unknown>>(
  options: TableMutationOptions<Row>,
): UseMutationResult<Row, PostgrestError, Partial<Row>, PendingWrite> {
  return useTableMutation<Row>('useDeleteMutation', 'delete', options);
}
