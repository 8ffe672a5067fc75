import { TypingIndicator, useTyping, type RoomUser } from '@roomkit/ui';

/** A comment box that tells the others who is typing: `notify` is cheap on every keystroke. */
export function CommentBox({ room, user }: { room: string; user: RoomUser }) {
  const { notify } = useTyping(room, { user });
  return (
    <div>
      <textarea aria-label={`${user.name}'s comment`} onChange={() => notify()} />
      <TypingIndicator room={room} />
    </div>
  );
}
