import { describe, expect, it } from 'vitest';
import { createChannelRegistry } from '../core/ChannelRegistry';
import type { PresenceUser } from '../core/presenceUsers';
import type { RoomSnapshot } from '../core/roomChannel';
import { sleep, testRealtime } from './helpers';

describe('ChannelRegistry presence across a rejoin', () => {
  it('shows the person once when their state changed just before a new need rejoined the room', async () => {
    const realtime = await testRealtime();
    const client = await realtime.user('alice');
    let users: readonly PresenceUser[] | undefined;
    let phase: RoomSnapshot['phase'] | undefined;
    const phases: string[] = [];
    const registry = createChannelRegistry({
      client,
      onPresence: (_key, list) => (users = list),
      onStatus: (_key, snapshot) => {
        phase = snapshot?.phase;
        phases.push(String(phase));
      },
    });
    const room = registry.room('board', false);
    const releases = [room.retain({ presenceKey: 'alice' })];
    room.track({ n: 0 });
    const until = async (check: () => boolean, what: string) => {
      const started = Date.now();
      while (!check()) {
        if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
        await sleep(10);
      }
    };
    await until(() => phase === 'joined' && users?.[0]?.state.n === 0, 'alice shown');
    // A state change goes out on the channel, and a new need (ack) rejoins the room before the
    // server's presence diff for that change has come back (here in the same task; the
    // registry's own rebind, a tick later, loses that race too on a loaded machine).
    room.track({ n: 1 });
    releases.push(room.retain({ ack: true }));
    room.dispatch({ type: 'rebind' });
    await until(() => phases.includes('rejoining'), 'the rejoin');
    await until(() => phase === 'joined' && users?.[0]?.state.n === 1, 'the new state');
    // The diff of the old channel's change must not stay in the new channel's presence.
    await sleep(500);
    expect(users).toEqual([{ key: 'alice', state: { n: 1 }, connections: 1 }]);
    for (const release of releases) release();
    registry.dispose();
  });
});
