import { useEffect } from 'react';
import type { RoomUser } from '../types';
import { useTyping, type TypingOptions } from '../useTyping';

/** Someone typing in `room` without a chat: hands `useTyping`'s `notify` to the test. */
export function Typist(props: {
  room: string;
  user: RoomUser;
  options?: Omit<TypingOptions, 'user'>;
  expose: (notify: (stop?: boolean) => void) => void;
}) {
  const { notify } = useTyping(props.room, { ...props.options, user: props.user });
  const { expose } = props;
  useEffect(() => expose(notify), [notify, expose]);
  return null;
}
