export { acrossTabs, canShareAcrossTabs } from './acrossTabs';
export type { TabsRealtimeStore } from './acrossTabs';
export { useTabLeader } from './useTabLeader';
export type { LeaderPhase, LeaderSnapshot } from './core/tabLeader';
