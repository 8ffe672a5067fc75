import { useRealtime, type PresenceUser } from '@roomkit/react';
import { parseRoomKey } from './channelsOnSocket';
import { duration } from './time';
import { useDepartures } from './useDepartures';
import { useRealtimeState } from './useRealtimeState';

/**
 * The people in each presence room, with their merged state and connection count; someone who
 * left the channel but is still listed is in the provider's grace period (`presenceGraceMs`).
 */
export function PresenceTab() {
  const { client } = useRealtime();
  const presence = useRealtimeState((state) => state.presence);
  const { now, since } = useDepartures(client, presence);
  const rooms = Object.entries(presence) as [string, readonly PresenceUser[]][];
  if (rooms.length === 0) return <p className="rkd-muted">No room tracks presence.</p>;
  return (
    <div data-slot="presence">
      {rooms.map(([key, users]) => (
        <section key={key} aria-label={`Presence in ${parseRoomKey(key).name}`}>
          <h3>
            <code>{parseRoomKey(key).name}</code>{' '}
            <span className="rkd-muted">
              {users.length} {users.length === 1 ? 'person' : 'people'}
            </span>
          </h3>
          <ul>
            {users.map((user) => {
              const left = since.get(`${key} ${user.key}`);
              return (
                <li key={user.key} data-state={left === undefined ? 'present' : 'grace'}>
                  <code>{user.key}</code>{' '}
                  <span className="rkd-muted">
                    {left === undefined
                      ? `${user.connections} ${user.connections === 1 ? 'connection' : 'connections'}`
                      : `left ${duration(Math.max(0, now - left))} ago; listed until the grace period ends`}
                  </span>
                  <pre>{JSON.stringify(user.state, null, 2)}</pre>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
