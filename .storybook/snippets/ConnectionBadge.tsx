import { usePresence } from '@roomkit/react';
import { ConnectionBadge, type ConnectionBadgeProps, type RoomUser } from '@roomkit/ui';

/** A toolbar with the connection badge; joining the room's presence is what opens the socket. */
export function Toolbar({
  room,
  user,
  ...badge
}: { room: string; user: RoomUser } & ConnectionBadgeProps) {
  usePresence(room, { key: user.id, state: { name: user.name } });
  return (
    <nav style={{ display: 'flex', justifyContent: 'space-between' }}>
      <strong>{user.name}</strong>
      <ConnectionBadge {...badge} />
    </nav>
  );
}
