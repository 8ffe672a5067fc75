export { useRealtimeQuery } from './useRealtimeQuery';
export type { RealtimeQueryOptions } from './useRealtimeQuery';
export { usePostgresChanges } from './useRealtimeQuery';
