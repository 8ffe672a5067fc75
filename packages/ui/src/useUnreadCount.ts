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

/**
 * How many messages of others in a room this user has not read (from their read pointer in
 * `chat_reads`), kept current as messages arrive and as a chat of this provider marks the room
 * read; `undefined` until first counted. For badges in a room list.
 * @example
 * const unread = useUnreadCount({ room: 'lobby', table });
 * return unread ? <span className="badge">{unread}</span> : null;
 */
export function useUnreadCount({ room, table }: UnreadCountOptions): number | undefined {
  const { registry } = useRealtime();
  const [count, setCount] = useState<{ room: string; value: number }>();
  useEffect(() => {
    let live = true;
    let asked = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = 1000;
    const recount = () => {
      // Only the newest answer counts: an older one may arrive last.
      const ask = ++asked;
      clearTimeout(timer);
      table.client.unreadCount(room).then(
        (value) => {
          delay = 1000;
          if (live && ask === asked) setCount({ room, value });
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
      channel.onBroadcast(event, recount),
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
  }, [registry, room, table]);
  return count?.room === room ? count.value : undefined;
}
