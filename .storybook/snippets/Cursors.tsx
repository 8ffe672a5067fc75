import { Cursors, type RoomUser } from '@roomkit/ui';
import { useRef } from 'react';

/** A board with everyone's live cursor, at the same relative spot whatever each window's size. */
export function Whiteboard({ room, user }: { room: string; user: RoomUser }) {
  const board = useRef<HTMLDivElement>(null);
  return (
    <div ref={board} style={{ position: 'relative', height: 240, background: '#f4f5f7' }}>
      <Cursors room={room} user={user} container={board} />
    </div>
  );
}
