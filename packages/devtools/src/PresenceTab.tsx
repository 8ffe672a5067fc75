import type { PresenceUser } from '@roomkit/react';
import { parseRoomKey } from './channelsOnSocket';
import { useRealtimeState } from './useRealtimeState';

/** The people in each presence room, with their merged state and connection count. */
export function PresenceTab() {
  const presence = useRealtimeState((state) => state.presence);
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
            {users.map((user) => (
              <li key={user.key}>
                <code>{user.key}</code>{' '}
                <span className="rkd-muted">
                  {user.connections} {user.connections === 1 ? 'connection' : 'connections'}
                </span>
                <pre>{JSON.stringify(user.state, null, 2)}</pre>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
