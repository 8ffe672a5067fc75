import { useRealtime, type RoomPhase, type RoomSnapshot } from '@roomkit/react';
import { leaveRoom, rejoinRoom } from '@roomkit/react/devtools';
import { useSyncExternalStore } from 'react';
import { describeBindings, liveChannel, parseRoomKey } from './channelsOnSocket';
import type { RealtimeHistory } from './core/createRealtimeHistory';
import { clock } from './time';
import { useRealtimeState } from './useRealtimeState';

/** The phases a room can be left from: it has, or is getting, a live channel. */
const LEAVABLE: readonly RoomPhase[] = ['joining', 'joined', 'gap', 'rejoining'];
/** The phases a room can be joined again from. */
const REJOINABLE: readonly RoomPhase[] = ['joined', 'gap', 'errored', 'unauthorized'];

/** Every room the provider knows: phase, reason, privacy, bindings, joins, leave and rejoin. */
export function ChannelsTab(props: { history: RealtimeHistory }) {
  const { client, registry } = useRealtime();
  const channels = useRealtimeState((state) => state.channels);
  const { rooms } = useSyncExternalStore(props.history.subscribe, props.history.getSnapshot);
  const entries = Object.entries(channels) as [string, RoomSnapshot][];
  if (entries.length === 0) return <p className="rkd-muted">No room is in use.</p>;

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
                <div className="rkd-tools">
                  <button
                    type="button"
                    className="rkd-btn"
                    aria-label={`Leave ${name}`}
                    disabled={!LEAVABLE.includes(room.phase)}
                    onClick={() => leaveRoom(registry, name, isPrivate)}
                  >
                    Leave
                  </button>
                  <button
                    type="button"
                    className="rkd-btn"
                    aria-label={`Rejoin ${name}`}
                    disabled={!REJOINABLE.includes(room.phase)}
                    onClick={() => rejoinRoom(registry, name, isPrivate)}
                  >
                    Rejoin
                  </button>
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
