'use client';
import { usePresence } from '@roomkit/react';
import { useEffect, useMemo } from 'react';
import type { ChatPresenceProps } from './chatSource';

/**
 * Shows this user (their name) in the presence of a table-backed chat's live topic and, only while
 * `suggesting`, hands the names of the others there to `onNames` (one per line, each at most 64
 * characters). It renders nothing, so a presence change re-renders it and not the whole chat.
 * @example
 * <ChatPresence topic="chat-live:lobby" user={user} suggesting={false} onNames={setNames} />
 */
export function ChatPresence({ topic, user, suggesting, onNames }: ChatPresenceProps) {
  const state = useMemo(() => ({ name: user.name }), [user.name]);
  const { others } = usePresence<{ name?: unknown }>(topic, {
    key: user.id,
    state,
    private: true,
  });
  // A presence state is whatever another client tracked: only short strings are names.
  const names = suggesting
    ? others.flatMap(({ state: { name } }) => (typeof name === 'string' ? [name.slice(0, 64)] : []))
    : [];
  const joined = names.join('\n');
  useEffect(() => onNames(joined), [joined, onNames]);
  return null;
}
