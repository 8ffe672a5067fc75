import { usePresence } from '@roomkit/react';
import { ConnectionStatus, type ConnectionStatusProps, type RoomUser } from '@roomkit/ui';

/** A toolbar with the connection badge; joining the room's presence is what opens the socket. */
export function Toolbar({
  room,
  user,
  ...badge
}: { room: string; user: RoomUser } & ConnectionStatusProps) {
  usePresence(room, { key: user.id, state: { name: user.name } });
  return (
    <nav style={{ display: 'flex', justifyContent: 'space-between' }}>
      <strong>{user.name}</strong>
      <ConnectionStatus {...badge} />
    </nav>
  );
}
