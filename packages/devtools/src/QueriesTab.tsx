import { useRealtime } from '@roomkit/react';
import { tiedQueries } from '@roomkit/react/devtools';
import { useEffect, useState } from 'react';
import { parseRoomKey } from './channelsOnSocket';
import { useNow } from './useNow';

/** Reads a query's status off its client without importing react-query. */
function queryStatus(query: ReturnType<typeof tiedQueries>[number]): string {
  const state = query.queryClient.getQueryState(query.queryKey);
  if (!state) return 'not in the cache';
  return state.fetchStatus === 'fetching' ? `${state.status}, fetching` : state.status;
}

/**
 * The react-query keys tied to each room through `@roomkit/react/query`, with how many times a
 * gap refetched each. Empty (and says so) in an app without react-query.
 */
export function QueriesTab() {
  const { registry } = useRealtime();
  // Ties change as components mount, and the refetch count right after a room returns: read
  // them on a tick and once the query layer has handled each return.
  useNow(1000);
  const [, setReturns] = useState(0);
  useEffect(
    () => registry.onReturn(() => queueMicrotask(() => setReturns((count) => count + 1))),
    [registry],
  );
  const queries = tiedQueries(registry);
  if (queries.length === 0) {
    return (
      <p className="rkd-muted">
        No query is tied to a room. Queries kept live with <code>@roomkit/react/query</code> show
        here.
      </p>
    );
  }
  return (
    <table aria-label="Queries">
      <thead>
        <tr>
          <th>Query key</th>
          <th>Room</th>
          <th>Status</th>
          <th>Gap refetches</th>
        </tr>
      </thead>
      <tbody>
        {queries.map((query, index) => {
          const key = JSON.stringify(query.queryKey);
          return (
            // Two query clients may tie the same key to the same room.
            <tr key={`${index} ${query.room} ${key}`} data-room={query.room}>
              <td>
                <code>{key}</code>
              </td>
              <td>
                <code>{parseRoomKey(query.room).name}</code>
                {query.table && <div className="rkd-muted">table {query.table}</div>}
              </td>
              <td>{queryStatus(query)}</td>
              <td data-slot="gap-refetches">{query.gapRefetches}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
