import { useRealtime, type RoomSnapshot } from '@roomkit/react';
import { useSyncExternalStore } from 'react';
import { describeBindings, liveChannel, parseRoomKey } from './channelsOnSocket';
import type { RealtimeHistory } from './core/createRealtimeHistory';
import { clock } from './time';
import { useRealtimeState } from './useRealtimeState';

/** Every room the provider knows: phase, reason, privacy, bindings, joins, and a rejoin. */
export function ChannelsTab(props: { history: RealtimeHistory }) {
  const { client } = useRealtime();
  const channels = useRealtimeState((state) => state.channels);
  const { rooms } = useSyncExternalStore(props.history.subscribe, props.history.getSnapshot);
  const entries = Object.entries(channels) as [string, RoomSnapshot][];
  if (entries.length === 0) return <p className="rkd-muted">No room is in use.</p>;

  // Leaving the live channel is what a server close does: the registry joins it again for the
  // consumers that still hold the room.
  const rejoin = (key: string): void => void liveChannel(client, key)?.unsubscribe();

  return (
    <table aria-label="Channels">
      <thead>
        <tr>
          <th>Room</th>
          <th>Phase</th>
          <th>Bindings</th>
          <th>Joins</th>
          <th>
            <span className="rkd-muted">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([key, room]) => {
          const { name, isPrivate } = parseRoomKey(key);
          const history = rooms[key];
          return (
            <tr key={key} data-room={key}>
              <td>
                <code>{name}</code>{' '}
                <span className="rkd-muted">{isPrivate ? 'private' : 'public'}</span>
              </td>
              <td>
                <span className="rkd-phase" data-state={room.phase}>
                  {room.phase}
                </span>{' '}
                <span className="rkd-muted">since {clock(room.since)}</span>
                {(room.reason ?? history?.lastReason) && (
                  <div className="rkd-muted">{room.reason ?? `last: ${history?.lastReason}`}</div>
                )}
              </td>
              <td>
                <ul>
                  {describeBindings(liveChannel(client, key)).map((binding) => (
                    <li key={binding}>
                      <code>{binding}</code>
                    </li>
                  ))}
                </ul>
              </td>
              <td data-slot="joins">{history?.joins ?? 0}</td>
              <td>
                <button
                  type="button"
                  className="rkd-btn"
                  aria-label={`Rejoin ${name}`}
                  disabled={room.phase !== 'joined'}
                  onClick={() => rejoin(key)}
                >
                  Rejoin
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
