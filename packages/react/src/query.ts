export { useRealtimeQuery } from './query/useRealtimeQuery';
export { useRealtimeInfiniteQuery } from './query/useRealtimeInfiniteQuery';
export { useSyncQueriesWithRealtime } from './query/useSyncQueriesWithRealtime';
export type { SyncQueryOptions } from './query/useSyncQueriesWithRealtime';
export { useRefetchAllOnReconnect } from './query/useRefetchAllOnReconnect';
export { syncQueriesWithRealtime } from './query/syncQueriesWithRealtime';
export type {
  ApplyChange,
  LiveQueryOptions,
  SyncQueriesOptions,
} from './query/syncQueriesWithRealtime';
export { mergeChange } from './query/mergeChange';
export type { InfiniteRows, MergeOptions, RowOrder } from './query/mergeChange';
export { rowPredicate } from './query/rowFilter';
export type { RowFilter, RowPredicate } from './query/rowFilter';
export { useInsertMutation } from './query/useInsertMutation';
export { useUpdateMutation } from './query/useUpdateMutation';
export { useDeleteMutation } from './query/useDeleteMutation';
export { useUpsertMutation } from './query/useUpsertMutation';
export { isPendingRow } from './query/useTableMutation';
export type { PendingWrite, TableMutationOptions } from './query/useTableMutation';
