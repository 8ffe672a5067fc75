'use client';
import { useSyncExternalStore } from './reactApi';
import type { LeaderPhase, LeaderSnapshot } from './core/tabLeader';
import { useRealtimeContext } from './RealtimeContext';
import type { TabsRealtimeStore } from './acrossTabs';

const UNSHARED = (): 'unshared' => 'unshared';
const NOTHING = () => () => {};

/**
 * This tab's part in sharing the connection: `leading` (it holds the socket for every tab),
 * `following` (it relays through the leader), `idle` (not in a group: signing in, hidden), or
 * `unshared` (the provider does not share, or the browser cannot).
 * @example
 * const role = useTabLeader();
 * return <span data-state={role}>{role === 'leading' ? 'This tab holds the connection' : null}</span>;
 */
export function useTabLeader(): LeaderPhase | 'unshared' {
  const realtime = useRealtimeContext('useTabLeader') as Partial<TabsRealtimeStore>;
  const leader = realtime.leader;
  return useSyncExternalStore(
    leader?.subscribe ?? NOTHING,
    leader ? (): LeaderPhase => (leader.getSnapshot() as LeaderSnapshot).phase : UNSHARED,
    UNSHARED,
  );
}
