'use client';
import { useChannelStatus } from '@roomkit/react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, type RefObject } from 'react';
import type { ChatPersistence } from './chatTypes';
import type { MessageStore } from './createMessageStore';

/** Props of {@link ChatHistory}. */
export interface ChatHistoryProps {
  room: string;
  persistence: ChatPersistence;
  store: MessageStore;
  pageSize: number;
  /** Set to a function that loads the next older page, or `null` when there is none. */
  loadOlderRef: RefObject<(() => void) | null>;
}

/**
 * Loads a room's history with react-query: the newest page on join, older pages on demand,
 * and everything again when the channel re-joins, so a reconnect's gap is filled.
 */
export function ChatHistory({
  room,
  persistence,
  store,
  pageSize,
  loadOlderRef,
}: ChatHistoryProps) {
  const query = useInfiniteQuery({
    queryKey: ['@roomkit/ui', 'chat', room, pageSize],
    queryFn: ({ pageParam }) => persistence.load(room, { before: pageParam, limit: pageSize }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => (page.length < pageSize ? undefined : page[0]?.createdAt),
    staleTime: Infinity,
  });
  const { data, hasNextPage, isFetchingNextPage, fetchNextPage, refetch } = query;
  useEffect(() => {
    for (const page of data?.pages ?? [])
      store.add(page.map((message) => ({ ...message, status: 'sent' as const })));
  }, [data, store]);
  useEffect(() => {
    loadOlderRef.current = hasNextPage && !isFetchingNextPage ? () => void fetchNextPage() : null;
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, loadOlderRef]);
  const status = useChannelStatus(room);
  const wasJoined = useRef(false);
  useEffect(() => {
    // Only a re-join refetches: the first join is covered by the initial query.
    if (status === 'joined' && wasJoined.current) void refetch();
    if (status === 'joined') wasJoined.current = true;
  }, [status, refetch]);
  return null;
}
