'use client';
import { useChannelStatus } from '@roomkit/react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { ChatHistoryProps } from './chatTypes';

/**
 * A `<Chat>` history loader on react-query (`useInfiniteQuery`, so it needs a
 * `QueryClientProvider`): pages live in the app's query cache, keyed
 * `['@roomkit/ui', 'chat', room, pageSize]`, so a chat that mounts again shows them at once. It
 * loads the newest page on mount, older pages on demand, and refetches every loaded page when
 * the chat mounts again or its channel re-joins, so a gap is filled.
 * @example
 * import { QueryChatHistory } from '@roomkit/ui/query';
 * <Chat room="lobby" user={user} persistence={persistence} history={QueryChatHistory} />
 */
export function QueryChatHistory({
  room,
  persistence,
  pageSize,
  add,
  setLoadOlder,
}: ChatHistoryProps) {
  const { data, hasNextPage, isFetchingNextPage, fetchNextPage, refetch } = useInfiniteQuery({
    queryKey: ['@roomkit/ui', 'chat', room, pageSize],
    queryFn: ({ pageParam }) => persistence.load(room, { before: pageParam, limit: pageSize }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => (page.length < pageSize ? undefined : page[0]?.createdAt),
    // Live messages keep the chat current; only a mount or a re-join can have missed some.
    staleTime: Infinity,
    refetchOnMount: 'always',
  });
  useEffect(() => {
    for (const page of data?.pages ?? []) add(page);
  }, [data, add]);
  useEffect(() => {
    setLoadOlder(hasNextPage && !isFetchingNextPage ? () => void fetchNextPage() : null);
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, setLoadOlder]);
  useEffect(() => () => setLoadOlder(null), [setLoadOlder]);
  const status = useChannelStatus(room).phase;
  const wasJoined = useRef(false);
  useEffect(() => {
    // Only a re-join refetches: the first join is covered by the mount.
    if (status === 'joined' && wasJoined.current) void refetch();
    if (status === 'joined') wasJoined.current = true;
  }, [status, refetch]);
  return null;
}
