import { useChannelStatus, useConnectionStatus, usePresence } from '@roomkit/react';
import type { RoomUser } from '@roomkit/ui';

/** The socket's status and latency, and one room channel's status, for a status bar. */
export function StatusBar({ room, user }: { room: string; user: RoomUser }) {
  const connection = useConnectionStatus();
  const channel = useChannelStatus(room);
  // A channel is what opens the socket: this user joins the room's presence.
  usePresence(room, { key: user.id, state: { name: user.name } });
  return (
    <dl>
      <dt>Connection</dt>
      <dd data-status={connection.status}>
        {connection.status}
        {connection.latencyMs === null ? '' : `, ${connection.latencyMs} ms`}
      </dd>
      <dt>Room channel</dt>
      <dd data-channel={channel}>{channel}</dd>
    </dl>
  );
}
