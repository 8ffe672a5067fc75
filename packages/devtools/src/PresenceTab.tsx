import { useRealtime, type PresenceUser } from '@roomkit/react';
import { liveChannel, parseRoomKey } from './channelsOnSocket';
import { useNow } from './useNow';
import { useRealtimeState } from './useRealtimeState';

/**
 * The people in each presence room, with their merged state and connection count; someone who
 * left the channel but is still listed is in the provider's grace period (`presenceGraceMs`).
 */
export function PresenceTab() {
  const { client } = useRealtime();
  const presence = useRealtimeState((state) => state.presence);
  // A departure does not change the store until the grace period ends: look again each second.
  useNow(1000);
  const rooms = Object.entries(presence) as [string, readonly PresenceUser[]][];
  if (rooms.length === 0) return <p className="rkd-muted">No room tracks presence.</p>;
  return (
    <div data-slot="presence">
      {rooms.map(([key, users]) => {
        // Only a joined channel knows who is there; during its own gap nobody counts as gone.
        const channel = liveChannel(client, key);
        const here = channel?.state === 'joined' ? channel.presenceState() : null;
        return (
          <section key={key} aria-label={`Presence in ${parseRoomKey(key).name}`}>
            <h3>
              <code>{parseRoomKey(key).name}</code>{' '}
              <span className="rkd-muted">
                {users.length} {users.length === 1 ? 'person' : 'people'}
              </span>
            </h3>
            <ul>
              {users.map((user) => {
                const grace = here !== null && !(user.key in here);
                return (
                  <li key={user.key} data-state={grace ? 'grace' : 'present'}>
                    <code>{user.key}</code>{' '}
                    <span className="rkd-muted">
                      {grace
                        ? 'left; listed until the grace period ends'
                        : `${user.connections} ${user.connections === 1 ? 'connection' : 'connections'}`}
                    </span>
                    <pre>{JSON.stringify(user.state, null, 2)}</pre>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
