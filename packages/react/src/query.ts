export { useRealtimeQuery } from './useRealtimeQuery';
export type { RealtimeQueryOptions } from './useRealtimeQuery';
