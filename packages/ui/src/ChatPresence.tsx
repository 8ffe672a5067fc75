'use client';
import { usePresence } from '@roomkit/react';
import { useEffect, useMemo } from 'react';
import { presentNames } from './presentNames';
import type { ChatPresenceProps } from './chatSource';

/**
 * Shows this user (their name) in the presence of a table-backed chat's live topic and hands the
 * names of the others there to `onNames` (one per line, sorted, each once and at most 64
 * characters), for `@` suggestions and whole-name mentions; the names by user id (this user's
 * too) name the reactions of people with no message shown. It renders nothing, so a presence
 * change re-renders it, and the chat only when the names change.
 * @example
 * <ChatPresence topic="chat-live:lobby" user={user} onNames={setNames} />
 */
export function ChatPresence({ topic, user, onNames }: ChatPresenceProps) {
  const state = useMemo(() => ({ name: user.name }), [user.name]);
  const { others } = usePresence<{ name?: unknown }>(topic, {
    key: user.id,
    state,
    private: true,
  });
  // A presence state is whatever another client tracked: only short strings are names.
  const names = others.flatMap(({ state: { name } }) =>
    typeof name === 'string' ? [name.slice(0, 64)] : [],
  );
  const joined = [...new Set(names)].sort().join('\n');
  // Who is who, for the names of reactions by people with no message shown.
  const ids = others
    .flatMap(({ key, state: { name } }) =>
      typeof name === 'string' ? [`${key}\t${name.slice(0, 64)}`] : [],
    )
    .sort()
    .join('\n');
  useEffect(() => presentNames.add(`${ids}\n${user.id}\t${user.name}`), [ids, user.id, user.name]);
  useEffect(() => onNames(joined), [joined, onNames]);
  return null;
}
