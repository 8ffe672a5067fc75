import { useRealtime } from '@roomkit/react';
import { Chat, type RoomUser } from '@roomkit/ui';
import { chatTable } from '@roomkit/ui/table';
import { useMemo } from 'react';

/**
 * A server-authoritative chat on the chat tables (packages/ui/sql): each message is stored first,
 * with the author and time from the database; edits, deletes, reactions, replies, history.
 */
export function TeamChat({ room, user }: { room: string; user: RoomUser }) {
  const { client } = useRealtime();
  const table = useMemo(() => chatTable(client), [client]);
  return (
    <div style={{ height: 360, display: 'flex', flexDirection: 'column' }}>
      <Chat room={room} user={user} table={table} />
    </div>
  );
}
