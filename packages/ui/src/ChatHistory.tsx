'use client';
import { useRealtime } from '@roomkit/react';
import { useEffect, useRef } from 'react';
import type { ChatHistoryProps } from './chatTypes';
import { useLatest } from './useLatest';

/**
 * The built-in history loader of `<Chat>`, which needs nothing but the adapter: the newest page
 * on mount, older pages on demand, and once the channel first joins (the first page may have
 * been read before) and after each re-join, newer pages until they meet what is shown, so no
 * message falls between a read and the join.
 */
export function ChatHistory({ room, persistence, pageSize, add, setLoadOlder }: ChatHistoryProps) {
  const { registry } = useRealtime();
  // The adapter is read when a page loads: a new object with the same storage (made in render)
  // must not reload history.
  const adapter = useLatest(persistence);
  // The oldest message loaded so far (undefined until a first page arrived).
  const oldest = useRef<number | undefined>(undefined);
  useEffect(() => {
    let live = true;
    oldest.current = undefined;
    const loadOlder = (): Promise<void> => {
      setLoadOlder(null);
      return adapter.current.load(room, { before: oldest.current, limit: pageSize }).then(
        (page) => {
          if (!live) return;
          add(page);
          oldest.current = page[0]?.createdAt ?? oldest.current ?? Infinity;
          setLoadOlder(page.length < pageSize ? null : loadOlder);
        },
        // A failed page can be asked for again (the next scroll to the top).
        () => void (live && setLoadOlder(loadOlder)),
      );
    };
    const fill = async (before?: number): Promise<void> => {
      const page = await adapter.current.load(room, { before, limit: pageSize });
      // A page of only new messages (it may hold more than pageSize, ties at its oldest time) may
      // have more behind it; one that overlaps closes the gap.
      if (live && add(page) >= pageSize) await fill(page[0]?.createdAt);
    };
    // Without a first page (it failed while offline) there is no gap to fill: load it again. A
    // failed fill waits for the next re-join; live messages keep arriving meanwhile.
    const catchUp = () => (oldest.current === undefined ? loadOlder() : fill()).catch(() => {});
    const firstPage = loadOlder();
    // The channel joins a tick after its first consumer mounts, so this hears its first join.
    const off = registry.onReturn((key, first) => {
      if (key !== `public:${room}`) return;
      if (first) void firstPage.then(catchUp);
      else void catchUp();
    });
    return () => {
      live = false;
      off();
      setLoadOlder(null);
    };
  }, [registry, room, adapter, pageSize, add, setLoadOlder]);
  return null;
}
