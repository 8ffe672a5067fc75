'use client';
import { useRealtime } from '@roomkit/react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ChatHistoryProps } from './chatTypes';

/**
 * A `<Chat>` history loader on react-query (`useInfiniteQuery`, so it needs a
 * `QueryClientProvider`): pages live in the app's query cache, keyed
 * `['@roomkit/ui', 'chat', room, pageSize]`, so a chat that mounts again shows them at once. It
 * loads the newest page on mount, older pages on demand, and refetches every loaded page when
 * the chat mounts again, when its channel first joins (the first page may have been read before)
 * and after each re-join, so no message falls between a read and a join.
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
    // Live messages keep the chat current; only a mount or a join can have missed some.
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
  const { registry } = useRealtime();
  // The channel joins a tick after its first consumer mounts, so this hears its first join; a
  // refetch then cancels a first read still under way and reads again, after the join.
  useEffect(
    () => registry.onReturn((key) => void (key === `public:${room}` && refetch())),
    [registry, room, refetch],
  );
  return null;
}
