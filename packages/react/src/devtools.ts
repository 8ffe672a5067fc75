import type { ChannelRegistry } from './core/ChannelRegistry';

// The query layer's registry imports react-query's types only, so this entry works (and reads
// nothing) in an app without react-query.
// eslint-disable-next-line no-restricted-imports
export { tiedQueries } from './query/syncQueriesWithRealtime';
// eslint-disable-next-line no-restricted-imports
export type { TiedQuery } from './query/syncQueriesWithRealtime';

/** The reason a room shows (phase `'errored'`) after {@link leaveRoom}, until {@link rejoinRoom}. */
export const LEFT_ON_REQUEST = 'left on request';

/**
 * Leaves a room's channel now and keeps it out: its consumers see phase `'errored'` with the
 * reason {@link LEFT_ON_REQUEST} (others see the user leave its presence) until
 * {@link rejoinRoom}, or until another user signs in (which joins every room again as them).
 * Returns false when no consumer holds the room.
 * @example
 * const { registry } = useRealtime();
 * leaveRoom(registry, 'chat:lobby');
 */
export function leaveRoom(registry: ChannelRegistry, name: string, isPrivate = false): boolean {
  const room = registry.find(name, isPrivate);
  room?.dispatch({ type: 'failed', reason: LEFT_ON_REQUEST });
  return room !== undefined;
}

/**
 * How many consumers (hooks, tied queries, your own `retain` calls) hold a room's channel now: 0
 * when none does (a room still lingering after its last one left, or no room), undefined when the
 * registry does not count them. With `acrossTabs` it counts this tab's own, leader or follower.
 * @example
 * const { registry } = useRealtime();
 * roomConsumers(registry, 'chat:lobby'); // 2: a useBroadcast and a usePresence
 */
export function roomConsumers(
  registry: ChannelRegistry,
  name: string,
  isPrivate = false,
): number | undefined {
  const room = registry.find(name, isPrivate);
  return room ? room.consumers?.() : 0;
}

/**
 * Joins a room's channel again from scratch (after {@link leaveRoom}, an error, or to force a
 * fresh join): phase `'rejoining'`, then `'joined'`, and the queries tied to it refetch as after
 * any gap. Returns false when no consumer holds the room.
 * @example
 * rejoinRoom(registry, 'chat:lobby');
 */
export function rejoinRoom(registry: ChannelRegistry, name: string, isPrivate = false): boolean {
  const room = registry.find(name, isPrivate);
  // `authChanged` is the machine's "leave whatever is left and join anew" from any live phase.
  room?.dispatch({ type: 'authChanged' });
  return room !== undefined;
}
