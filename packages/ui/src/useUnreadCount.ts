'use client';
import { useRealtime } from '@roomkit/react';
import { useEffect, useState } from 'react';
import type { ChatTableSource } from './chatTable';
import { onRoomRead } from './chatReads';

/** Options of {@link useUnreadCount}. */
export interface UnreadCountOptions {
  /** The room to count in. */
  room: string;
  /** The chat tables, from `chatTable(supabase)`. */
  table: ChatTableSource;
}

/** The user id (`sub`) of the socket's token; undefined when it has none. */
function userOf(token: string | null): unknown {
  try {
    const [, claims] = (token as string).split('.') as [string, string];
    return (JSON.parse(atob(claims.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown })
      .sub;
  } catch {
    return undefined;
  }
}

/**
 * How many messages of others in a room this user has not read (from their read pointer in
 * `chat_reads`), kept current as messages arrive and as a chat of this provider marks the room
 * read; `undefined` until first counted. For badges in a room list.
 * @example
 * const unread = useUnreadCount({ room: 'lobby', table });
 * return unread ? <span className="badge">{unread}</span> : null;
 */
export function useUnreadCount({ room, table }: UnreadCountOptions): number | undefined {
  const { registry, client } = useRealtime();
  const [count, setCount] = useState<{ room: string; value: number }>();
  useEffect(() => {
    let live = true;
    let asked = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = 1000;
    // The last count, the count when another user's message was heard, and the wait before
    // asking again while no count is above it (0: not waiting for one).
    let last = 0;
    let floor = 0;
    let wait = 0;
    const recount = () => {
      // Only the newest answer counts: an older one may arrive last.
      const ask = ++asked;
      clearTimeout(timer);
      table.client.unreadCount(room).then(
        (value) => {
          delay = 1000;
          if (live && ask === asked) {
            setCount({ room, value: (last = value) });
            // Realtime may tell of a message before its commit shows to other sessions: a count
            // that missed it is asked again after 250 ms, 500 ms, 1 s and 2 s.
            if (value > floor || wait > 2000) wait = 0;
            else if (wait) {
              timer = setTimeout(recount, wait);
              wait *= 2;
            }
          }
        },
        // A failed count is asked again after 1 s, 2 s, 4 s… (at most 30 s apart).
        () => {
          if (live && ask === asked) timer = setTimeout(recount, delay);
          delay = Math.min(delay * 2, 30_000);
        },
      );
    };
    const topic = table.topic(room);
    const channel = registry.room(topic, true);
    const release = channel.retain({});
    const offs = (['INSERT', 'UPDATE', 'DELETE'] as const).map((event) =>
      channel.onBroadcast(event, ({ payload }) => {
        const change = payload as { table?: unknown; record?: { user_id?: unknown } } | null;
        if (
          event === 'INSERT' &&
          change?.table === 'chat_messages' &&
          change.record?.user_id !== userOf(client.realtime.accessTokenValue)
        ) {
          floor = last;
          wait = 250;
        }
        recount();
      }),
    );
    offs.push(
      onRoomRead(registry, (read) => read === room && recount()),
      registry.onReturn((key) => key === `private:${topic}` && recount()),
    );
    recount();
    return () => {
      live = false;
      clearTimeout(timer);
      offs.forEach((off) => off());
      release();
    };
  }, [registry, client, room, table]);
  return count?.room === room ? count.value : undefined;
}
