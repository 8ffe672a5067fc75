import { useRealtime, type RoomPhase, type RoomSnapshot } from '@roomkit/react';
import { leaveRoom, rejoinRoom, roomConsumers } from '@roomkit/react/devtools';
import { useSyncExternalStore } from 'react';
import { describeBindings, liveChannel, parseRoomKey } from './channelsOnSocket';
import type { RealtimeHistory } from './core/createRealtimeHistory';
import { clock } from './time';
import { useNow } from './useNow';
import { useRealtimeState } from './useRealtimeState';

/**
 * The room actions and the phases each applies in: a room can be left while it has, or is
 * getting, a live channel, and joined again once it has been joined or refused.
 */
const ACTIONS: readonly {
  label: string;
  from: readonly RoomPhase[];
  act: typeof leaveRoom;
}[] = [
  { label: 'Leave', from: ['joining', 'joined', 'gap', 'rejoining'], act: leaveRoom },
  { label: 'Rejoin', from: ['joined', 'gap', 'errored', 'unauthorized'], act: rejoinRoom },
];

/**
 * Every room the provider knows: phase, reason, privacy, bindings, consumers, joins, leave and
 * rejoin.
 */
export function ChannelsTab(props: { history: RealtimeHistory }) {
  const { client, registry } = useRealtime();
  // A component that starts or stops using a joined room changes no state: read the consumer
  // counts on a tick.
  useNow(1000);
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
          <th>Consumers</th>
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
              <td data-slot="consumers">{roomConsumers(registry, name, isPrivate) ?? '–'}</td>
              <td data-slot="joins">{history?.joins ?? 0}</td>
              <td>
                <div className="rkd-tools">
                  {ACTIONS.map(({ label, from, act }) => (
                    <button
                      key={label}
                      type="button"
                      className="rkd-btn"
                      aria-label={`${label} ${name}`}
                      disabled={!from.includes(room.phase)}
                      onClick={() => act(registry, name, isPrivate)}
                    >
                      {label}
                    </button>
                  ))}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
