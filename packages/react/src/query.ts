export { useRealtimeQuery } from './useRealtimeQuery';
export type { RealtimeQueryOptions } from './useRealtimeQuery';
export { usePostgresChanges } from './useRealtimeQuery';
export type { QueryPostgresChangesOptions } from './useRealtimeQuery';
export { useRefetchAllOnReconnect } from './useRefetchAllOnReconnect';
