import { useRealtime } from '@roomkit/react';
import { Chat, supabaseChatPersistence, type RoomUser } from '@roomkit/ui';
import { useMemo } from 'react';

/** A chat whose messages are kept in the `chat_messages` table (packages/ui/sql): history on join. */
export function TeamChat({ room, user }: { room: string; user: RoomUser }) {
  const { client } = useRealtime();
  const persistence = useMemo(() => supabaseChatPersistence(client), [client]);
  return (
    <div style={{ height: 360, display: 'flex', flexDirection: 'column' }}>
      <Chat room={room} user={user} persistence={persistence} />
    </div>
  );
}
