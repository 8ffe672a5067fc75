'use client';
import { useChannelStatus } from '@roomkit/react';
import { useEffect, useRef } from 'react';
import type { ChatHistoryProps } from './chatTypes';
import { useLatest } from './useLatest';

/**
 * The built-in history loader of `<Chat>`, which needs nothing but the adapter: the newest page
 * on mount, older pages on demand, and after the channel re-joins, newer pages until they meet
 * what is shown, so a drop's gap is filled.
 */
export function ChatHistory({ room, persistence, pageSize, add, setLoadOlder }: ChatHistoryProps) {
  // The adapter is read when a page loads: a new object with the same storage (made in render)
  // must not reload history.
  const adapter = useLatest(persistence);
  // The oldest message loaded so far (undefined until a first page arrived), and the loader.
  const oldest = useRef<number | undefined>(undefined);
  const loadFirst = useRef<(() => void) | null>(null);
  useEffect(() => {
    let live = true;
    oldest.current = undefined;
    const loadOlder = () => {
      setLoadOlder(null);
      adapter.current.load(room, { before: oldest.current, limit: pageSize }).then(
        (page) => {
          if (!live) return;
          add(page);
          oldest.current = page[0]?.createdAt ?? oldest.current ?? Infinity;
          setLoadOlder(page.length < pageSize ? null : loadOlder);
        },
        // A failed page can be asked for again (the next scroll to the top).
        () => live && setLoadOlder(loadOlder),
      );
    };
    loadOlder();
    loadFirst.current = loadOlder;
    return () => {
      live = false;
      loadFirst.current = null;
      setLoadOlder(null);
    };
  }, [room, adapter, pageSize, add, setLoadOlder]);

  const status = useChannelStatus(room).phase;
  const wasJoined = useRef(false);
  useEffect(() => {
    if (status !== 'joined') return;
    // Only a re-join fills a gap: the first join is covered by the first page.
    if (!wasJoined.current) return void (wasJoined.current = true);
    // Without a first page (it failed while offline) there is no gap to fill: load it again.
    if (oldest.current === undefined) return void loadFirst.current?.();
    let live = true;
    const fill = async (before?: number): Promise<void> => {
      const page = await adapter.current.load(room, { before, limit: pageSize });
      // A page of only new messages may have more behind it; one that overlaps closes the gap.
      if (live && add(page) === pageSize) await fill(page[0]?.createdAt);
    };
    // A failed fill waits for the next re-join; live messages keep arriving meanwhile.
    fill().catch(() => undefined);
    return () => {
      live = false;
    };
  }, [status, room, adapter, pageSize, add]);
  return null;
}
