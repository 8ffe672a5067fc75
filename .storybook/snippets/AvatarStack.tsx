import { AvatarStack, type RoomUser } from '@roomkit/ui';

/** A document's header: everyone who has it open, one avatar per person however many tabs. */
export function DocumentHeader({ documentId, user }: { documentId: string; user: RoomUser }) {
  return (
    <header style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
      <h3 style={{ margin: 0 }}>Document {documentId}</h3>
      <AvatarStack room={`doc:${documentId}`} user={user} max={3} />
    </header>
  );
}
